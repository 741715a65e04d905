// The SQLite schema of ponte, one numbered text per change. Dates are INTEGER days since
// 1970-01-01 (core::Date), instants INTEGER unix milliseconds, money INTEGER cents.
#include "store/sqlite_migrations.h"

#include <array>

namespace ponte::store::sqlite {
namespace {

// 1: positions with their notice index, receipts, outbox, payment attempts, sequences.
constexpr std::string_view kInitial = R"sql(
CREATE TABLE positions (
  id                 INTEGER PRIMARY KEY,
  ec                 TEXT    NOT NULL,
  iupd               TEXT    NOT NULL,
  status             TEXT    NOT NULL,   -- core::toString(PositionStatus): 'VALID', 'PAID', ...
  debtor_fiscal_code TEXT    NOT NULL,
  validity_date      INTEGER,            -- NULL: payable as soon as valid
  due_date_min       INTEGER,            -- earliest and latest option due date; NULL without options
  due_date_max       INTEGER,
  coercive           INTEGER NOT NULL DEFAULT 0,
  document           BLOB    NOT NULL,   -- the whole DebtPosition (store/position_codec.h)
  UNIQUE (ec, iupd)
);
-- (ec) alone keeps an EC's positions in row id order: listPositions pages without sorting them.
CREATE INDEX positions_by_ec ON positions (ec);
CREATE INDEX positions_by_status ON positions (ec, status);
CREATE INDEX positions_by_debtor ON positions (ec, debtor_fiscal_code);

-- One row per payment option: how a notice number or IUV finds its position. Rewritten whenever
-- the position is replaced.
CREATE TABLE payment_options (
  position_id  INTEGER NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
  option_index INTEGER NOT NULL,   -- index into the document's options
  ec           TEXT    NOT NULL,
  nav          TEXT    NOT NULL,
  iuv          TEXT    NOT NULL,
  due_date     INTEGER NOT NULL,
  PRIMARY KEY (position_id, option_index),
  UNIQUE (ec, nav),
  UNIQUE (ec, iuv)
) WITHOUT ROWID;

-- Every receipt received, matched or not: a receipt proves a payment and is never dropped.
CREATE TABLE receipts (
  id                INTEGER PRIMARY KEY,
  ec                TEXT    NOT NULL,   -- idPA of the request: whose copy this is
  receipt_id        TEXT    NOT NULL,   -- the payment token
  notice_number     TEXT    NOT NULL,
  iuv               TEXT    NOT NULL,
  position_id       INTEGER,            -- the position paid; NULL when unmatched
  option_index      INTEGER,
  amount_cents      INTEGER NOT NULL,
  received_at_ms    INTEGER NOT NULL,
  payment_date_time TEXT    NOT NULL,   -- as sent by the node
  psp               TEXT    NOT NULL,   -- idPSP
  double_payment    INTEGER NOT NULL,
  unmatched         INTEGER NOT NULL,
  v2                INTEGER NOT NULL,
  raw_xml           TEXT    NOT NULL,
  parsed            TEXT    NOT NULL,   -- store/receipt_json.h
  UNIQUE (ec, receipt_id)
);
CREATE INDEX receipts_by_time ON receipts (ec, received_at_ms);
CREATE INDEX receipts_by_notice ON receipts (ec, notice_number);

-- One delivery per receipt and ledger route, written in the receipt's transaction.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  receipt_row     INTEGER NOT NULL REFERENCES receipts (id),
  ec              TEXT    NOT NULL,
  route           TEXT    NOT NULL,
  state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT    NOT NULL DEFAULT '',
  created_ms      INTEGER NOT NULL,
  delivered_ms    INTEGER,
  UNIQUE (receipt_row, route)
);
CREATE INDEX outbox_pending ON outbox (ec, next_attempt_ms) WHERE state = 'pending';
CREATE INDEX outbox_by_state ON outbox (ec, state, id);

-- paGetPayment calls, for the back office ("someone started paying this notice").
CREATE TABLE payment_attempts (
  id           INTEGER PRIMARY KEY,
  ec           TEXT    NOT NULL,
  nav          TEXT    NOT NULL,
  payment_note TEXT    NOT NULL,
  at_ms        INTEGER NOT NULL
);
CREATE INDEX payment_attempts_by_notice ON payment_attempts (ec, nav, at_ms);

-- Durable per-EC counters (spontaneous notice numbers); a value is never handed out twice.
CREATE TABLE sequences (
  ec    TEXT    NOT NULL,
  name  TEXT    NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (ec, name)
) WITHOUT ROWID;
)sql";

