// The configuration files shipped with ponte parse without errors.
#include <catch2/catch.hpp>

#include <thread>

#include "app/cli.h"
#include "ops/config.h"

TEST_CASE("the annotated example and the demo configuration are valid", "[unit]") {
  for (const char* file : {"/config/ponte.example.yaml", "/config/demo.yaml"}) {
    auto result = ponte::ops::parseConfig(std::string(PONTE_SOURCE_DIR) + file);
    INFO(file << ": " << (result.errors.empty() ? "" : result.errors.front().text()));
    CHECK(result.ok());
  }
}

TEST_CASE("serve counts its threads, one malloc arena each", "[unit]") {
  auto parsed = ponte::ops::parseConfig(std::string(PONTE_SOURCE_DIR) + "/config/demo.yaml");
  REQUIRE(parsed.ok());
  ponte::ops::Config config = *parsed.config;
  config.node_listener.threads = 3;
  config.admin_listener.enabled = true;
  config.api_listener.enabled = false;
  config.ledgers.clear();
  CHECK(ponte::app::serveThreads(config) == 6);  // main, writer, 3 event loops, admin
  config.api_listener.enabled = true;
  config.api_listener.threads = 2;
  config.admin_listener.enabled = false;
  CHECK(ponte::app::serveThreads(config) == 7);
  config.ledgers.resize(1);
  config.outbox.workers = 4;
  CHECK(ponte::app::serveThreads(config) == 11);  // and the delivery threads
  config.node_listener.threads = 0;  // one per core
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  CHECK(ponte::app::serveThreads(config) == 8 + cores);
  config.node_listener.threads = 64;
  CHECK(ponte::app::serveThreads(config) == 64);  // at most
}
