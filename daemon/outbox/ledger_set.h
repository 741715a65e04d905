// Every ledger of the configuration, ready to deliver: built-in adapters by type, plugins loaded
// from their shared objects (one load per file), one instance per route.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ops/config.h"
#include "ops/log.h"
#include "outbox/ledger_route.h"

namespace ponte::outbox {

class LedgerSet {
 public:
  // Loads the plugins and makes every ledger's instance (create() runs: a webhook reads its
  // secret, a spool checks its folder). Null when any ledger fails, with one message per failure
  // in *errors, each naming the ledger. `log` receives the adapters' log lines and must outlive
  // the set. An empty list gives an empty set.
  static std::unique_ptr<LedgerSet> open(const std::vector<ops::LedgerConfig>& ledgers,
                                         ops::Logger& log, std::vector<std::string>* errors);

  // Adds a route made elsewhere (tests with their own plugins). Replaces one of the same name.
  void add(std::unique_ptr<LedgerRoute> route);

  // The route of that name, or null. Pointers stay valid while the set lives.
  LedgerRoute* find(std::string_view name) const;
  std::vector<LedgerRoute*> all() const;

 private:
  std::map<std::string, std::unique_ptr<LedgerRoute>, std::less<>> routes_;
};

// The built-in adapter's entry function for a configured type; null for kPlugin.
ponte_ledger_entry_fn builtinEntry(ops::LedgerType type);

}  // namespace ponte::outbox
