// The PostgreSQL schema of ponte, one numbered text per change, and its migrator. Types follow
// the SQLite schema: dates are INTEGER days since 1970-01-01, instants BIGINT unix ms, money
// BIGINT cents; flags are BOOLEAN and the position document BYTEA.
#include "store/postgres_migrations.h"

#include <array>
#include <cassert>
#include <chrono>

namespace ponte::store::pg {
namespace {

// 1: positions with their notice index, receipts, outbox, payment attempts, sequences.
constexpr std::string_view kInitial = R"sql(
CREATE TABLE positions (
  id                 BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ec                 TEXT    NOT NULL,
  iupd               TEXT    NOT NULL,
  status             TEXT    NOT NULL,
  debtor_fiscal_code TEXT    NOT NULL,
  validity_date      INTEGER,
  due_date_min       INTEGER,
  due_date_max       INTEGER,
  coercive           BOOLEAN NOT NULL DEFAULT false,
  document           BYTEA   NOT NULL,
  UNIQUE (ec, iupd)
);
CREATE INDEX positions_by_ec ON positions (ec, id);
CREATE INDEX positions_by_status ON positions (ec, status, id);
CREATE INDEX positions_by_debtor ON positions (ec, debtor_fiscal_code, id);

CREATE TABLE payment_options (
  position_id  BIGINT  NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
  option_index INTEGER NOT NULL,
  ec           TEXT    NOT NULL,
  nav          TEXT    NOT NULL,
  iuv          TEXT    NOT NULL,
  due_date     INTEGER NOT NULL,
  PRIMARY KEY (position_id, option_index),
  UNIQUE (ec, nav),
  UNIQUE (ec, iuv)
);

CREATE TABLE receipts (
  id                BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ec                TEXT    NOT NULL,
  receipt_id        TEXT    NOT NULL,
  notice_number     TEXT    NOT NULL,
  iuv               TEXT    NOT NULL,
  position_id       BIGINT,
  option_index      INTEGER,
  amount_cents      BIGINT  NOT NULL,
  received_at_ms    BIGINT  NOT NULL,
  payment_date_time TEXT    NOT NULL,
  psp               TEXT    NOT NULL,
  double_payment    BOOLEAN NOT NULL,
  unmatched         BOOLEAN NOT NULL,
  v2                BOOLEAN NOT NULL,
  raw_xml           TEXT    NOT NULL,
  parsed            TEXT    NOT NULL,
  UNIQUE (ec, receipt_id)
);
CREATE INDEX receipts_by_time ON receipts (ec, received_at_ms);
CREATE INDEX receipts_by_notice ON receipts (ec, notice_number);

CREATE TABLE outbox (
  id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  receipt_row     BIGINT  NOT NULL REFERENCES receipts (id),
  ec              TEXT    NOT NULL,
  route           TEXT    NOT NULL,
  state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms BIGINT  NOT NULL,
  last_error      TEXT    NOT NULL DEFAULT '',
  created_ms      BIGINT  NOT NULL,
  delivered_ms    BIGINT,
  UNIQUE (receipt_row, route)
);
CREATE INDEX outbox_pending ON outbox (ec, next_attempt_ms, id) WHERE state = 'pending';
CREATE INDEX outbox_by_state ON outbox (ec, state, id);

CREATE TABLE payment_attempts (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ec           TEXT   NOT NULL,
  nav          TEXT   NOT NULL,
  payment_note TEXT   NOT NULL,
  at_ms        BIGINT NOT NULL
);
CREATE INDEX payment_attempts_by_notice ON payment_attempts (ec, nav, at_ms);

CREATE TABLE sequences (
  ec    TEXT   NOT NULL,
  name  TEXT   NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (ec, name)
);
)sql";

// 2: the audit journal: one row per node interaction, purged by age.
constexpr std::string_view kAudit = R"sql(
CREATE TABLE audit (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at_ms          BIGINT NOT NULL,
  operation      TEXT   NOT NULL,
  ec             TEXT   NOT NULL,
  notice         TEXT   NOT NULL,
  outcome        TEXT   NOT NULL,
  client_subject TEXT   NOT NULL,
  latency_us     BIGINT NOT NULL
);
CREATE INDEX audit_at ON audit (at_ms);
CREATE INDEX audit_ec_at ON audit (ec, at_ms);
CREATE INDEX audit_ec_notice ON audit (ec, notice, at_ms);
)sql";

