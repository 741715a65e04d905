// The migrator: one transaction per migration, refusal of databases from the future.
#include "store/sqlite_schema.h"

#include <sqlite3.h>

#include <cassert>
#include <chrono>

namespace ponte::store::sqlite {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at_ms INTEGER NOT NULL)";

Result<bool> tableExists(Connection& db, const char* name) {
  auto stmt = db.statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!stmt) return stmt.error();
  StatementUse use(*stmt.value());
  use->bind(1, std::string_view(name));
  int rc = use->step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db.error("look for table", rc);
}

Result<std::int64_t> countTables(Connection& db) {
  auto stmt = db.statement(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  if (!stmt) return stmt.error();
  StatementUse use(*stmt.value());
  int rc = use->step();
  if (rc != SQLITE_ROW) return db.error("count tables", rc);
  return use->columnInt64(0);
}

Result<int> maxVersion(Connection& db) {
  auto stmt = db.statement("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!stmt) return stmt.error();
  StatementUse use(*stmt.value());
  int rc = use->step();
  if (rc != SQLITE_ROW) return db.error("read schema version", rc);
  return static_cast<int>(use->columnInt64(0));
}

Error fatal(Error e) {
  // A migration that fails for any reason but a lock is a broken database or binary: stop.
  if (e.kind != ErrorKind::kUnavailable) e.kind = ErrorKind::kFatal;
  return e;
}

// A migration that rebuilds tables runs with foreign keys off, as SQLite's procedure requires;
// before it commits, every reference from the tables it names must still resolve.
Result<Done> checkForeignKeys(Connection& db, const Migration& m) {
  std::string_view rest = m.rebuilds;
  while (!rest.empty()) {
    const auto space = rest.find(' ');
    const std::string table(rest.substr(0, space));
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (table.empty()) continue;
    auto check = db.statement("PRAGMA foreign_key_check(" + table + ")");
    if (!check) return check.error();
    StatementUse use(*check.value());
    int rc = use->step();
    if (rc == SQLITE_DONE) continue;
    if (rc != SQLITE_ROW) return db.error("check foreign keys of " + table, rc);
    return Error{ErrorKind::kFatal, "sqlite: migration " + std::to_string(m.version) + " (" +
                                        std::string(m.name) + ") would leave a row of " +
                                        std::string(use->columnText(0)) +
                                        " pointing at no row of " +
                                        std::string(use->columnText(2))};
  }
  return Done{};
}

// One step: inside a write transaction, re-read the version (another process may have moved
// it) and apply the next migration. Returns the version after the step.
Result<int> step(Connection& db, std::span<const Migration> list, bool keys_off) {
  auto version = maxVersion(db);
  if (!version) return version.error();
  int latest = list.empty() ? 0 : list.back().version;
  if (version.value() > latest) {
    return Error{ErrorKind::kFatal,
                 "sqlite: database schema version " + std::to_string(version.value()) +
                     " is newer than this ponte knows (" + std::to_string(latest) +
                     "): upgrade ponte or restore a matching backup"};
  }
  if (version.value() == latest) return latest;
  const Migration& next = list[static_cast<std::size_t>(version.value())];
  // Another process moved the version since the caller looked: let it look again.
  if (!next.rebuilds.empty() && !keys_off) return version.value();
  if (auto r = db.exec(next.sql, "migration " + std::to_string(next.version) + " (" +
                                     std::string(next.name) + ")");
      !r) {
    return fatal(r.error());
  }
  auto insert = db.statement(
      "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?1, ?2, ?3)");
  if (!insert) return fatal(insert.error());
  StatementUse use(*insert.value());
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  use->bind(1, static_cast<std::int64_t>(next.version)).bind(2, next.name).bind(3, now);
  if (int rc = use->step(); rc != SQLITE_DONE) return fatal(db.error("record migration", rc));
  if (auto r = checkForeignKeys(db, next); !r) return fatal(r.error());
  return next.version;
}

// Foreign keys off for the life of the guard (a pragma that only works outside a
// transaction), when `off`.
class ForeignKeysOff {
 public:
  ForeignKeysOff(Connection& db, bool off) : db_(db) {
    if (off) ok_ = on_ = db_.exec("PRAGMA foreign_keys=OFF", "turn foreign keys off").ok();
  }
  ~ForeignKeysOff() {
    if (on_) db_.exec("PRAGMA foreign_keys=ON", "turn foreign keys back on");
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;
  bool ok() const { return ok_; }

 private:
  Connection& db_;
  bool ok_ = true;
  bool on_ = false;  // turned off here, so to be turned back on
};

}  // namespace

Result<int> readSchemaVersion(Connection& db) {
  auto exists = tableExists(db, "schema_migrations");
  if (!exists) return exists.error();
  if (exists.value()) return maxVersion(db);
  auto tables = countTables(db);
  if (!tables) return tables.error();
  if (tables.value() > 0) {
    return Error{
        ErrorKind::kFatal,
        "sqlite: the database holds tables but no schema_migrations: not a ponte database"};
  }
  return 0;
}

Result<int> applyMigrations(Connection& db, std::span<const Migration> list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    assert(list[i].version == static_cast<int>(i) + 1);
  }
  if (auto before = readSchemaVersion(db); !before) return before.error();

  // WAL is persistent in the file; every later connection gets it. Only a write can set it, so a
  // read-only file fails here, with SQLite's reason.
  auto mode = db.statement("PRAGMA journal_mode=WAL");
  if (!mode) return mode.error();
  {
    StatementUse use(*mode.value());
    int rc = use->step();
    if (rc != SQLITE_ROW) return db.error("set journal_mode=WAL", rc);
    if (use->columnText(0) != "wal") {
      return Error{ErrorKind::kFatal, "sqlite: the database refused WAL mode (journal_mode=" +
                                          std::string(use->columnText(0)) + ")"};
    }
  }
  if (auto r = db.exec(kCreateMigrationsTable, "create schema_migrations"); !r) return r.error();

  for (;;) {
    // A migration that rebuilds a table runs with foreign keys off, which can only be set
    // outside a transaction: look at the next one first.
    auto at = maxVersion(db);
    if (!at) return at.error();
    const bool rebuilds = at.value() >= 0 && static_cast<std::size_t>(at.value()) < list.size() &&
                          !list[static_cast<std::size_t>(at.value())].rebuilds.empty();
    ForeignKeysOff keys(db, rebuilds);
    if (!keys.ok()) {
      return Error{ErrorKind::kFatal, "sqlite: could not turn foreign keys off to migrate"};
    }
    if (auto r = db.exec("BEGIN IMMEDIATE", "begin migration"); !r) return r.error();
    auto reached = step(db, list, rebuilds);
    if (!reached) {
      db.exec("ROLLBACK", "roll back migration");
      return reached.error();
    }
    if (auto r = db.exec("COMMIT", "commit migration"); !r) {
      db.exec("ROLLBACK", "roll back migration");
      return fatal(r.error());
    }
    int latest = list.empty() ? 0 : list.back().version;
    if (reached.value() == latest) return latest;
  }
}

}  // namespace ponte::store::sqlite
