// Write statements of the SQLite engine: positions with their notice index, receipts with their
// outbox rows, counters and payment attempts.
#include "store/sqlite_writes.h"

#include <sqlite3.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>
#include <utility>

#include "core/payment_state.h"
#include "store/position_codec.h"
#include "store/position_rules.h"
#include "store/receipt_json.h"
#include "store/sqlite_reads.h"

namespace ponte::store::sqlite {
namespace {

Error invalid(std::string message) { return Error{ErrorKind::kInvalid, std::move(message)}; }
Error conflict(std::string message) { return Error{ErrorKind::kConflict, std::move(message)}; }

Result<Done> expectDone(Connection& db, Statement& s, std::string_view context) {
  int rc = s.step();
  if (rc != SQLITE_DONE) return db.error(context, rc);
  return Done{};
}

struct StoredRow {
  std::int64_t id = 0;
  std::string document;
};

Result<std::optional<StoredRow>> findPositionRow(Connection& db, const std::string& ec,
                                                 const std::string& iupd) {
  auto s = db.statement("SELECT id, document FROM positions WHERE ec = ?1 AND iupd = ?2");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec).bind(2, iupd);
  int rc = use->step();
  if (rc == SQLITE_DONE) return std::optional<StoredRow>();
  if (rc != SQLITE_ROW) return db.error("find position " + iupd, rc);
  return std::optional<StoredRow>(StoredRow{use->columnInt64(0), std::string(use->columnBlob(1))});
}

Result<Done> checkNoticesFree(Connection& db, const core::DebtPosition& p, std::int64_t own_id) {
  auto s = db.statement(
      "SELECT position_id FROM payment_options"
      " WHERE ec = ?1 AND (nav = ?2 OR iuv = ?3) AND position_id <> ?4 LIMIT 1");
  if (!s) return s.error();
  for (const auto& o : p.options) {
    StatementUse use(*s.value());
    use->bind(1, p.ec_fiscal_code).bind(2, o.nav).bind(3, o.iuv).bind(4, own_id);
    int rc = use->step();
    if (rc == SQLITE_ROW) {
      return conflict("position " + p.iupd + ": notice number " + o.nav + " or IUV " + o.iuv +
                      " belongs to position row " + std::to_string(use->columnInt64(0)) +
                      " of EC " + p.ec_fiscal_code);
    }
    if (rc != SQLITE_DONE) return db.error("check notice " + o.nav, rc);
  }
  return Done{};
}

// Binds the filterable columns ?2..?7 shared by INSERT and UPDATE of positions.
void bindPositionColumns(Statement& s, const core::DebtPosition& p, const std::string& document) {
  s.bind(2, core::toString(p.status)).bind(3, p.debtor.fiscal_code);
  if (p.validity_date) {
    s.bind(4, static_cast<std::int64_t>(p.validity_date->days()));
  } else {
    s.bindNull(4);
  }
  if (p.options.empty()) {
    s.bindNull(5).bindNull(6);
  } else {
    auto [lo, hi] =
        std::minmax_element(p.options.begin(), p.options.end(),
                            [](const core::PaymentOption& a, const core::PaymentOption& b) {
                              return a.due_date < b.due_date;
                            });
    s.bind(5, static_cast<std::int64_t>(lo->due_date.days()));
    s.bind(6, static_cast<std::int64_t>(hi->due_date.days()));
  }
  s.bind(7, static_cast<std::int64_t>(p.coercive.sent ? 1 : 0)).bindBlob(8, document);
}

Result<Done> writeNoticeIndex(Connection& db, const core::DebtPosition& p, std::int64_t id) {
  auto s = db.statement(
      "INSERT INTO payment_options (position_id, option_index, ec, nav, iuv, due_date)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!s) return s.error();
  for (std::size_t i = 0; i < p.options.size(); ++i) {
    const auto& o = p.options[i];
    StatementUse use(*s.value());
    use->bind(1, id)
        .bind(2, static_cast<std::int64_t>(i))
        .bind(3, p.ec_fiscal_code)
        .bind(4, o.nav)
        .bind(5, o.iuv)
        .bind(6, static_cast<std::int64_t>(o.due_date.days()));
    if (auto r = expectDone(db, *use, "index notice " + o.nav); !r) return r;
  }
  return Done{};
}

Result<Done> updatePositionDocument(Connection& db, std::int64_t id, const core::DebtPosition& p) {
  auto s = db.statement("UPDATE positions SET status = ?2, document = ?3 WHERE id = ?1");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, id).bind(2, core::toString(p.status)).bindBlob(3, encodePosition(p));
  return expectDone(db, *use, "update position " + p.iupd);
}

}  // namespace

