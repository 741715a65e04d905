// Fuzz target: the configuration parser. Any text gives a configuration or errors, never both,
// never neither, and every error names the file and says what is wrong.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ops/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ponte::ops::ConfigResult result = ponte::ops::parseConfigText(text, "/etc/ponte/fuzz.yaml");
  if (result.ok() != result.errors.empty()) std::abort();
  for (const auto& error : result.errors) {
    if (error.file != "/etc/ponte/fuzz.yaml" || error.message.empty()) std::abort();
  }
  return 0;
}
