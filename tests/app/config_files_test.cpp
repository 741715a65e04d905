// The configuration files shipped with ponte parse without errors.
#include <catch2/catch.hpp>

#include "ops/config.h"

TEST_CASE("the annotated example and the demo configuration are valid", "[unit]") {
  for (const char* file : {"/config/ponte.example.yaml", "/config/demo.yaml"}) {
    auto result = ponte::ops::parseConfig(std::string(PONTE_SOURCE_DIR) + file);
    INFO(file << ": " << (result.errors.empty() ? "" : result.errors.front().text()));
    CHECK(result.ok());
  }
}