Result<UpsertOutcome> writePosition(Connection& db, const core::DebtPosition& p, bool must_create) {
  if (auto r = validatePosition(p); !r) return r.error();
  auto stored = findPositionRow(db, p.ec_fiscal_code, p.iupd);
  if (!stored) return stored.error();
  if (must_create && stored.value()) {
    return conflict("position " + p.iupd + " already exists in EC " + p.ec_fiscal_code);
  }
  std::string document = encodePosition(p);
  std::int64_t id = 0;
  if (stored.value()) {
    id = stored.value()->id;
    if (stored.value()->document == document) return UpsertOutcome::kUnchanged;
    auto old = decodePosition(stored.value()->document);
    if (!old) {
      return Error{ErrorKind::kFatal,
                   "sqlite: unreadable document of position row " + std::to_string(id)};
    }
    if (auto r = keepsPayments(*old, p); !r) return r.error();
  }
  if (auto r = checkNoticesFree(db, p, id); !r) return r.error();

  if (id != 0) {
    auto update = db.statement(
        "UPDATE positions SET status = ?2, debtor_fiscal_code = ?3, validity_date = ?4,"
        " due_date_min = ?5, due_date_max = ?6, coercive = ?7, document = ?8 WHERE id = ?1");
    if (!update) return update.error();
    {
      StatementUse use(*update.value());
      use->bind(1, id);
      bindPositionColumns(*use, p, document);
      if (auto r = expectDone(db, *use, "update position " + p.iupd); !r) return r.error();
    }
    auto clear = db.statement("DELETE FROM payment_options WHERE position_id = ?1");
    if (!clear) return clear.error();
    StatementUse use(*clear.value());
    use->bind(1, id);
    if (auto r = expectDone(db, *use, "clear notice index"); !r) return r.error();
  } else {
    auto insert = db.statement(
        "INSERT INTO positions (ec, status, debtor_fiscal_code, validity_date, due_date_min,"
        " due_date_max, coercive, document, iupd) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!insert) return insert.error();
    StatementUse use(*insert.value());
    use->bind(1, p.ec_fiscal_code).bind(9, p.iupd);
    bindPositionColumns(*use, p, document);
    if (auto r = expectDone(db, *use, "insert position " + p.iupd); !r) return r.error();
    id = db.lastInsertRowid();
  }
  if (auto r = writeNoticeIndex(db, p, id); !r) return r.error();
  return stored.value() ? UpsertOutcome::kUpdated : UpsertOutcome::kCreated;
}

Result<Done> removePosition(Connection& db, const std::string& ec, const std::string& iupd,
                            core::PositionStatus only_if) {
  auto find = db.statement("SELECT id, status FROM positions WHERE ec = ?1 AND iupd = ?2");
  if (!find) return find.error();
  std::int64_t id = 0;
  {
    StatementUse use(*find.value());
    use->bind(1, ec).bind(2, iupd);
    int rc = use->step();
    if (rc == SQLITE_DONE) {
      return Error{ErrorKind::kNotFound, "no position " + iupd + " in EC " + ec};
    }
    if (rc != SQLITE_ROW) return db.error("find position " + iupd, rc);
    if (use->columnText(1) != core::toString(only_if)) {
      return conflict("position " + iupd + " is " + std::string(use->columnText(1)) + ", not " +
                      std::string(core::toString(only_if)));
    }
    id = use->columnInt64(0);
  }
  for (const char* sql : {"DELETE FROM payment_options WHERE position_id = ?1",
                          "DELETE FROM positions WHERE id = ?1"}) {
    auto s = db.statement(sql);
    if (!s) return s.error();
    StatementUse use(*s.value());
    use->bind(1, id);
    if (auto r = expectDone(db, *use, "delete position " + iupd); !r) return r.error();
  }
  return Done{};
}

namespace {

// The receipts.ledger_routes column: the distinct routes in order, as a JSON array of strings;
// '' without routes. queueDeliveries reads it back with json_each.
std::string routesColumn(const std::vector<std::string>& routes) {
  std::set<std::string_view> seen;
  std::string out;
  for (const auto& route : routes) {
    if (!seen.insert(route).second) continue;
    out += out.empty() ? "[" : ",";
    out += nlohmann::json(route).dump();
  }
  if (!out.empty()) out += "]";
  return out;
}

}  // namespace

Result<ReceiptOutcome> writeReceipt(Connection& db, const ReceiptWrite& w) {
  const core::Receipt& r = w.receipt;
  if (w.ec_fiscal_code.empty()) return invalid("receipt without EC fiscal code");
  if (r.receipt_id.empty()) return invalid("receipt without receiptId");
  for (const auto& route : w.ledger_routes) {
    if (route.empty()) return invalid("receipt " + r.receipt_id + ": empty ledger route name");
  }

  {
    auto s = db.statement("SELECT 1 FROM receipts WHERE ec = ?1 AND receipt_id = ?2");
    if (!s) return s.error();
    StatementUse use(*s.value());
    use->bind(1, w.ec_fiscal_code).bind(2, r.receipt_id);
    int rc = use->step();
    if (rc == SQLITE_ROW) return ReceiptOutcome::kDuplicate;
    if (rc != SQLITE_DONE) return db.error("look up receipt " + r.receipt_id, rc);
  }

  ReceiptOutcome outcome = ReceiptOutcome::kUnmatched;
  std::optional<std::int64_t> position_id, option_index;
  {
    auto s = db.statement(
        "SELECT o.position_id, o.option_index, p.document FROM payment_options o"
        " JOIN positions p ON p.id = o.position_id WHERE o.ec = ?1 AND o.nav = ?2 AND p.ec = ?1");
    if (!s) return s.error();
    StatementUse use(*s.value());
    use->bind(1, w.ec_fiscal_code).bind(2, r.notice_number);
    int rc = use->step();
    if (rc == SQLITE_ROW) {
      position_id = use->columnInt64(0);
      option_index = use->columnInt64(1);
      auto position = decodePosition(use->columnBlob(2));
      if (!position || *option_index < 0 ||
          static_cast<std::size_t>(*option_index) >= position->options.size() ||
          position->options[static_cast<std::size_t>(*option_index)].nav != r.notice_number) {
        return Error{ErrorKind::kFatal, "sqlite: position row " + std::to_string(*position_id) +
                                            " is unreadable or out of step with its notice index"};
      }
      bool already_paid = core::applyPayment(*position, static_cast<std::size_t>(*option_index));
      if (already_paid) {
        outcome = ReceiptOutcome::kDoublePayment;
      } else {
        outcome = ReceiptOutcome::kStored;
        use->reset();  // the statement's read must end before the row is updated
        if (auto u = updatePositionDocument(db, *position_id, *position); !u) return u.error();
      }
    } else if (rc != SQLITE_DONE) {
      return db.error("find notice " + r.notice_number, rc);
    }
  }

  {
    auto s = db.statement(
        "INSERT INTO receipts (ec, receipt_id, notice_number, iuv, position_id, option_index,"
        " amount_cents, received_at_ms, payment_date_time, psp, double_payment, unmatched, v2,"
        " raw_xml, parsed, ledger_routes)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    if (!s) return s.error();
    StatementUse use(*s.value());
    use->bind(1, w.ec_fiscal_code)
        .bind(2, r.receipt_id)
        .bind(3, r.notice_number)
        .bind(4, r.creditor_reference_id);
    if (position_id) {
      use->bind(5, *position_id).bind(6, *option_index);
    } else {
      use->bindNull(5).bindNull(6);
    }
    use->bind(7, r.payment_amount)
        .bind(8, w.received_at_unix_ms)
        .bind(9, r.payment_date_time)
        .bind(10, r.id_psp)
        .bind(11, std::int64_t{outcome == ReceiptOutcome::kDoublePayment})
        .bind(12, std::int64_t{outcome == ReceiptOutcome::kUnmatched})
        .bind(13, std::int64_t{w.v2})
        .bind(14, w.raw_xml)
        .bind(15, w.receipt_json.empty() ? receiptToJson(r) : w.receipt_json)
        .bind(16, routesColumn(w.ledger_routes));
    if (auto e = expectDone(db, *use, "insert receipt " + r.receipt_id); !e) return e.error();
  }

  return outcome;
}

Result<std::uint64_t> nextSequenceValue(Connection& db, const std::string& ec,
                                        const std::string& name) {
  auto s = db.statement(
      "INSERT INTO sequences (ec, name, value) VALUES (?1, ?2, 1)"
      " ON CONFLICT (ec, name) DO UPDATE SET value = value + 1 RETURNING value");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec).bind(2, name);
  int rc = use->step();
  if (rc != SQLITE_ROW) return db.error("advance sequence " + name, rc);
  auto value = static_cast<std::uint64_t>(use->columnInt64(0));
  // RETURNING rows are produced before the statement completes: step to the end so the write
  // is finished before anything else runs.
  if (int done = use->step(); done != SQLITE_DONE)
    return db.error("advance sequence " + name, done);
  return value;
}

Result<std::int64_t> queueDeliveries(Connection& db, int max_receipts) {
  auto from = db.statement("SELECT receipt_row FROM outbox_queued");
  if (!from) return from.error();
  std::int64_t queued = 0;
  {
    StatementUse use(*from.value());
    int rc = use->step();
    if (rc != SQLITE_ROW) return db.error("read the outbox's queue position", rc);
    queued = use->columnInt64(0);
  }
  auto last = db.statement(
      "SELECT count(*), max(id) FROM"
      " (SELECT id FROM receipts WHERE id > ?1 ORDER BY id LIMIT ?2)");
  if (!last) return last.error();
  std::int64_t receipts = 0, up_to = 0;
  {
    StatementUse use(*last.value());
    use->bind(1, queued).bind(2, std::int64_t{max_receipts});
    int rc = use->step();
    if (rc != SQLITE_ROW) return db.error("find receipts to queue for delivery", rc);
    receipts = use->columnInt64(0);
    up_to = use->columnInt64(1);
  }
  if (receipts == 0) return 0;
  // One row per route in the order the receipt lists them: the ids keep the old order, receipt
  // by receipt, route by route.
  for (const char* sql :
       {"INSERT INTO outbox (receipt_row, ec, route, state, attempts, next_attempt_ms, created_ms)"
        " SELECT r.id, r.ec, j.value, 'pending', 0, r.received_at_ms, r.received_at_ms"
        "   FROM receipts r, json_each(r.ledger_routes) j"
        "  WHERE r.id > ?1 AND r.id <= ?2 AND r.ledger_routes != ''"
        "  ORDER BY r.id, j.key",
        "UPDATE outbox_queued SET receipt_row = ?2 WHERE receipt_row = ?1"}) {
    auto s = db.statement(sql);
    if (!s) return s.error();
    StatementUse use(*s.value());
    use->bind(1, queued).bind(2, up_to);
    if (auto r = expectDone(db, *use, "queue deliveries"); !r) return r.error();
  }
  return receipts;
}

Result<std::vector<std::int64_t>> leaseDeliveries(Connection& db, const std::string& ec,
                                                  std::int64_t now_unix_ms,
                                                  std::int64_t lease_until_unix_ms, int limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    return invalid("claim size must be 1.." + std::to_string(kMaxPageSize));
  }
  // As many receipts as deliveries wanted: each has at least one, so the queue keeps ahead of
  // the claims, and the node's peak pays for no more than what is delivered.
  if (auto q = queueDeliveries(db, limit); !q) return q.error();
  // The due rows of each route that is not paused, each route's oldest first from the claim
  // index (ec, route, next_attempt_ms), merged. One ordered walk over the whole EC would step
  // over every held row of a paused route, on every claim, however long its backlog.
  auto routes = db.statement(
      "WITH RECURSIVE r (route) AS ("
      " SELECT min(route) FROM outbox WHERE ec = ?1 AND state = 'pending'"
      " UNION ALL"
      " SELECT (SELECT min(route) FROM outbox"
      "          WHERE ec = ?1 AND state = 'pending' AND route > r.route)"
      "   FROM r WHERE r.route IS NOT NULL)"
      " SELECT route FROM r"
      " WHERE route IS NOT NULL AND route NOT IN (SELECT route FROM paused_routes)");
  if (!routes) return routes.error();
  std::vector<std::string> live;
  {
    StatementUse use(*routes.value());
    use->bind(1, ec);
    int rc;
    while ((rc = use->step()) == SQLITE_ROW) live.emplace_back(use->columnText(0));
    if (rc != SQLITE_DONE) return db.error("find routes with due deliveries", rc);
  }
  auto due = db.statement(
      "SELECT next_attempt_ms, id FROM outbox"
      " WHERE ec = ?1 AND route = ?2 AND state = 'pending' AND next_attempt_ms <= ?3"
      " ORDER BY next_attempt_ms, id LIMIT ?4");
  if (!due) return due.error();
  std::vector<std::pair<std::int64_t, std::int64_t>> found;  // (due, id)
  for (const std::string& route : live) {
    StatementUse use(*due.value());
    use->bind(1, ec).bind(2, route).bind(3, now_unix_ms).bind(4, std::int64_t{limit});
    int rc;
    while ((rc = use->step()) == SQLITE_ROW) {
      found.emplace_back(use->columnInt64(0), use->columnInt64(1));
    }
    if (rc != SQLITE_DONE) return db.error("find due deliveries", rc);
  }
  std::sort(found.begin(), found.end());
  if (found.size() > static_cast<std::size_t>(limit)) found.resize(static_cast<std::size_t>(limit));
  std::vector<std::int64_t> ids;
  ids.reserve(found.size());
  for (const auto& [due_ms, id] : found) ids.push_back(id);
  auto lease = db.statement(
      "UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?3 WHERE id = ?1 AND ec = ?2");
  if (!lease) return lease.error();
  for (std::int64_t id : ids) {
    StatementUse use(*lease.value());
    use->bind(1, id).bind(2, ec).bind(3, lease_until_unix_ms);
    if (auto r = expectDone(db, *use, "lease delivery"); !r) return r.error();
  }
  return ids;
}