// The audit journal: one row per node interaction, purged by age.
constexpr std::string_view kAudit = R"sql(
CREATE TABLE audit (
  id             INTEGER PRIMARY KEY,
  at_ms          INTEGER NOT NULL,
  operation      TEXT    NOT NULL,
  ec             TEXT    NOT NULL,
  notice         TEXT    NOT NULL,
  outcome        TEXT    NOT NULL,   -- 'OK' or the PAA_* fault code
  client_subject TEXT    NOT NULL,
  latency_us     INTEGER NOT NULL
);
CREATE INDEX audit_at ON audit (at_ms);
CREATE INDEX audit_ec_at ON audit (ec, at_ms);
CREATE INDEX audit_ec_notice ON audit (ec, notice, at_ms);
)sql";

// Ledger routes whose deliveries are held (an operator's pause, or a ledger that answered FATAL).
constexpr std::string_view kPausedRoutes = R"sql(
CREATE TABLE paused_routes (
  route     TEXT    PRIMARY KEY,
  paused_ms INTEGER NOT NULL,
  reason    TEXT    NOT NULL
) WITHOUT ROWID;
)sql";

// Carts sent to pagoPA Checkout for the portals, with their notices. A notice's payment is tied
// to its cart by the payment attempts whose payment_note is the cart id.
constexpr std::string_view kCarts = R"sql(
CREATE TABLE carts (
  id           TEXT    PRIMARY KEY,
  caller       TEXT    NOT NULL,
  created_ms   INTEGER NOT NULL,
  email        TEXT    NOT NULL,
  checkout_url TEXT    NOT NULL
) WITHOUT ROWID;
CREATE TABLE cart_notices (
  cart_id      TEXT    NOT NULL REFERENCES carts (id),
  position     INTEGER NOT NULL,   -- 0..4, the order of the request
  ec           TEXT    NOT NULL,
  nav          TEXT    NOT NULL,
  amount_cents INTEGER NOT NULL,
  description  TEXT    NOT NULL,
  PRIMARY KEY (cart_id, position)
) WITHOUT ROWID;
CREATE INDEX payment_attempts_by_note ON payment_attempts (payment_note) WHERE payment_note <> '';
)sql";

// The audit journal keeps only its time index: the journal's query filters by EC and notice
// within a time range, which SQLite answers through audit_at, and the other two indexes cost
// each recorded interaction a B-tree insert at a random place (a third of the node path's
// time under a flood of paVerify).
constexpr std::string_view kAuditTimeIndexOnly = R"sql(
DROP INDEX IF EXISTS audit_ec_at;
DROP INDEX IF EXISTS audit_ec_notice;
)sql";

// What became of each delivery attempt that did not deliver, and each operator's replay, for
// `ponte outbox show`. A delivered attempt needs no row: the outbox row's delivered_ms says it.
constexpr std::string_view kDeliveryAttempts = R"sql(
CREATE TABLE delivery_attempts (
  id          INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL REFERENCES outbox (id),
  attempt     INTEGER NOT NULL,   -- the outbox row's attempts when it was recorded
  at_ms       INTEGER NOT NULL,
  outcome     TEXT    NOT NULL CHECK (outcome IN ('retry', 'dead', 'replayed')),
  error       TEXT    NOT NULL
);
CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_id, id);
)sql";

// The two IN-list CHECKs, as equal comparisons: SQLite checks `x IN (a, b, c)` by building a
// temporary B-tree of the list for every row written, which made the two outbox rows of a
// receipt cost the writer more than the receipt itself. Only the constraints' text changes, so
// this is SQLite's documented procedure for changing a CHECK without rebuilding the table:
// rewrite the stored CREATE TABLE, then any schema change (here a table made and dropped) moves
// the schema cookie so that every connection reads the new text. Rows already stored satisfy
// the new constraints, which accept exactly what the old ones did.
constexpr std::string_view kPlainChecks = R"sql(
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, 'CHECK (state IN (''pending'', ''delivered'', ''dead''))',
                     'CHECK (state = ''pending'' OR state = ''delivered'' OR state = ''dead'')')
 WHERE type = 'table' AND name = 'outbox';
UPDATE sqlite_master
   SET sql = replace(sql, 'CHECK (outcome IN (''retry'', ''dead'', ''replayed''))',
                     'CHECK (outcome = ''retry'' OR outcome = ''dead'' OR outcome = ''replayed'')')
 WHERE type = 'table' AND name = 'delivery_attempts';
