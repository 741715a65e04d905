// Building the configured ledgers.
#include "outbox/ledger_set.h"

#include "builtin/builtin_ledgers.h"

namespace ponte::outbox {

ponte_ledger_entry_fn builtinEntry(ops::LedgerType type) {
  switch (type) {
    case ops::LedgerType::kWebhook:
      return &ponte_ledger_webhook_entry;
    case ops::LedgerType::kSpool:
      return &ponte_ledger_spool_entry;
    case ops::LedgerType::kJournal:
      return &ponte_ledger_journal_entry;
    case ops::LedgerType::kPlugin:
      return nullptr;
  }
  return nullptr;
}

std::unique_ptr<LedgerSet> LedgerSet::open(const std::vector<ops::LedgerConfig>& ledgers,
                                           ops::Logger& log, std::vector<std::string>* errors) {
  auto set = std::make_unique<LedgerSet>();
  std::map<std::string, std::shared_ptr<const LedgerPlugin>> loaded;  // by file or type
  bool ok = true;
  for (const ops::LedgerConfig& ledger : ledgers) {
    const bool plugin = ledger.type == ops::LedgerType::kPlugin;
    const std::string origin =
        plugin ? ledger.plugin : "built-in " + std::string(ops::toString(ledger.type));
    std::shared_ptr<const LedgerPlugin>& p = loaded[origin];
    std::string error;
    if (!p) {
      p = plugin ? LedgerPlugin::open(ledger.plugin, &error)
                 : LedgerPlugin::fromEntry(builtinEntry(ledger.type), origin, &error);
    }
    if (!p) {
      errors->push_back("ledger " + ledger.name + ": " + error);
      loaded.erase(origin);
      ok = false;
      continue;
    }
    auto route = LedgerRoute::create(ledger.name, p, ledger.options, log, &error);
    if (!route) {
      errors->push_back(error);
      ok = false;
      continue;
    }
    set->add(std::move(route));
  }
  if (!ok) return nullptr;
  return set;
}

void LedgerSet::add(std::unique_ptr<LedgerRoute> route) {
  std::string name = route->name();
  routes_[name] = std::move(route);
}

LedgerRoute* LedgerSet::find(std::string_view name) const {
  auto it = routes_.find(name);
  return it == routes_.end() ? nullptr : it->second.get();
}

std::vector<LedgerRoute*> LedgerSet::all() const {
  std::vector<LedgerRoute*> out;
  for (const auto& [name, route] : routes_) out.push_back(route.get());
  return out;
}

}  // namespace ponte::outbox
