// The SQLite engine: registered for the contract suite, plus what only SQLite has (files,
// migrations, the writer's batching, per-thread readers, faults of the disk).
#include <sqlite3.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>

#include "faulty_vfs.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_readers.h"
#include "store/sqlite_schema.h"
#include "store/sqlite_store.h"
#include "store/sqlite_writer.h"
#include "store/sqlite_writes.h"
#include "store_contract.h"
#include "store_fixtures.h"

namespace ponte::store::testing {
namespace {

// Runs SQL on the database file with a plain connection of its own (after the store is closed,
// or next to it: WAL lets both in).
void rawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  INFO(text);
  REQUIRE(rc == SQLITE_OK);
}

std::int64_t rawCount(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  std::int64_t n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

class SqliteHarness final : public EngineHarness {
 public:
  std::unique_ptr<Store> open() override {
    Error error;
    auto store = tryOpen(&error);
    if (!store) throw std::runtime_error("open sqlite store: " + error.message);
    return store;
  }
  std::unique_ptr<Store> tryOpen(Error* error) override {
    SqliteOptions options;
    options.path = path();
    options.writer_cache_kib = 2048;
    options.reader_cache_kib = 512;
    return openSqliteStore(options, error);
  }
  void makeSchemaNewer() override {
    rawExec(path(), "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (" +
                        std::to_string(schemaVersion() + 1) + ", 'from the future', 0)");
  }
  std::string path() const { return dir_.file("ponte.db"); }

 private:
  TempDir dir_;
};

const bool registered = registerEngine(
    Engine{"sqlite", [] { return std::unique_ptr<EngineHarness>(new SqliteHarness()); }});

std::unique_ptr<Store> openAt(const std::string& path, Error* error = nullptr) {
  SqliteOptions options;
  options.path = path;
  return openSqliteStore(options, error);
}

std::unique_ptr<sqlite::Connection> connect(const std::string& path) {
  auto db = sqlite::Connection::open(path, sqlite::OpenOptions{});
  if (!db) throw std::runtime_error(db.error().message);
  return std::move(db.value());
}

// A writer job that parks the writer thread until released, so a test can line up jobs behind
// it deterministically.
// The test keeps the gate: the job may be gone as soon as it is released.
struct Gate {
  std::promise<void> running;
  std::promise<void> release;
};

class BlockingJob final : public sqlite::WriteJob {
 public:
  explicit BlockingJob(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  Result<Done> run(sqlite::Connection&) override {
    gate_->running.set_value();
    gate_->release.get_future().wait();
    return Done{};
  }
  void complete(const Error*) noexcept override {}

 private:
  std::shared_ptr<Gate> gate_;
};

// Submits a BlockingJob and returns once the writer thread is parked in it.
std::shared_ptr<Gate> park(sqlite::Writer& writer) {
  auto gate = std::make_shared<Gate>();
  auto running = gate->running.get_future();
  writer.submit(std::make_unique<BlockingJob>(gate));
  running.wait();
  return gate;
}

// Polls `done` every 10 ms for up to 5 s; its last answer.
template <class Done>
bool waitUntil(Done&& done) {
  for (int i = 0; i < 500 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// Advances a sequence (one row written), optionally failing after the write.
class SequenceJob final : public sqlite::WriteJob {
 public:
  SequenceJob(std::string name, bool fail, std::atomic<int>* ok, std::atomic<int>* failed,
              bool patient = false)
      : name_(std::move(name)), fail_(fail), ok_(ok), failed_(failed), patient_(patient) {}
  bool patient() const override { return patient_; }
  Result<Done> run(sqlite::Connection& db) override {
    auto v = sqlite::nextSequenceValue(db, kEcA, name_);
    if (!v) return v.error();
    if (fail_) return Error{ErrorKind::kInvalid, "this job fails after writing"};
    return Done{};
  }
  void complete(const Error* failure) noexcept override { ++*(failure ? failed_ : ok_); }

 private:
  std::string name_;
  bool fail_;
  std::atomic<int>* ok_;
  std::atomic<int>* failed_;
  bool patient_;
};

}  // namespace

// Column `column` of each row SQLite answers to `how` + `sql` (EXPLAIN, EXPLAIN QUERY PLAN, or
// nothing: the query itself).
std::vector<std::string> explained(const std::string& path, const std::string& how,
                                   const std::string& sql, int column) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, (how + " " + sql).c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, column)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

// The names of the table's indexes, SQLite's own (behind UNIQUE) included.
std::set<std::string> indexesOf(const std::string& path, const std::string& table) {
  const auto names = explained(path, "", "SELECT name FROM sqlite_master WHERE type = 'index'"
                                         " AND tbl_name = '" + table + "'", 0);
  return {names.begin(), names.end()};
}

// The opcodes SQLite compiles `sql` to, one per row.
std::vector<std::string> opcodes(const std::string& path, const std::string& sql) {
  return explained(path, "EXPLAIN", sql, 1);
}

// SQLite's plan for `sql`, its steps joined by "; ".
std::string plan(const std::string& path, const std::string& sql) {
  std::string steps;
  for (const std::string& step : explained(path, "EXPLAIN QUERY PLAN", sql, 3)) steps += step + "; ";
  return steps;
}

TEST_CASE("store sqlite: the outbox's state checks are plain comparisons, and still refuse",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("checks.db");
  REQUIRE(migrate(path).ok());
  // An IN list in a CHECK builds a temporary B-tree (OpenEphemeral) for every row written.
  CHECK(rawCount(path, "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%CHECK (% IN (%'") == 0);
  const auto ops = opcodes(path,
                           "INSERT INTO outbox (receipt_row, ec, route, state, attempts,"
                           " next_attempt_ms, created_ms) VALUES (1, 'A', 'r', 'pending', 0, 1, 1)");
  CHECK(std::count(ops.begin(), ops.end(), "OpenEphemeral") == 0);
  CHECK(std::count(ops.begin(), ops.end(), "Halt") >= 2);  // the check is still there
  CHECK(rawCount(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'") ==
        0);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  const auto run = [&](const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); };
  REQUIRE(run("INSERT INTO receipts (id, ec, receipt_id, notice_number, iuv, amount_cents,"
              " received_at_ms, payment_date_time, psp, double_payment, unmatched, v2, raw_xml,"
              " parsed) VALUES (1, 'A', 'R', 'N', 'I', 1, 1, 't', 'P', 0, 0, 1, '', '{}')") ==
          SQLITE_OK);
  CHECK(run("INSERT INTO outbox (receipt_row, ec, route, state, next_attempt_ms, created_ms)"
            " VALUES (1, 'A', 'r', 'pending', 1, 1)") == SQLITE_OK);
  CHECK(run("UPDATE outbox SET state = 'dead'") == SQLITE_OK);
  CHECK(run("UPDATE outbox SET state = 'lost'") == SQLITE_CONSTRAINT);
  CHECK(run("INSERT INTO delivery_attempts (delivery_id, attempt, at_ms, outcome, error)"
            " VALUES (1, 1, 1, 'retry', '')") == SQLITE_OK);
  CHECK(run("INSERT INTO delivery_attempts (delivery_id, attempt, at_ms, outcome, error)"
            " VALUES (1, 1, 1, 'maybe', '')") == SQLITE_CONSTRAINT);
  sqlite3_close(db);
}

TEST_CASE("store sqlite: a payment attempt inserts at no random place", "[store]") {
  TempDir dir;
  const std::string path = dir.file("attempts.db");
  REQUIRE(migrate(path).ok());
  // Only the payment note's partial index remains: rows go at the table's end, and attempts
  // without a note (most of them) touch no index at all.
  CHECK(indexesOf(path, "payment_attempts") == std::set<std::string>{"payment_attempts_by_note"});
}

TEST_CASE("store sqlite: a delivery is written to the table and the claim index only", "[store]") {
  TempDir dir;
  const std::string path = dir.file("lean.db");
  REQUIRE(migrate(path).ok());
  // No index on every row's state, no index behind a (receipt, route) constraint: a pending
  // delivery goes into the table and the pending index, the dead index being partial.
  CHECK(indexesOf(path, "outbox") == std::set<std::string>{"outbox_pending", "outbox_dead"});
  CHECK(rawCount(path, "SELECT count(*) FROM sqlite_master WHERE name = 'outbox_dead'"
                       " AND sql LIKE '%WHERE state = ''dead''%'") == 1);
  // The operator's and the worker's questions still avoid reading the whole table.
  const std::string pending = plan(
      path, "SELECT d.id FROM outbox d WHERE d.ec = 'A' AND d.state = 'pending' AND d.id > 0"
            " ORDER BY d.id LIMIT 1");
  CHECK_THAT(pending, Catch::Contains("USING INDEX outbox_pending"));
  const std::string dead = plan(path,
                                "SELECT d.id FROM outbox d WHERE d.ec = 'A' AND d.state = 'dead'"
                                " AND d.id > 0 ORDER BY d.id LIMIT 1");
  CHECK_THAT(dead, Catch::Contains("USING INDEX outbox_dead"));
  CHECK_THAT(plan(path, "SELECT count(*) FROM outbox d WHERE d.ec = 'A' AND d.state = 'pending'"),
             Catch::Contains("USING INDEX outbox_pending"));
  CHECK_THAT(plan(path, "SELECT count(*) FROM outbox d WHERE d.ec = 'A' AND d.state = 'dead'"),
             Catch::Contains("USING INDEX outbox_dead"));
}

// A database at schema version `version`, for a migration's test to fill with old rows.
void createAtVersion(const std::string& path, int version) {
  auto db = connect(path);
  REQUIRE(sqlite::applyMigrations(*db, sqlite::migrations().first(version)).value() == version);
}

// A receipt row as every schema version has it (id 7, EC 'A'), for the migrations' tests.
constexpr const char* kReceipt7 =
    "INSERT INTO receipts (id, ec, receipt_id, notice_number, iuv, amount_cents,"
    " received_at_ms, payment_date_time, psp, double_payment, unmatched, v2, raw_xml,"
    " parsed) VALUES (7, 'A', 'R', 'N', 'I', 1, 1, 't', 'P', 0, 0, 1, '', '{}');";

TEST_CASE("store sqlite: a receipt's deliveries are queued after it, by claims and by reads",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("queued.db");
  SqliteOptions options;
  options.path = path;
  Error error;
  auto store = openSqliteStore(options, &error);
  REQUIRE(store);
  for (int i = 1; i <= 5; ++i) {
    auto w = receiptFor(kEcA, notice(7000 + i).nav, "Q-" + std::to_string(i), 1000 + i,
                        {"books", "treasury", "books"});
    REQUIRE(commit(*store, std::move(w)).ok());
  }
  REQUIRE(commit(*store, receiptFor(kEcA, notice(7006).nav, "Q-6", 1006, {})).ok());
  // The receipts' transactions wrote no outbox row: each receipt keeps its distinct routes.
  CHECK(rawCount(path, "SELECT count(*) FROM outbox") == 0);
  CHECK(rawCount(path,
                 "SELECT count(*) FROM receipts"
                 " WHERE ledger_routes = '[\"books\",\"treasury\"]'") == 5);
  CHECK(rawCount(path, "SELECT count(*) FROM receipts WHERE ledger_routes = ''") == 1);
  CHECK(rawCount(path, "SELECT receipt_row FROM outbox_queued") == 0);

  // A claim of 3 queues 3 receipts (6 deliveries), oldest first, and takes the 3 due first.
  auto claimed = store->claimDeliveries(kEcA, 5000, 100'000, 3);
  REQUIRE(claimed.ok());
  REQUIRE(claimed.value().size() == 3);
  CHECK(claimed.value()[0].receipt.receipt_id == "Q-1");
  CHECK(claimed.value()[0].route == "books");
  CHECK(claimed.value()[1].receipt.receipt_id == "Q-1");
  CHECK(claimed.value()[1].route == "treasury");
  CHECK(claimed.value()[2].receipt.receipt_id == "Q-2");
  CHECK(rawCount(path, "SELECT count(*) FROM outbox") == 6);
  CHECK(rawCount(path, "SELECT receipt_row FROM outbox_queued") == 3);

  // Two more, then a restart: what was not queued is queued by the next read, once.
  REQUIRE(commit(*store, receiptFor(kEcA, notice(7007).nav, "Q-7", 1007, {"books"})).ok());
  store.reset();
  store = openSqliteStore(options, &error);
  REQUIRE(store);
  CHECK(rawCount(path, "SELECT count(*) FROM outbox") == 6);
  auto pending = store->countDeliveries(kEcA, DeliveryState::kPending);
  REQUIRE(pending.ok());
  CHECK(pending.value() == 11);  // 5 receipts x 2 routes, and Q-7's one; Q-6 has none
  CHECK(rawCount(path, "SELECT count(*) FROM outbox") == 11);
  CHECK(rawCount(path, "SELECT receipt_row FROM outbox_queued") == 7);
  CHECK(rawCount(path,
                 "SELECT count(*) FROM (SELECT receipt_row, route FROM outbox"
                 " GROUP BY receipt_row, route HAVING count(*) > 1)") == 0);
  auto listed = store->listDeliveries(kEcA, DeliveryState::kPending, 0, 100);
  REQUIRE(listed.ok());
  REQUIRE(listed.value().size() == 11);
  CHECK(listed.value().back().receipt.receipt_id == "Q-7");
  CHECK(listed.value().back().created_unix_ms == 1007);
}

TEST_CASE("store sqlite: migration 11 queues nothing again for the receipts stored before it",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("eleven.db");
  createAtVersion(path, 10);
  rawExec(path,
          std::string(kReceipt7) +
              "INSERT INTO outbox (id, receipt_row, ec, route, state, attempts, next_attempt_ms,"
              " last_error, created_ms) VALUES (40, 7, 'A', 'books', 'pending', 0, 1, '', 1);");
  {
    auto db = connect(path);
    REQUIRE(sqlite::applyMigrations(*db, sqlite::migrations()).value() >= 11);
  }
  CHECK(rawCount(path, "SELECT receipt_row FROM outbox_queued") == 7);
  SqliteOptions options;
  options.path = path;
  Error error;
  auto store = openSqliteStore(options, &error);
  REQUIRE(store);
  auto pending = store->countDeliveries("A", DeliveryState::kPending);
  REQUIRE(pending.ok());
  CHECK(pending.value() == 1);
  CHECK(rawCount(path, "SELECT count(*) FROM outbox") == 1);
}

TEST_CASE("store sqlite: a claim does not walk a paused route's backlog", "[store]") {
  TempDir dir;
  const std::string path = dir.file("held.db");
  REQUIRE(migrate(path).ok());
  // 20 000 deliveries held by a paused route, all due before the live route's 3, and another
  // EC's. The claim walked the first ones, row by row, on every pass of every worker.
  rawExec(path,
          "INSERT INTO paused_routes (route, paused_ms, reason) VALUES ('held', 0, 'test');"
          "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
          " INSERT INTO outbox (receipt_row, ec, route, state, next_attempt_ms, created_ms)"
          " SELECT i, 'A', 'held', 'pending', i, i FROM n;"
          "INSERT INTO outbox (receipt_row, ec, route, state, next_attempt_ms, created_ms)"
          " VALUES (1, 'A', 'live', 'pending', 30000, 1), (2, 'A', 'live', 'pending', 30001, 2),"
          " (3, 'B', 'live', 'pending', 1, 1), (4, 'A', 'live', 'pending', 30002, 3);");
  auto db = connect(path);
  long steps = 0;
  sqlite3_progress_handler(
      db->raw(), 1,
      [](void* n) {
        ++*static_cast<long*>(n);
        return 0;
      },
      &steps);
  auto ids = sqlite::leaseDeliveries(*db, "A", 40'000, 100'000, 2);
  sqlite3_progress_handler(db->raw(), 0, nullptr, nullptr);
  REQUIRE(ids.ok());
  CHECK(ids.value() == std::vector<std::int64_t>{20001, 20002});
  // A few index probes and two leases: a few hundred virtual-machine steps, where walking the
  // held rows took over 100 000.
  INFO("steps " << steps);
  CHECK(steps < 2000);
  CHECK(rawCount(path, "SELECT count(*) FROM outbox WHERE next_attempt_ms = 100000") == 2);
}

TEST_CASE("store sqlite: migration 9 rebuilds the outbox with every delivery and its history",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("nine.db");
  createAtVersion(path, 8);
  rawExec(path,
          std::string("PRAGMA foreign_keys=ON;") + kReceipt7 +
              "INSERT INTO outbox (id, receipt_row, ec, route, state, attempts, next_attempt_ms,"
              " last_error, created_ms, delivered_ms) VALUES"
              " (40, 7, 'A', 'books', 'delivered', 1, 5, '', 1, 5),"
              " (41, 7, 'A', 'treasury', 'dead', 3, 9, 'HTTP 400', 1, NULL),"
              " (42, 7, 'A', 'journal', 'pending', 2, 11, 'HTTP 503', 1, NULL);"
              "INSERT INTO delivery_attempts (delivery_id, attempt, at_ms, outcome, error)"
              " VALUES (41, 3, 9, 'dead', 'HTTP 400'), (42, 1, 8, 'retry', 'HTTP 503');");

  auto db = connect(path);
  REQUIRE(sqlite::applyMigrations(*db, sqlite::migrations()).value() >= 9);
  // Every row and column kept, ids too (the attempts point at them), and the references hold.
  CHECK(rawCount(path, "SELECT count(*) FROM outbox") == 3);
  CHECK(rawCount(path,
                 "SELECT count(*) FROM outbox WHERE (id, receipt_row, ec, route, state, attempts,"
                 " next_attempt_ms, last_error, created_ms, coalesce(delivered_ms, -1)) IN (VALUES"
                 " (40, 7, 'A', 'books', 'delivered', 1, 5, '', 1, 5),"
                 " (41, 7, 'A', 'treasury', 'dead', 3, 9, 'HTTP 400', 1, -1),"
                 " (42, 7, 'A', 'journal', 'pending', 2, 11, 'HTTP 503', 1, -1))") == 3);
  CHECK(rawCount(path, "SELECT count(*) FROM delivery_attempts d JOIN outbox o"
                       " ON o.id = d.delivery_id") == 2);
  CHECK(rawCount(path, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
  CHECK(rawCount(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'") ==
        0);
  CHECK(rawCount(path, "SELECT count(*) FROM sqlite_master WHERE name = 'outbox_rebuilt'") == 0);
  // The migrating connection has its foreign keys back on, and the constraints still refuse.
  auto keys = db->statement("PRAGMA foreign_keys");
  REQUIRE(keys.ok());
  {
    sqlite::StatementUse use(*keys.value());
    REQUIRE(use->step() == SQLITE_ROW);
    CHECK(use->columnInt64(0) == 1);
  }
  CHECK_FALSE(db->exec("INSERT INTO outbox (receipt_row, ec, route, state, next_attempt_ms,"
                       " created_ms) VALUES (8, 'A', 'books', 'pending', 1, 1)",
                       "orphan delivery")
                  .ok());
  CHECK_FALSE(db->exec("UPDATE outbox SET state = 'lost' WHERE id = 42", "unknown state").ok());
}

TEST_CASE("store sqlite: a migration that would orphan a row is refused, and keys come back on",
          "[store]") {
  TempDir dir;
  auto db = connect(dir.file("orphan.db"));
  const sqlite::Migration list[] = {
      {1, "parent and child",
       "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
       "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id));"
       "INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1, 1);"},
      {2, "parent rebuilt empty",
       "CREATE TABLE parent_new (id INTEGER PRIMARY KEY); DROP TABLE parent;"
       " ALTER TABLE parent_new RENAME TO parent;",
       "parent child"},
  };
  auto r = sqlite::applyMigrations(*db, list);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::kFatal);
  CHECK_THAT(r.error().message, Catch::Contains("migration 2") && Catch::Contains("child") &&
                                    Catch::Contains("parent"));
  CHECK(sqlite::readSchemaVersion(*db).value() == 1);
  CHECK_FALSE(db->exec("INSERT INTO child VALUES (2, 99)", "orphan").ok());
}

TEST_CASE("store sqlite: migrate creates a fresh WAL database at the binary's version", "[store]") {
  TempDir dir;
  const std::string path = dir.file("fresh.db");
  auto v = migrate(path);
  REQUIRE(v.ok());
  CHECK(v.value() == schemaVersion());
  CHECK(schemaVersion() >= 1);
  CHECK(migrate(path).value() == schemaVersion());  // idempotent
  CHECK(rawCount(path, "SELECT count(*) FROM schema_migrations") == schemaVersion());
  CHECK(rawCount(path, "SELECT count(*) FROM sqlite_master WHERE name = 'receipts'") == 1);

  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_CASE("store sqlite: a failing migration leaves the database at the previous version",
          "[store]") {
  TempDir dir;
  auto db = connect(dir.file("m.db"));
  const sqlite::Migration list[] = {
      {1, "one", "CREATE TABLE one (x INTEGER)"},
      {2, "two", "CREATE TABLE two (y INTEGER); INSERT INTO no_such_table VALUES (1)"},
  };
  auto r = sqlite::applyMigrations(*db, list);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::kFatal);
  CHECK_THAT(r.error().message, Catch::Contains("migration 2") && Catch::Contains("no_such_table"));
  CHECK(sqlite::readSchemaVersion(*db).value() == 1);
  auto two = db->statement("SELECT count(*) FROM sqlite_master WHERE name = 'two'");
  REQUIRE(two.ok());
  sqlite::StatementUse use(*two.value());
  REQUIRE(use->step() == SQLITE_ROW);
  CHECK(use->columnInt64(0) == 0);
}

TEST_CASE("store sqlite: databases that are not ponte's, or from a newer ponte, are refused",
          "[store]") {
  TempDir dir;
  Error error;
  SECTION("a SQLite file of another program") {
    rawExec(dir.file("other.db"), "CREATE TABLE customers (id INTEGER)");
    CHECK(openAt(dir.file("other.db"), &error) == nullptr);
    CHECK(error.kind == ErrorKind::kFatal);
    CHECK_THAT(error.message, Catch::Contains("not a ponte database"));
  }
  SECTION("a file that is not a database at all") {
    std::ofstream(dir.file("garbage.db")) << std::string(8192, 'x');
    CHECK(openAt(dir.file("garbage.db"), &error) == nullptr);
    CHECK(error.kind == ErrorKind::kFatal);
  }
  SECTION("a directory that does not exist") {
    CHECK(openAt(dir.file("missing/ponte.db"), &error) == nullptr);
    CHECK(error.kind == ErrorKind::kUnavailable);
    CHECK_THAT(error.message, Catch::Contains("missing/ponte.db"));
  }
  SECTION("migrate refuses a newer schema as open does") {
    REQUIRE(migrate(dir.file("new.db")).ok());
    rawExec(dir.file("new.db"), "INSERT INTO schema_migrations VALUES (" +
                                    std::to_string(schemaVersion() + 7) + ", 'future', 0)");
    auto r = migrate(dir.file("new.db"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::kFatal);
    CHECK_THAT(r.error().message, Catch::Contains("upgrade ponte"));
  }
  SECTION("bad options") {
    CHECK(openAt("", &error) == nullptr);
    CHECK(error.kind == ErrorKind::kInvalid);
  }
}

TEST_CASE("store sqlite: payment attempts are recorded without touching positions", "[store]") {
  TempDir dir;
  const std::string path = dir.file("attempts.db");
  core::DebtPosition p = singlePosition(kEcA, "ATT", 60'000);
  {
    auto store = openAt(path);
    REQUIRE(store);
    REQUIRE(store->upsertPosition(p).ok());
    for (int i = 0; i < 100; ++i) {
      store->recordPaymentAttempt(kEcA, p.options[0].nav, i % 2 ? "cart-" + std::to_string(i) : "",
                                  1000 + i);
    }
    CHECK(store->getPosition(kEcA, "ATT").value().value() == p);
  }
  CHECK(rawCount(path, "SELECT count(*) FROM payment_attempts WHERE ec = '" + std::string(kEcA) +
                           "' AND nav = '" + p.options[0].nav + "'") == 100);
  CHECK(rawCount(path,
                 "SELECT count(*) FROM payment_attempts WHERE payment_note = 'cart-7'"
                 " AND at_ms = 1007") == 1);
}

TEST_CASE("store sqlite: jobs queued during a transaction share the next one", "[store]") {
  TempDir dir;
  REQUIRE(migrate(dir.file("w.db")).ok());
  std::atomic<int> ok{0}, failed{0};
  sqlite::Writer::Stats stats;
  {
    sqlite::Writer writer(connect(dir.file("w.db")), connect(dir.file("w.db")),
                          sqlite::WriterOptions{});
    auto gate = park(writer);
    for (int i = 0; i < 100; ++i) {
      writer.submit(
          std::make_unique<SequenceJob>("s" + std::to_string(i % 3), i == 50, &ok, &failed));
    }
    gate->release.set_value();
    // Leaving the scope drains: all 100 must be answered before the writer is gone.
  }
  CHECK(ok.load() == 99);
  CHECK(failed.load() == 1);
  // Only the failing job's savepoint was rolled back: 99 increments over three counters.
  CHECK(rawCount(dir.file("w.db"), "SELECT sum(value) FROM sequences") == 99);

  sqlite::Writer again(connect(dir.file("w.db")), connect(dir.file("w.db")),
                       sqlite::WriterOptions{});
  auto gate = park(again);
  for (int i = 0; i < 10; ++i) {
    again.submit(std::make_unique<SequenceJob>("t", false, &ok, &failed));
  }
  gate->release.set_value();
  std::promise<void> last_done;
  struct Marker final : sqlite::WriteJob {
    std::promise<void>* done;
    Result<Done> run(sqlite::Connection&) override { return Done{}; }
    void complete(const Error*) noexcept override { done->set_value(); }
  };
  auto marker = std::make_unique<Marker>();
  marker->done = &last_done;
  again.submit(std::move(marker));
  last_done.get_future().wait();
  stats = again.stats();
  // The blocker's own transaction, then the ten jobs (and maybe the marker) together: not one
  // transaction per job.
  CHECK(stats.transactions >= 2);
  CHECK(stats.transactions <= 3);
  CHECK(stats.jobs == 12);
}

// Writes about `pages` WAL pages (one blob), then submits `next` to the writer, if any.
class PagesJob final : public sqlite::WriteJob {
 public:
  PagesJob(int pages, sqlite::Writer* writer, std::unique_ptr<sqlite::WriteJob> next)
      : pages_(pages), writer_(writer), next_(std::move(next)) {}
  Result<Done> run(sqlite::Connection& db) override {
    auto r = db.exec(
        "CREATE TABLE IF NOT EXISTS filler (b BLOB); INSERT INTO filler VALUES "
        "(randomblob(" +
            std::to_string(pages_) + " * 4000))",
        "filler");
    if (r && next_) writer_->submit(std::move(next_));
    return r;
  }
  void complete(const Error*) noexcept override {}

 private:
  int pages_;
  sqlite::Writer* writer_;
  std::unique_ptr<sqlite::WriteJob> next_;
};

TEST_CASE("store sqlite: the WAL is checkpointed by a thread of its own, in full by the writer",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("c.db");
  REQUIRE(migrate(path).ok());
  sqlite::WriterOptions options;
  options.checkpoint_pages = 1000;
  options.background_checkpoint_pages = 250;
  sqlite::Writer writer(connect(path), connect(path), options);
  const auto stats = [&] { return writer.stats(); };
  const auto idle = [&](std::uint64_t jobs) {
    return waitUntil([&] { return writer.stats().jobs == jobs; });
  };
  const auto fileSize = [&] { return std::filesystem::file_size(path); };
  const auto before = fileSize();

  SECTION("fewer pages than the background threshold: none") {
    writer.submit(std::make_unique<PagesJob>(100, nullptr, nullptr));
    REQUIRE(idle(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(stats().background_checkpoints == 0);
    CHECK(stats().checkpoints == 0);
    CHECK(fileSize() == before);
  }
  // Writes `pages`, queueing a job meanwhile that parks the writer once it runs: by then the
  // batch of the pages has committed and the writer's own checkpoint, if any, is done.
  const auto writeThenPark = [&](int pages) {
    auto gate = std::make_shared<Gate>();
    auto running = gate->running.get_future();
    writer.submit(std::make_unique<PagesJob>(pages, &writer, std::make_unique<BlockingJob>(gate)));
    running.wait();
    return gate;
  };
  SECTION("past the background threshold: copied while the writer is busy with the next job") {
    auto gate = writeThenPark(300);
    // The writer is parked inside its next job, and the pages still reach the database file.
    CHECK(waitUntil([&] { return stats().background_checkpoints == 1; }));
    CHECK(fileSize() >= before + 250 * 4096);  // some pages may be reused free ones
    CHECK(stats().checkpoints == 0);
    gate->release.set_value();
    REQUIRE(idle(2));
  }
  SECTION("past the full threshold: the writer checkpoints before its next job") {
    auto gate = writeThenPark(1100);
    CHECK(stats().checkpoints == 1);
    CHECK(fileSize() >= before + 1000 * 4096);
    CHECK(stats().background_checkpoints == 0);
    gate->release.set_value();
    REQUIRE(idle(2));
  }
}

TEST_CASE("store sqlite: side records wait for a job, a full batch or their delay", "[store]") {
  TempDir dir;
  const std::string path = dir.file("side.db");
  REQUIRE(migrate(path).ok());
  auto audit = [](int i) {
    return AuditEntry{1000 + i, "paVerifyPaymentNotice", std::string(kEcA), "3" + std::to_string(i),
                      "OK", "CN=node", 10};
  };
  SECTION("alone, they are committed together once their delay is up") {
    sqlite::WriterOptions options;
    options.side_delay = std::chrono::milliseconds(300);
    sqlite::Writer writer(connect(path), connect(path), options);
    for (int i = 0; i < 10; ++i) writer.submitAudit(audit(i));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(writer.stats().transactions == 0);  // still waiting: no commit per record
    REQUIRE(waitUntil([&] { return writer.stats().transactions == 1; }));
    CHECK(writer.stats().attempts_written == 10);
  }
  SECTION("a job takes the waiting records along at once") {
    sqlite::WriterOptions options;
    options.side_delay = std::chrono::hours(1);
    sqlite::Writer writer(connect(path), connect(path), options);
    for (int i = 0; i < 10; ++i) writer.submitAudit(audit(i));
    std::atomic<int> ok{0}, failed{0};
    writer.submit(std::make_unique<SequenceJob>("s", false, &ok, &failed));
    REQUIRE(waitUntil([&] { return ok.load() == 1; }));
    CHECK(writer.stats().transactions == 1);
    CHECK(writer.stats().attempts_written == 10);
  }
  SECTION("a full batch of them does not wait") {
    sqlite::WriterOptions options;
    options.side_delay = std::chrono::hours(1);
    sqlite::Writer writer(connect(path), connect(path), options);
    for (int i = 0; i < 2048; ++i) writer.submitAudit(audit(i));
    REQUIRE(waitUntil([&] { return writer.stats().attempts_written == 2048; }));
    CHECK(writer.stats().transactions == 1);
  }
  SECTION("closing the writer commits the ones still waiting") {
    sqlite::WriterOptions options;
    options.side_delay = std::chrono::hours(1);
    {
      sqlite::Writer writer(connect(path), connect(path), options);
      for (int i = 0; i < 10; ++i) writer.submitAudit(audit(i));
    }
    CHECK(rawCount(path, "SELECT count(*) FROM audit") == 10);
  }
}

TEST_CASE("store sqlite: patient jobs wait for an urgent job or their delay, then share its commit",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("patient.db");
  REQUIRE(migrate(path).ok());
  std::atomic<int> ok{0}, failed{0};
  sqlite::WriterOptions options;
  const auto submitPatient = [&](sqlite::Writer& writer, int count) {
    for (int i = 0; i < count; ++i) {
      writer.submit(std::make_unique<SequenceJob>("p", false, &ok, &failed, /*patient=*/true));
    }
  };
  SECTION("alone, they wait for their delay, then commit together") {
    options.patient_delay = std::chrono::milliseconds(300);
    sqlite::Writer writer(connect(path), connect(path), options);
    submitPatient(writer, 5);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(ok.load() == 0);
    CHECK(writer.stats().transactions == 0);
    REQUIRE(waitUntil([&] { return ok.load() == 5; }));
    CHECK(writer.stats().transactions == 1);
  }
  SECTION("an urgent job takes them along at once") {
    options.patient_delay = std::chrono::hours(1);
    sqlite::Writer writer(connect(path), connect(path), options);
    submitPatient(writer, 5);
    writer.submit(std::make_unique<SequenceJob>("u", false, &ok, &failed));
    REQUIRE(waitUntil([&] { return ok.load() == 6; }));
    CHECK(writer.stats().transactions == 1);
    CHECK(rawCount(path, "SELECT value FROM sequences WHERE name = 'p'") == 5);
  }
  SECTION("they do not wait for the side records' longer delay, and take those along") {
    options.side_delay = std::chrono::hours(1);
    options.patient_delay = std::chrono::milliseconds(50);
    sqlite::Writer writer(connect(path), connect(path), options);
    for (int i = 0; i < 10; ++i) {
      writer.submitAudit(AuditEntry{i, "paVerifyPaymentNotice", kEcA, "-", "OK", "CN=node", 1});
    }
    submitPatient(writer, 2);
    REQUIRE(waitUntil([&] { return ok.load() == 2; }));
    CHECK(writer.stats().transactions == 1);
    CHECK(writer.stats().attempts_written == 10);
  }
  SECTION("closing the writer commits the ones still waiting") {
    options.patient_delay = std::chrono::hours(1);
    {
      sqlite::Writer writer(connect(path), connect(path), options);
      submitPatient(writer, 3);
    }
    CHECK(ok.load() == 3);
    CHECK(rawCount(path, "SELECT value FROM sequences WHERE name = 'p'") == 3);
  }
}

TEST_CASE("store sqlite: a full writer queue refuses new jobs at once", "[store]") {
  TempDir dir;
  REQUIRE(migrate(dir.file("q.db")).ok());
  std::atomic<int> ok{0}, failed{0};
  sqlite::WriterOptions options;
  options.max_pending = 2;
  sqlite::Writer writer(connect(dir.file("q.db")), connect(dir.file("q.db")), options);
  auto gate = park(writer);
  writer.submit(std::make_unique<SequenceJob>("a", false, &ok, &failed));
  writer.submit(std::make_unique<SequenceJob>("a", false, &ok, &failed));
  writer.submit(std::make_unique<SequenceJob>("a", false, &ok, &failed));  // refused now
  CHECK(failed.load() == 1);
  CHECK(ok.load() == 0);
  gate->release.set_value();
}

TEST_CASE("store sqlite: a synchronous write from a store callback is refused, not deadlocked",
          "[store]") {
  TempDir dir;
  auto store = openAt(dir.file("cb.db"));
  REQUIRE(store);
  std::promise<Result<UpsertOutcome>> inner;
  store->commitReceipt(receiptFor(kEcA, notice(61'000).nav, "CB", 1), [&](Result<ReceiptOutcome>) {
    inner.set_value(store->upsertPosition(singlePosition(kEcA, "CB", 61'001)));
  });
  auto r = await(inner.get_future());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::kInvalid);
}

TEST_CASE("store sqlite: each reading thread gets its own connection, reused after it exits",
          "[store]") {
  TempDir dir;
  REQUIRE(migrate(dir.file("r.db")).ok());
  sqlite::ReaderPool pool(dir.file("r.db"), sqlite::OpenOptions{}, [] { return std::uint64_t{0}; });
  sqlite::Connection* first = nullptr;
  for (int i = 0; i < 5; ++i) {
    std::thread([&] {
      auto a = pool.forThisThread();
      auto b = pool.forThisThread();
      REQUIRE(a.ok());
      CHECK(a.value() == b.value());
      if (first == nullptr) first = a.value();
      CHECK(a.value() == first);  // the previous thread's connection, handed over
    }).join();
  }
  CHECK(pool.size() == 1);

  std::promise<void> hold;
  std::shared_future<void> held = hold.get_future().share();
  std::promise<sqlite::Connection*> other;
  std::thread t([&] {
    other.set_value(pool.forThisThread().value());
    held.wait();
  });
  auto mine = pool.forThisThread();
  REQUIRE(mine.ok());
  CHECK(mine.value() != other.get_future().get());
  hold.set_value();
  t.join();
  CHECK(pool.size() == 2);
}

TEST_CASE("store sqlite: shared reads keep one snapshot until this process commits or sharing ends",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("shared.db");
  auto store = openAt(path);
  REQUIRE(store);
  // A second store on the same file writes as another process (the CLI) would: its commits do
  // not move this store's writer.
  auto other = openAt(path);
  REQUIRE(other);
  auto found = [&](int n) {
    auto r = store->findByNotice(kEcA, notice(n).nav);
    REQUIRE(r.ok());
    return r.value().has_value();
  };
  // The WAL frames a passive checkpoint could not copy because a reader still needs them.
  auto uncheckpointed = [&] {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    // The connection learns the file is in WAL mode with its first read.
    REQUIRE(sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    int log = 0, copied = 0;
    REQUIRE(sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied) ==
            SQLITE_OK);
    sqlite3_close(db);
    return log - copied;
  };
  REQUIRE(store->upsertPosition(singlePosition(kEcA, "S1", 62'001)).ok());

  store->beginSharedReads();
  CHECK(found(62'001));
  REQUIRE(other->upsertPosition(singlePosition(kEcA, "S2", 62'002)).ok());
  CHECK_FALSE(found(62'002));   // the snapshot of the first read
  CHECK(uncheckpointed() > 0);  // S2's frames are newer than the snapshot a reader holds
  CHECK_FALSE(found(62'002));

  // This process commits: the next read takes a new snapshot, with both writes.
  REQUIRE(store->upsertPosition(singlePosition(kEcA, "S3", 62'003)).ok());
  CHECK(found(62'003));
  CHECK(found(62'002));

  REQUIRE(other->upsertPosition(singlePosition(kEcA, "S4", 62'004)).ok());
  CHECK_FALSE(found(62'004));
  store->endSharedReads();
  CHECK(uncheckpointed() == 0);  // nothing held once sharing ended
  CHECK(found(62'004));

  // Not sharing: every read sees the latest commit of anyone.
  REQUIRE(other->upsertPosition(singlePosition(kEcA, "S5", 62'005)).ok());
  CHECK(found(62'005));
  CHECK(uncheckpointed() == 0);
}

TEST_CASE(
    "store sqlite: another process holding the write lock makes writes kUnavailable, not reads",
    "[store]") {
  TempDir dir;
  const std::string path = dir.file("busy.db");
  SqliteOptions options;
  options.path = path;
  options.busy_timeout_ms = 50;
  auto store = openSqliteStore(options, nullptr);
  REQUIRE(store);
  core::DebtPosition p = singlePosition(kEcA, "BUSY", 64'000);
  REQUIRE(store->upsertPosition(p).ok());

  // A `ponte positions import` in another process, in the middle of its transaction.
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);

  auto receipt = commit(*store, receiptFor(kEcA, p.options[0].nav, "WAITED", 1));
  REQUIRE_FALSE(receipt.ok());
  CHECK(receipt.error().kind == ErrorKind::kUnavailable);
  auto upsert = store->upsertPosition(singlePosition(kEcA, "BUSY-2", 64'001));
  REQUIRE_FALSE(upsert.ok());
  CHECK(upsert.error().kind == ErrorKind::kUnavailable);
  CHECK(store->findByNotice(kEcA, p.options[0].nav).value()->position == p);

  REQUIRE(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(other);
  CHECK(commit(*store, receiptFor(kEcA, p.options[0].nav, "WAITED", 2)).value() ==
        ReceiptOutcome::kStored);
}

TEST_CASE("store sqlite: an unreadable position document is an error, never a crash", "[store]") {
  TempDir dir;
  const std::string path = dir.file("corrupt.db");
  core::DebtPosition p = singlePosition(kEcA, "BROKEN", 62'000);
  {
    auto store = openAt(path);
    REQUIRE(store->upsertPosition(p).ok());
  }
  rawExec(path, "UPDATE positions SET document = x'01020304' WHERE iupd = 'BROKEN'");
  auto store = openAt(path);
  REQUIRE(store);
  CHECK(store->getPosition(kEcA, "BROKEN").error().kind == ErrorKind::kFatal);
  CHECK(store->findByNotice(kEcA, p.options[0].nav).error().kind == ErrorKind::kFatal);
  CHECK(store->listPositions(kEcA, PositionFilter{}).error().kind == ErrorKind::kFatal);
  auto receipt = commit(*store, receiptFor(kEcA, p.options[0].nav, "ON-BROKEN", 1));
  REQUIRE_FALSE(receipt.ok());
  CHECK(receipt.error().kind == ErrorKind::kFatal);
  CHECK(store->listReceipts(kEcA, 0, 10).value().empty());
}

// A store on `path` through the fault-injecting VFS, which also counts syncs and WAL writes.
std::unique_ptr<Store> openFaulty(const std::string& path) {
  SqliteOptions options;
  options.path = path;
  options.vfs = FaultyVfs::name();
  Error error;
  auto store = openSqliteStore(options, &error);
  INFO(error.message);
  REQUIRE(store);
  return store;
}

TEST_CASE("store sqlite: a failing disk fails the batch's receipts, nothing acknowledged is lost",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("faulty.db");
  std::vector<core::DebtPosition> positions;
  for (int i = 0; i < 4; ++i) {
    positions.push_back(singlePosition(kEcA, "F-" + std::to_string(i), 63'000 + i));
  }
  {
    auto store = openFaulty(path);
    for (const auto& p : positions) REQUIRE(store->upsertPosition(p).ok());

    long before = FaultyVfs::syncs();
    REQUIRE(commit(*store, receiptFor(kEcA, positions[0].options[0].nav, "OK-0", 1)).ok());
    CHECK(FaultyVfs::syncs() > before);  // the commit reached the disk before the answer

    SECTION("fsync fails") {
      FaultyVfs::failSyncs(true);
      auto lost = commit(*store, receiptFor(kEcA, positions[1].options[0].nav, "FAIL-1", 2));
      FaultyVfs::failSyncs(false);
      REQUIRE_FALSE(lost.ok());
      CHECK(lost.error().kind == ErrorKind::kFatal);
      CHECK_THAT(lost.error().message, Catch::Contains("I/O"));
    }
    SECTION("writes fail") {
      FaultyVfs::failWrites(true);
      auto lost = commit(*store, receiptFor(kEcA, positions[1].options[0].nav, "FAIL-1", 2));
      FaultyVfs::failWrites(false);
      REQUIRE_FALSE(lost.ok());
    }
    // The node retries the refused receipt: it is stored now (or was, if the failed commit
    // reached the disk after all: then it is a duplicate). Either way the store still works.
    auto retried = commit(*store, receiptFor(kEcA, positions[1].options[0].nav, "FAIL-1", 3));
    INFO((retried.ok() ? std::string("ok") : retried.error().message));
    REQUIRE(retried.ok());
    CHECK((retried.value() == ReceiptOutcome::kStored ||
           retried.value() == ReceiptOutcome::kDuplicate));
    REQUIRE(commit(*store, receiptFor(kEcA, positions[2].options[0].nav, "OK-2", 4)).value() ==
            ReceiptOutcome::kStored);
  }
  auto store = openAt(path);
  REQUIRE(store);
  auto receipts = store->listReceipts(kEcA, 0, 100);
  REQUIRE(receipts.ok());
  std::set<std::string> ids;
  for (const auto& r : receipts.value()) ids.insert(r.receipt_id);
  CHECK(ids == std::set<std::string>{"OK-0", "FAIL-1", "OK-2"});
  CHECK(store->getPosition(kEcA, "F-1").value()->status == core::PositionStatus::kPaid);
}

TEST_CASE("store sqlite: a durable commit hands its WAL on in one write, before others read it",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("gather.db");
  auto store = openFaulty(path);
  std::vector<core::DebtPosition> positions;
  for (int i = 0; i < 3; ++i) {
    positions.push_back(singlePosition(kEcA, "G-" + std::to_string(i), 64'000 + i));
    REQUIRE(store->upsertPosition(positions.back()).ok());
  }
  for (int i = 0; i < 3; ++i) {
    const long writes = FaultyVfs::walWrites();
    const long syncs = FaultyVfs::syncs();
    auto stored = commit(
        *store, receiptFor(kEcA, positions[i].options[0].nav, "G-" + std::to_string(i), 10 + i));
    REQUIRE(stored.ok());
    CHECK(stored.value() == ReceiptOutcome::kStored);
    // The receipt, its indexes and the position are several pages: SQLite alone writes a frame
    // header and a page for each.
    CHECK(FaultyVfs::walWrites() - writes == 1);
    CHECK(FaultyVfs::syncs() > syncs);
    // Another connection, with SQLite's own VFS, reads it as soon as it is acknowledged.
    CHECK(rawCount(path, "SELECT count(*) FROM receipts") == i + 1);
  }
  // Side records alone commit without a sync, so their writes go straight through: another
  // connection reads them as soon as they are committed.
  const long writes = FaultyVfs::walWrites();
  store->recordAudit({1'700'000'000'000, "paVerifyPaymentNotice", kEcA, "-", "OK", "CN=node", 9});
  for (int i = 0; i < 200 && rawCount(path, "SELECT count(*) FROM audit") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(rawCount(path, "SELECT count(*) FROM audit") == 1);
  CHECK(FaultyVfs::walWrites() - writes >= 2);
}

}  // namespace ponte::store::testing