Result<Done> writeDeliveryReport(Connection& db, const std::string& ec, std::int64_t id,
                                 const DeliveryReport& report) {
  auto s = db.statement(
      "UPDATE outbox SET state = ?3, next_attempt_ms = ?4, last_error = ?5, delivered_ms = ?6"
      " WHERE id = ?1 AND ec = ?2 AND state = 'pending'");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, id).bind(2, ec);
  if (report.delivered) {
    use->bind(3, std::string_view("delivered"))
        .bind(4, report.at_unix_ms)
        .bind(5, std::string_view())
        .bind(6, report.at_unix_ms);
  } else {
    use->bind(3, std::string_view(report.retry_at_unix_ms ? "pending" : "dead"))
        .bind(4, report.retry_at_unix_ms.value_or(report.at_unix_ms))
        .bind(5, report.error)
        .bindNull(6);
  }
  if (auto r = expectDone(db, *use, "report delivery"); !r) return r;
  if (db.changes() == 0) {
    return Error{ErrorKind::kNotFound,
                 "no pending delivery " + std::to_string(id) + " in EC " + ec};
  }
  if (report.delivered) return Done{};
  auto history = db.statement(
      "INSERT INTO delivery_attempts (delivery_id, attempt, at_ms, outcome, error)"
      " SELECT id, attempts, ?2, ?3, ?4 FROM outbox WHERE id = ?1");
  if (!history) return history.error();
  StatementUse record(*history.value());
  record->bind(1, id)
      .bind(2, report.at_unix_ms)
      .bind(3, std::string_view(report.retry_at_unix_ms ? "retry" : "dead"))
      .bind(4, report.error);
  return expectDone(db, *record, "record a delivery attempt");
}

