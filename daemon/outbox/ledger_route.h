// One configured ledger (a route): its adapter instance, made with the plugin's create() and
// called through the C ABI, serialized when the plugin is not thread-safe, and disabled after
// the adapter answers FATAL until an operator has it made again.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "outbox/ledger_plugin.h"
#include "outbox/ledger_receipt.h"
#include "ops/log.h"

namespace ponte::outbox {

// What one delivery attempt came to.
struct LedgerResult {
  ponte_ledger_status status = PONTE_LEDGER_RETRY;
  std::string message;  // empty on OK
};

using LedgerOptions = std::vector<std::pair<std::string, std::string>>;

class LedgerRoute {
 public:
  // Makes the route's instance: the plugin's create() with the route name and options. Null
  // with *error (the plugin's own reason, prefixed with the route) when create() fails. `log`
  // receives the plugin's log lines and must outlive the route.
  static std::unique_ptr<LedgerRoute> create(std::string name,
                                             std::shared_ptr<const LedgerPlugin> plugin,
                                             LedgerOptions options, ops::Logger& log,
                                             std::string* error);

  // Destroys the instance (after any call in progress has returned).
  ~LedgerRoute();
  LedgerRoute(const LedgerRoute&) = delete;
  LedgerRoute& operator=(const LedgerRoute&) = delete;

  // Delivers one receipt. Thread-safe; calls to a plugin without PONTE_LEDGER_THREAD_SAFE are
  // made one at a time. A disabled route answers FATAL with its reason and calls nothing. An
  // unknown status from the plugin counts as RETRY.
  LedgerResult deliver(const LedgerReceipt& receipt);

  // Stops using the instance (it is destroyed once calls in progress return); deliver() then
  // answers FATAL with `reason` until enable() succeeds. Thread-safe.
  void disable(const std::string& reason);
  bool disabled() const;
  std::string disabledReason() const;
  // Makes a new instance for a disabled route (an operator fixed what made it FATAL). False with
  // *error when create() fails again; true at once when the route is not disabled.
  bool enable(std::string* error);

  const std::string& name() const { return name_; }
  const LedgerPlugin& plugin() const { return *plugin_; }

 private:
  struct Instance;
  LedgerRoute(std::string name, std::shared_ptr<const LedgerPlugin> plugin, LedgerOptions options,
              ops::Logger& log);
  std::shared_ptr<Instance> makeInstance(std::string* error);
  static void hostLog(void* context, int level, const char* message);

  const std::string name_;
  const std::shared_ptr<const LedgerPlugin> plugin_;
  const LedgerOptions options_;
  ops::Logger& log_;
  mutable std::mutex mutex_;  // guards instance_ and reason_
  std::shared_ptr<Instance> instance_;
  std::string reason_;     // why it is disabled; empty while enabled
  std::mutex call_mutex_;  // serializes calls to a plugin that is not thread-safe
};

}  // namespace ponte::outbox
