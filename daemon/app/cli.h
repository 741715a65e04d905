// The `ponte` command line: one binary, subcommands (serve, check-config, migrate, positions,
// receipts, audit, outbox), each with --help.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/args.h"
#include "ops/config.h"
#include "store/store.h"

namespace ponte::app {

// Exit codes (sysexits.h values where one fits).
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;     // bad command line
inline constexpr int kExitData = 65;      // bad input data (some positions rejected)
inline constexpr int kExitNoInput = 66;   // an input file cannot be read
inline constexpr int kExitSoftware = 70;  // internal error
inline constexpr int kExitUnavailable = 69;  // the database cannot be opened
inline constexpr int kExitConfig = 78;    // bad configuration

// Runs the command line; returns the process exit code.
int runCli(int argc, char** argv);

// --- shared by the subcommands ---

// The config file named by --config, $PONTE_CONFIG or /etc/ponte/ponte.yaml.
std::string configPath(const Args& args);
// Parses it; on errors prints each one to stderr and returns nullopt.
std::optional<ops::Config> loadConfig(const std::string& path);
// Opens the configured store, SQLite or PostgreSQL (applying migrations); on failure prints
// why and returns null.
std::unique_ptr<store::Store> openStore(const ops::Config& config);
// Applies the configured store's pending migrations; returns the schema version reached.
store::Result<int> migrateStore(const ops::Config& config);
// The configured database for messages: the SQLite file, or "postgres <dsn>".
std::string storageName(const ops::Config& config);

// The threads `serve` runs for this configuration: the main thread, each listener's event
// loops, the writer and the delivery threads (when there are ledgers). It gives each a malloc
// arena of its own.
int serveThreads(const ops::Config& config);

int cmdServe(const std::vector<std::string>& argv);
int cmdCheckConfig(const std::vector<std::string>& argv);
int cmdMigrate(const std::vector<std::string>& argv);
int cmdPositions(const std::vector<std::string>& argv);
int cmdReceipts(const std::vector<std::string>& argv);
int cmdAudit(const std::vector<std::string>& argv);
int cmdOutbox(const std::vector<std::string>& argv);

// Loads every configured ledger as `serve` would (plugins opened, each route's create() run) and
// unloads them; one message per ledger that cannot be set up, naming it. For check-config.
std::vector<std::string> checkLedgers(const ops::Config& config);

}  // namespace ponte::app