PRAGMA writable_schema = OFF;
CREATE TABLE schema_cookie_bump (x);
DROP TABLE schema_cookie_bump;
)sql";

// The notice index of payment attempts had no reader (a cart's tie goes through the payment
// note's index), yet every paGetPayment inserted into it at a random place: the writer dirtied a
// page per attempt and copied it again at the checkpoint, three quarters of its time under a
// flood of paGetPaymentV2.
constexpr std::string_view kAttemptsWithoutNoticeIndex = R"sql(
DROP INDEX IF EXISTS payment_attempts_by_notice;
)sql";

// The outbox keeps only the indexes its hot paths read. Each delivery inserted with its receipt
// wrote four B-trees: the table, the pending index the workers claim from, an index on every
// row's state (moved again when the delivery was delivered), and the index behind
// UNIQUE (receipt_row, route). No query reads the last two in the node's path: only the
// writer inserts deliveries, once per route with the receipt it just inserted, so a pair can
// never repeat. Dropping them took about a third off each delivery's insert. Dead deliveries,
// few and listed by the operator, keep an index of their own. A UNIQUE constraint is part of
// the table, so the table is rebuilt (SQLite's documented procedure; the migrator runs it with
// foreign keys off and checks the outbox's references, and those to it, before committing).
constexpr std::string_view kOutboxLeanIndexes = R"sql(
CREATE TABLE outbox_rebuilt (
  id              INTEGER PRIMARY KEY,
  receipt_row     INTEGER NOT NULL REFERENCES receipts (id),
  ec              TEXT    NOT NULL,
  route           TEXT    NOT NULL,
  state           TEXT    NOT NULL CHECK (state = 'pending' OR state = 'delivered' OR state = 'dead'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT    NOT NULL DEFAULT '',
  created_ms      INTEGER NOT NULL,
  delivered_ms    INTEGER
);
INSERT INTO outbox_rebuilt (id, receipt_row, ec, route, state, attempts, next_attempt_ms,
                            last_error, created_ms, delivered_ms)
  SELECT id, receipt_row, ec, route, state, attempts, next_attempt_ms, last_error, created_ms,
         delivered_ms
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (ec, next_attempt_ms) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (ec, id) WHERE state = 'dead';
)sql";

// The claim index by route: a worker claims each route's oldest due deliveries, so a paused
// route's backlog, which stays pending and due, is never walked. Ordered by due time alone, every
// claim stepped over all of it to reach the other routes' rows.
constexpr std::string_view kOutboxClaimByRoute = R"sql(
DROP INDEX IF EXISTS outbox_pending;
CREATE INDEX outbox_pending ON outbox (ec, route, next_attempt_ms) WHERE state = 'pending';
)sql";

// A receipt's deliveries are queued after its transaction: the receipt row keeps its routes (a
// JSON array, '' for none) and outbox_queued the last receipt whose deliveries are in the outbox.
// Two outbox rows and their claim index entries were a third of the writer's time per receipt,
// in the transaction every receipt of the group waits for; queued by the delivery threads, they
// are written in bulk, and during the node's peaks only as fast as they are delivered. The
// receipts stored before this migration already have their rows.
constexpr std::string_view kDeferredQueueing = R"sql(
ALTER TABLE receipts ADD COLUMN ledger_routes TEXT NOT NULL DEFAULT '';
CREATE TABLE outbox_queued (
  only        INTEGER PRIMARY KEY CHECK (only = 1),
  receipt_row INTEGER NOT NULL
);
INSERT INTO outbox_queued (only, receipt_row) SELECT 1, coalesce(max(id), 0) FROM receipts;
)sql";

constexpr std::array kMigrations = {
    Migration{1, "initial schema", kInitial},
    Migration{2, "audit journal", kAudit},
    Migration{3, "paused ledger routes", kPausedRoutes},
    Migration{4, "portal carts", kCarts},
    Migration{5, "audit journal indexes", kAuditTimeIndexOnly},
    Migration{6, "delivery attempts", kDeliveryAttempts},
    Migration{7, "outbox checks without IN lists", kPlainChecks},
    Migration{8, "payment attempts without their notice index", kAttemptsWithoutNoticeIndex},
    Migration{9, "outbox without its state index and pair constraint", kOutboxLeanIndexes,
              "outbox delivery_attempts"},
    Migration{10, "outbox claim index by route", kOutboxClaimByRoute},
    Migration{11, "deliveries queued after their receipt", kDeferredQueueing},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace ponte::store::sqlite