Result<std::int64_t> reviveDeliveries(Connection& db, const std::string& ec,
                                      std::optional<std::int64_t> id, std::int64_t now_unix_ms) {
  // The replay goes into each delivery's history first, while its attempts still count.
  for (const char* sql :
       {"INSERT INTO delivery_attempts (delivery_id, attempt, at_ms, outcome, error)"
        " SELECT id, attempts, ?2, 'replayed', '' FROM outbox"
        " WHERE ec = ?1 AND state = 'dead' AND (?3 IS NULL OR id = ?3)",
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_ms = ?2"
        " WHERE ec = ?1 AND state = 'dead' AND (?3 IS NULL OR id = ?3)"}) {
    auto s = db.statement(sql);
    if (!s) return s.error();
    StatementUse use(*s.value());
    use->bind(1, ec).bind(2, now_unix_ms);
    if (id) {
      use->bind(3, *id);
    } else {
      use->bindNull(3);
    }
    if (auto r = expectDone(db, *use, "replay deliveries"); !r) return r.error();
  }
  return db.changes();
}

Result<Done> writeRoutePause(Connection& db, const std::string& route, const std::string& reason,
                             std::int64_t at_unix_ms) {
  if (route.empty()) return invalid("pause of a ledger route without a name");
  auto s = db.statement(
      "INSERT INTO paused_routes (route, paused_ms, reason) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (route) DO UPDATE SET reason = excluded.reason");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, route).bind(2, at_unix_ms).bind(3, reason);
  return expectDone(db, *use, "pause ledger route " + route);
}

