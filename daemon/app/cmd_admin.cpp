// `ponte check-config` and `ponte migrate`.
#include <iostream>

#include "app/cli.h"
#include "ops/check.h"
#include "store/sqlite_store.h"

namespace ponte::app {
namespace {

constexpr const char* kCheckUsage = R"(Usage: ponte check-config [-c FILE | FILE]

Checks everything a start would: the YAML (unknown keys, types, ranges, cross-references), the
certificate, key and CA files (readable, the key matches the certificate, not expired), that every
ledger loads (plugins opened and checked against the ABI, each ledger's setup run), and that the
database can be opened and migrated. Prints every problem with what to do; exit status 0
when the configuration can be started, 78 otherwise.
)";

constexpr const char* kMigrateUsage = R"(Usage: ponte migrate [-c FILE]

Creates the database named by storage.path (or the schema in the PostgreSQL database of
storage.dsn), or upgrades its schema to this version of ponte.
Safe to run again; a database made by a newer ponte is refused.
)";

}  // namespace

int cmdCheckConfig(const std::vector<std::string>& argv) {
  Args args(argv, {"config"}, {});
  if (!args.error().empty() || args.positional().size() > 1) {
    std::cerr << "ponte check-config: " << (args.error().empty() ? "too many arguments" : args.error())
              << "\n\n" << kCheckUsage;
    return kExitUsage;
  }
  if (args.has("help")) {
    std::cout << kCheckUsage;
    return kExitOk;
  }
  const std::string path = args.positional().empty() ? configPath(args) : args.positional()[0];
  auto config = loadConfig(path);
  if (!config) return kExitConfig;
  const ops::CheckReport report = ops::checkFiles(*config);
  for (const auto& w : report.warnings) std::cerr << path << ": warning: " << w << "\n";
  for (const auto& e : report.errors) std::cerr << path << ": " << e << "\n";
  bool ok = report.errors.empty();
  for (const auto& e : checkLedgers(*config)) {
    std::cerr << path << ": " << e << "\n";
    ok = false;
  }
  if (ok) {
    if (auto store = openStore(*config); !store) ok = false;
  }
  if (!ok) {
    std::cerr << "ponte check-config: " << path << " cannot be started as it is\n";
    return kExitConfig;
  }
  std::cout << path << ": OK: broker " << config->broker.id << ", " << config->stations.size()
            << " stations, " << config->creditor_institutions.size()
            << " creditor institutions, node listener on " << config->node_listener.address << ":"
            << config->node_listener.port << config->node_listener.soap_path << "\n";
  return kExitOk;
}

int cmdMigrate(const std::vector<std::string>& argv) {
  Args args(argv, {"config"}, {});
  if (!args.error().empty() || !args.positional().empty()) {
    std::cerr << "ponte migrate: " << (args.error().empty() ? "unexpected argument" : args.error()) << "\n\n"
              << kMigrateUsage;
    return kExitUsage;
  }
  if (args.has("help")) {
    std::cout << kMigrateUsage;
    return kExitOk;
  }
  auto config = loadConfig(configPath(args));
  if (!config) return kExitConfig;
  auto version = migrateStore(*config);
  if (!version) {
    std::cerr << "ponte migrate: " << storageName(*config) << ": " << version.error().message
              << "\n";
    return kExitUnavailable;
  }
  std::cout << storageName(*config) << ": schema version " << version.value() << "\n";
  return kExitOk;
}

}  // namespace ponte::app
