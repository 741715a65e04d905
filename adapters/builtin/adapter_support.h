// What the built-in ledger adapters share: reading a route's options, answering through the C ABI
// without letting an exception cross it, and the descriptor every adapter class is wrapped in.
#pragma once

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ponte/ledger.h"

namespace ponte::adapters {

inline std::string_view view(ponte_ledger_str s) {
  return s.data == nullptr ? std::string_view() : std::string_view(s.data, s.size);
}

// The value of option `key` of the route, or nullopt when the route has none.
inline std::optional<std::string> option(const ponte_ledger_config* config, std::string_view key) {
  for (std::size_t i = 0; i < config->option_count; ++i) {
    if (view(config->option_keys[i]) == key) return std::string(view(config->option_values[i]));
  }
  return std::nullopt;
}

// Copies text into a caller's buffer of `size` bytes, cut to fit, always NUL-terminated.
inline void copyMessage(char* buffer, std::size_t size, std::string_view text) {
  if (buffer == nullptr || size == 0) return;
  const std::size_t n = std::min(text.size(), size - 1);
  std::memcpy(buffer, text.data(), n);
  buffer[n] = '\0';
}

// Logs through the host's callback, when it gave one.
inline void hostLog(const ponte_ledger_host* host, int level, const std::string& message) {
  if (host != nullptr && PONTE_LEDGER_HAS_FIELD(host, ponte_ledger_host, log) &&
      host->log != nullptr) {
    host->log(host->host_context, level, message.c_str());
  }
}

// The C descriptor of an adapter class. Adapter provides:
//   static std::unique_ptr<Adapter> create(const ponte_ledger_host*, const ponte_ledger_config*,
//                                          std::string* error);
//   ponte_ledger_status deliver(const ponte_ledger_receipt&, std::string* message);
// The trampolines below turn any exception into an error result: none may cross the C ABI.
template <class Adapter>
struct AdapterAbi {
  static void* create(const ponte_ledger_host* host, const ponte_ledger_config* config,
                      char* error, std::size_t error_size) {
    std::string why;
    try {
      std::unique_ptr<Adapter> adapter = Adapter::create(host, config, &why);
      if (adapter) return adapter.release();
    } catch (const std::exception& e) {
      why = e.what();
    } catch (...) {
      why = "unexpected failure";
    }
    copyMessage(error, error_size, why.empty() ? "cannot be created" : why);
    return nullptr;
  }

  static int32_t deliver(void* instance, const ponte_ledger_receipt* receipt, char* message,
                         std::size_t message_size) {
    std::string why;
    ponte_ledger_status status = PONTE_LEDGER_RETRY;
    try {
      status = static_cast<Adapter*>(instance)->deliver(*receipt, &why);
    } catch (const std::bad_alloc&) {
      why = "out of memory";
      status = PONTE_LEDGER_RETRY;
    } catch (const std::exception& e) {
      why = e.what();
      status = PONTE_LEDGER_RETRY;
    } catch (...) {
      why = "unexpected failure";
      status = PONTE_LEDGER_RETRY;
    }
    if (status != PONTE_LEDGER_OK) copyMessage(message, message_size, why);
    return status;
  }

  static void destroy(void* instance) { delete static_cast<Adapter*>(instance); }

  static const ponte_ledger_plugin* descriptor(const char* name, uint32_t flags) {
    static const ponte_ledger_plugin plugin = {
        sizeof(ponte_ledger_plugin), PONTE_LEDGER_ABI_MAJOR, PONTE_LEDGER_ABI_MINOR, name, flags,
        &AdapterAbi::create, &AdapterAbi::deliver, &AdapterAbi::destroy};
    return &plugin;
  }
};

}  // namespace ponte::adapters