Result<bool> removeRoutePause(Connection& db, const std::string& route) {
  auto s = db.statement("DELETE FROM paused_routes WHERE route = ?1");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, route);
  if (auto r = expectDone(db, *use, "resume ledger route " + route); !r) return r.error();
  return db.changes() > 0;
}

Result<Done> writePaymentAttempt(Connection& db, const std::string& ec, const std::string& nav,
                                 const std::string& payment_note, std::int64_t at_unix_ms) {
  auto s = db.statement(
      "INSERT INTO payment_attempts (ec, nav, payment_note, at_ms) VALUES (?1, ?2, ?3, ?4)");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec).bind(2, nav).bind(3, payment_note).bind(4, at_unix_ms);
  return expectDone(db, *use, "record payment attempt " + nav);
}

Result<Done> writeCart(Connection& db, const CartRecord& cart) {
  if (cart.id.empty()) return invalid("cart without an id");
  if (cart.notices.empty()) return invalid("cart " + cart.id + " without notices");
  {
    auto s = db.statement("SELECT 1 FROM carts WHERE id = ?1");
    if (!s) return s.error();
    StatementUse use(*s.value());
    use->bind(1, cart.id);
    const int rc = use->step();
    if (rc == SQLITE_ROW) return conflict("cart " + cart.id + " already exists");
    if (rc != SQLITE_DONE) return db.error("look up cart " + cart.id, rc);
  }
  auto s = db.statement(
      "INSERT INTO carts (id, caller, created_ms, email, checkout_url) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s) return s.error();
  {
    StatementUse use(*s.value());
    use->bind(1, cart.id).bind(2, cart.caller).bind(3, cart.created_unix_ms).bind(4, cart.email)
        .bind(5, cart.checkout_url);
    if (auto r = expectDone(db, *use, "record cart " + cart.id); !r) return r;
  }
  auto n = db.statement(
      "INSERT INTO cart_notices (cart_id, position, ec, nav, amount_cents, description)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!n) return n.error();
  for (std::size_t i = 0; i < cart.notices.size(); ++i) {
    const CartNoticeRecord& c = cart.notices[i];
    StatementUse use(*n.value());
    use->bind(1, cart.id).bind(2, std::int64_t(i)).bind(3, c.ec).bind(4, c.nav)
        .bind(5, c.amount_cents).bind(6, c.description);
    if (auto r = expectDone(db, *use, "record notice " + c.nav + " of cart " + cart.id); !r) {
      return r;
    }
  }
  return Done{};
}

Result<Done> writeAuditEntry(Connection& db, const AuditEntry& e) {
  auto s = db.statement(
      "INSERT INTO audit (at_ms, operation, ec, notice, outcome, client_subject, latency_us)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, e.at_unix_ms)
      .bind(2, e.operation)
      .bind(3, e.ec)
      .bind(4, e.notice)
      .bind(5, e.outcome)
      .bind(6, e.client_subject)
      .bind(7, e.latency_us);
  return expectDone(db, *use, "record audit entry");
}

Result<std::int64_t> deleteAuditBefore(Connection& db, std::int64_t before_unix_ms) {
  auto s = db.statement("DELETE FROM audit WHERE at_ms < ?1");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, before_unix_ms);
  auto done = expectDone(db, *use, "purge the audit journal");
  if (!done) return done.error();
  return db.changes();
}

}  // namespace ponte::store::sqlite