// 3: ledger routes whose deliveries are held (an operator's pause, or a ledger that answered
// FATAL). Shared by every instance: a pause made through one holds the route on all of them.
constexpr std::string_view kPausedRoutes = R"sql(
CREATE TABLE paused_routes (
  route     TEXT   PRIMARY KEY,
  paused_ms BIGINT NOT NULL,
  reason    TEXT   NOT NULL
);
)sql";

// 4: carts sent to pagoPA Checkout for the portals, with their notices; a notice's payment is
// tied to its cart by the payment attempts whose payment_note is the cart id.
constexpr std::string_view kCarts = R"sql(
CREATE TABLE carts (
  id           TEXT   PRIMARY KEY,
  caller       TEXT   NOT NULL,
  created_ms   BIGINT NOT NULL,
  email        TEXT   NOT NULL,
  checkout_url TEXT   NOT NULL
);
CREATE TABLE cart_notices (
  cart_id      TEXT    NOT NULL REFERENCES carts (id),
  position     INTEGER NOT NULL,
  ec           TEXT    NOT NULL,
  nav          TEXT    NOT NULL,
  amount_cents BIGINT  NOT NULL,
  description  TEXT    NOT NULL,
  PRIMARY KEY (cart_id, position)
);
CREATE INDEX payment_attempts_by_note ON payment_attempts (payment_note) WHERE payment_note <> '';
)sql";

// 5: SQLite drops the audit journal's EC indexes here, which its planner never used. PostgreSQL
// keeps them: it plans the first runs of a prepared statement with their values (`ponte audit`
// runs the query once per connection), which lets it use them.
constexpr std::string_view kAuditIndexes = R"sql(
COMMENT ON TABLE audit IS 'One row per node interaction, purged by age (audit.retention_days).';
)sql";

// 6: what became of each delivery attempt that did not deliver, and each operator's replay, for
// `ponte outbox show`. A delivered attempt needs no row: the outbox row's delivered_ms says it.
constexpr std::string_view kDeliveryAttempts = R"sql(
CREATE TABLE delivery_attempts (
  id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id BIGINT  NOT NULL REFERENCES outbox (id),
  attempt     INTEGER NOT NULL,
  at_ms       BIGINT  NOT NULL,
  outcome     TEXT    NOT NULL CHECK (outcome IN ('retry', 'dead', 'replayed')),
  error       TEXT    NOT NULL
);
CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_id, id);
)sql";

// 7: SQLite's migration 7 rewrites the outbox's IN-list CHECKs as comparisons, which it checks
// far faster. PostgreSQL checks an IN list without building anything, so its constraints stay;
// the entry keeps both engines at one schema version.
constexpr std::string_view kPlainChecks = R"sql(
COMMENT ON TABLE outbox IS 'One delivery per receipt and ledger route, written in the receipt''s transaction.';
)sql";

// 8: the notice index of payment attempts had no reader (a cart's tie goes through the payment
// note's index), yet every paGetPayment inserted into it at a random place.
constexpr std::string_view kAttemptsWithoutNoticeIndex = R"sql(
DROP INDEX IF EXISTS payment_attempts_by_notice;
)sql";

// 9: the outbox keeps only the indexes its hot paths read. The index on every row's state
// (moved again when a delivery is delivered) and the one behind UNIQUE (receipt_row, route)
// had no reader; the writer inserts a receipt's deliveries once, with the receipt, one per
// distinct route. Dead deliveries, few and listed by the operator, get an index of their own.
constexpr std::string_view kOutboxLeanIndexes = R"sql(
DROP INDEX IF EXISTS outbox_by_state;
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_receipt_row_route_key;
CREATE INDEX outbox_dead ON outbox (ec, id) WHERE state = 'dead';
)sql";

// 10: the claim index by route: a claim takes each route's oldest due deliveries, so a paused
// route's backlog, which stays pending and due, is never walked to reach the other routes' rows.
constexpr std::string_view kOutboxClaimByRoute = R"sql(
DROP INDEX IF EXISTS outbox_pending;
CREATE INDEX outbox_pending ON outbox (ec, route, next_attempt_ms, id) WHERE state = 'pending';
)sql";

// 11: nothing changes here. SQLite now queues a receipt's deliveries after the receipt's
// transaction; PostgreSQL still writes them with the receipt, where the several instances that
// claim them need no shared queue position to agree on. The number keeps both engines at one
// schema version.
constexpr std::string_view kDeferredQueueing = R"sql(
SELECT 1;
)sql";

