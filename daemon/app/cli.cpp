// Subcommand dispatch, top-level help, and what the subcommands share.
#include "app/cli.h"

#include <cstdlib>
#include <iostream>

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace ponte::app {
namespace {

constexpr const char* kUsage = R"(ponte - connects municipalities (creditor institutions) to the pagoPA payment node

Usage: ponte <command> [options]

Commands:
  serve          run the daemon in the foreground (the node's SOAP listener over mutual TLS)
  check-config   check a configuration file and everything a start needs (files, keys, database)
  migrate        create or upgrade the database schema
  positions      import and show debt positions (GPD JSON model)
  receipts       list the receipts the node delivered
  audit          the journal of the node's requests, by EC, notice and time
  outbox         the receipts' deliveries to the ledgers: list, show, retry, pause, resume
  version        print the version

Every command takes -c/--config FILE (default: $PONTE_CONFIG, else /etc/ponte/ponte.yaml)
and -h/--help. Exit status: 0 ok, 64 usage, 65 rejected data, 66 unreadable input,
69 database unavailable, 70 internal error, 78 bad configuration.
)";

}  // namespace

std::string configPath(const Args& args) {
  if (auto v = args.value("config")) return *v;
  if (const char* env = std::getenv("PONTE_CONFIG"); env && *env) return env;
  return "/etc/ponte/ponte.yaml";
}

std::optional<ops::Config> loadConfig(const std::string& path) {
  ops::ConfigResult result = ops::parseConfig(path);
  if (!result.ok()) {
    for (const auto& e : result.errors) std::cerr << e.text() << "\n";
    std::cerr << "ponte: the configuration has " << result.errors.size()
              << (result.errors.size() == 1 ? " error" : " errors") << "; nothing was started\n";
    return std::nullopt;
  }
  return std::move(result.config);
}

namespace {

// The PostgreSQL engine's options from the config, with the password read from its file.
store::Result<store::PostgresOptions> postgresOptions(const ops::Config& config) {
  store::PostgresOptions options;
  options.dsn = config.storage.dsn;
  options.pool_size = config.storage.pool.size;
  options.connect_timeout_ms = config.storage.pool.connect_timeout_ms;
  options.statement_timeout_ms = config.storage.pool.statement_timeout_ms;
  if (!config.storage.password_file.empty()) {
    auto password = store::readPasswordFile(config.storage.password_file);
    if (!password) return password.error();
    options.password = password.value();
  }
  return options;
}

}  // namespace

std::string storageName(const ops::Config& config) {
  if (config.storage.engine == ops::StorageEngine::kPostgres) {
    return "postgres " + config.storage.dsn;
  }
  return config.storage.path;
}

std::unique_ptr<store::Store> openStore(const ops::Config& config) {
  store::Error error;
  std::unique_ptr<store::Store> store;
  if (config.storage.engine == ops::StorageEngine::kPostgres) {
    auto options = postgresOptions(config);
    if (options) {
      store = store::openPostgresStore(options.value(), &error);
    } else {
      error = options.error();
    }
  } else {
    store::SqliteOptions options;
    options.path = config.storage.path;
    store = store::openSqliteStore(options, &error);
  }
  if (!store) {
    std::cerr << "ponte: cannot open the database " << storageName(config) << ": " << error.message
              << "\n";
  }
  return store;
}

store::Result<int> migrateStore(const ops::Config& config) {
  if (config.storage.engine == ops::StorageEngine::kPostgres) {
    auto options = postgresOptions(config);
    if (!options) return options.error();
    return store::migratePostgres(options.value());
  }
  return store::migrate(config.storage.path);
}

int runCli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "serve") return cmdServe(rest);
  if (command == "check-config") return cmdCheckConfig(rest);
  if (command == "migrate") return cmdMigrate(rest);
  if (command == "positions") return cmdPositions(rest);
  if (command == "receipts") return cmdReceipts(rest);
  if (command == "audit") return cmdAudit(rest);
  if (command == "outbox") return cmdOutbox(rest);
  if (command == "version" || command == "--version") {
    std::cout << "ponte " << PONTE_VERSION << "\n";
    return kExitOk;
  }
  std::cerr << "ponte: unknown command '" << command << "'\n\n" << kUsage;
  return kExitUsage;
}

}  // namespace ponte::app