constexpr std::array kMigrations = {
    Migration{1, "initial schema", kInitial},
    Migration{2, "audit journal", kAudit},
    Migration{3, "paused ledger routes", kPausedRoutes},
    Migration{4, "portal carts", kCarts},
    Migration{5, "audit journal indexes", kAuditIndexes},
    Migration{6, "delivery attempts", kDeliveryAttempts},
    Migration{7, "outbox checks without IN lists", kPlainChecks},
    Migration{8, "payment attempts without their notice index", kAttemptsWithoutNoticeIndex},
    Migration{9, "outbox without its state index and pair constraint", kOutboxLeanIndexes},
    Migration{10, "outbox claim index by route", kOutboxClaimByRoute},
    Migration{11, "deliveries queued after their receipt", kDeferredQueueing},
};

// Taken by every migrator for the duration of one migration's transaction: a constant of ours
// ('ponte' in ASCII), so other applications' advisory locks on the same database do not clash.
constexpr const char* kLockSql = "SELECT pg_advisory_xact_lock(482670392421)";

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at_ms BIGINT NOT NULL)";

Error fatal(Error e) {
  // A migration that fails for any reason but an unreachable server is a broken database or
  // binary: stop.
  if (e.kind != ErrorKind::kUnavailable) e.kind = ErrorKind::kFatal;
  return e;
}

Result<int> maxVersion(Connection& db) {
  auto rows = db.query("SELECT coalesce(max(version), 0) FROM schema_migrations",
                       "read the schema version");
  if (!rows) return rows.error();
  return static_cast<int>(rows.value().int64(0, 0));
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

Result<int> readSchemaVersion(Connection& db) {
  auto found = db.query(
      "SELECT to_regclass('schema_migrations') IS NOT NULL, to_regclass('positions') IS NOT NULL",
      "look for the schema");
  if (!found) return found.error();
  if (found.value().boolean(0, 0)) return maxVersion(db);
  if (found.value().boolean(0, 1)) {
    return Error{ErrorKind::kFatal,
                 "postgres: the database holds a positions table but no schema_migrations: "
                 "not a ponte database"};
  }
  return 0;
}

Result<int> applyMigrations(Connection& db, std::span<const Migration> list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    assert(list[i].version == static_cast<int>(i) + 1);
  }
  auto encoding = db.query(
      "SELECT pg_encoding_to_char(encoding) FROM pg_database"
      " WHERE datname = current_database()",
      "read the database encoding");
  if (!encoding) return encoding.error();
  if (encoding.value().size() != 1 || encoding.value().text(0, 0) != "UTF8") {
    return Error{ErrorKind::kFatal,
                 "postgres: the database encoding is " +
                     std::string(encoding.value().size() ? encoding.value().text(0, 0) : "?") +
                     "; ponte needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')"};
  }
  const int latest = list.empty() ? 0 : list.back().version;
  for (;;) {
    if (auto r = db.exec("BEGIN", "begin migration"); !r) return r.error();
    auto step = [&]() -> Result<int> {
      if (auto r = db.query(kLockSql, "take the migration lock"); !r) return r.error();
      // Read under the lock: another instance may have moved the version meanwhile.
      auto version = readSchemaVersion(db);
      if (!version) return version.error();
      if (auto r = db.exec(kCreateMigrationsTable, "create schema_migrations"); !r) {
        return fatal(r.error());
      }
      if (version.value() > latest) {
        return Error{ErrorKind::kFatal,
                     "postgres: database schema version " + std::to_string(version.value()) +
                         " is newer than this ponte knows (" + std::to_string(latest) +
                         "): upgrade ponte or restore a matching backup"};
      }
      if (version.value() == latest) return latest;
      const Migration& next = list[static_cast<std::size_t>(version.value())];
      if (auto r = db.exec(next.sql, "migration " + std::to_string(next.version) + " (" +
                                         std::string(next.name) + ")");
          !r) {
        return fatal(r.error());
      }
      auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
      auto recorded = db.query(
          "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)",
          Params().add(std::int64_t{next.version}).add(next.name).add(std::int64_t{now}),
          "record the migration");
      if (!recorded) return fatal(recorded.error());
      return next.version;
    };
    auto reached = step();
    if (!reached) {
      if (!db.broken()) db.exec("ROLLBACK", "roll back migration");
      return reached.error();
    }
    if (auto r = db.exec("COMMIT", "commit migration"); !r) return fatal(r.error());
    if (reached.value() == latest) return latest;
  }
}

}  // namespace ponte::store::pg
