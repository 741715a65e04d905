// Write statements of the PostgreSQL engine: positions with their notice index, receipts with
// their outbox rows, counters, leases and the side records.
#include "store/postgres_writes.h"

#include <algorithm>
#include <set>

#include "core/payment_state.h"
#include "store/position_codec.h"
#include "store/position_rules.h"
#include "store/postgres_reads.h"
#include "store/receipt_json.h"

namespace ponte::store::pg {
namespace {

Error invalid(std::string message) { return Error{ErrorKind::kInvalid, std::move(message)}; }
Error conflict(std::string message) { return Error{ErrorKind::kConflict, std::move(message)}; }

// The rules of Store::upsertPosition, the same for every engine.

// The filterable columns shared by INSERT and UPDATE of positions, in this order: status,
// debtor_fiscal_code, validity_date, due_date_min, due_date_max, coercive, document.
void addPositionColumns(Params& params, const core::DebtPosition& p, const std::string& document) {
  params.add(core::toString(p.status)).add(p.debtor.fiscal_code);
  if (p.validity_date) {
    params.add(static_cast<std::int64_t>(p.validity_date->days()));
  } else {
    params.addNull();
  }
  if (p.options.empty()) {
    params.addNull().addNull();
  } else {
    auto [lo, hi] =
        std::minmax_element(p.options.begin(), p.options.end(),
                            [](const core::PaymentOption& a, const core::PaymentOption& b) {
                              return a.due_date < b.due_date;
                            });
    params.add(static_cast<std::int64_t>(lo->due_date.days()))
        .add(static_cast<std::int64_t>(hi->due_date.days()));
  }
  params.add(p.coercive.sent).addBytes(document);
}

// Whether the notices of p are free, or taken by which position. A statement of its own sees
// what other instances committed since the look-up of p, so the taker may be p itself, created
// meanwhile by another instance: the caller then looks p up again.
struct NoticeTaker {
  std::string iupd;
  std::string nav, iuv, row;
};

Result<std::optional<NoticeTaker>> findNoticeTaker(Connection& db, const core::DebtPosition& p,
                                                   std::int64_t own_id) {
  if (p.options.empty()) return std::optional<NoticeTaker>{};
  std::vector<std::string> navs, iuvs;
  for (const auto& o : p.options) {
    navs.push_back(o.nav);
    iuvs.push_back(o.iuv);
  }
  auto rows = db.query(
      "SELECT o.position_id, o.nav, o.iuv, p.iupd FROM payment_options o"
      " JOIN positions p ON p.id = o.position_id WHERE o.ec = $1"
      " AND (o.nav = ANY($2::text[]) OR o.iuv = ANY($3::text[])) AND o.position_id <> $4 LIMIT 1",
      Params().add(p.ec_fiscal_code).addTextArray(navs).addTextArray(iuvs).add(own_id),
      "check notice numbers");
  if (!rows) return rows.error();
  if (rows.value().size() == 0) return std::optional<NoticeTaker>{};
  const auto& r = rows.value();
  return std::optional<NoticeTaker>{
      NoticeTaker{std::string(r.text(0, 3)), std::string(r.text(0, 1)), std::string(r.text(0, 2)),
                  std::string(r.text(0, 0))}};
}

Error noticeTaken(const core::DebtPosition& p, const NoticeTaker& taker) {
  return conflict("position " + p.iupd + ": notice number " + taker.nav + " or IUV " + taker.iuv +
                  " belongs to position row " + taker.row + " of EC " + p.ec_fiscal_code);
}

Result<Done> writeNoticeIndex(Connection& db, const core::DebtPosition& p, std::int64_t id) {
  if (p.options.empty()) return Done{};
  std::vector<std::string> navs, iuvs;
  std::vector<std::int64_t> dues;
  for (const auto& o : p.options) {
    navs.push_back(o.nav);
    iuvs.push_back(o.iuv);
    dues.push_back(o.due_date.days());
  }
  auto rows = db.query(
      "INSERT INTO payment_options (position_id, option_index, ec, nav, iuv, due_date)"
      " SELECT $1, t.n - 1, $2, t.nav, t.iuv, t.due"
      " FROM unnest($3::text[], $4::text[], $5::integer[]) WITH ORDINALITY AS t(nav, iuv, due, n)",
      Params()
          .add(id)
          .add(p.ec_fiscal_code)
          .addTextArray(navs)
          .addTextArray(iuvs)
          .addInt64Array(dues),
      "index the notices of position " + p.iupd);
  if (!rows) {
    if (rows.error().kind == ErrorKind::kConflict) {
      // Another instance committed a position with one of these notices after our check.
      return conflict("position " + p.iupd + ": one of its notice numbers or IUVs was just " +
                      "taken by another position of EC " + p.ec_fiscal_code);
    }
    return rows.error();
  }
  return Done{};
}

}  // namespace

Result<UpsertOutcome> writePosition(Connection& db, const core::DebtPosition& p, bool must_create) {
  if (auto r = validatePosition(p); !r) return r.error();
  const std::string document = encodePosition(p);
  // Twice at most: when another instance creates the same iupd between our look-up and our
  // insert, the insert waits for it, does nothing, and the second pass finds its row.
  for (int pass = 0; pass < 2; ++pass) {
    auto stored =
        db.query("SELECT id, document FROM positions WHERE ec = $1 AND iupd = $2 FOR UPDATE",
                 Params().add(p.ec_fiscal_code).add(p.iupd), "look up position " + p.iupd);
    if (!stored) return stored.error();
    std::int64_t id = 0;
    if (stored.value().size() > 0) {
      if (must_create) {
        return conflict("position " + p.iupd + " already exists in EC " + p.ec_fiscal_code);
      }
      id = stored.value().int64(0, 0);
      std::string old_document = stored.value().bytes(0, 1);
      if (old_document == document) return UpsertOutcome::kUnchanged;
      auto old = decodePosition(old_document);
      if (!old) {
        return Error{ErrorKind::kFatal,
                     "postgres: unreadable document of position row " + std::to_string(id)};
      }
      if (auto r = keepsPayments(*old, p); !r) return r.error();
    }
    auto taker = findNoticeTaker(db, p, id);
    if (!taker) return taker.error();
    if (taker.value()) {
      // Another instance created this very position after our look-up: look it up again.
      if (id == 0 && taker.value()->iupd == p.iupd) continue;
      return noticeTaken(p, *taker.value());
    }

    if (id != 0) {
      Params params;
      params.add(id);
      addPositionColumns(params, p, document);
      auto updated = db.query(
          "UPDATE positions SET status = $2, debtor_fiscal_code = $3, validity_date = $4,"
          " due_date_min = $5, due_date_max = $6, coercive = $7, document = $8 WHERE id = $1",
          params, "update position " + p.iupd);
      if (!updated) return updated.error();
      auto cleared = db.query("DELETE FROM payment_options WHERE position_id = $1",
                              Params().add(id), "clear the notice index");
      if (!cleared) return cleared.error();
      if (auto r = writeNoticeIndex(db, p, id); !r) return r.error();
      return UpsertOutcome::kUpdated;
    }
    Params params;
    params.add(p.ec_fiscal_code).add(p.iupd);
    addPositionColumns(params, p, document);
    auto inserted = db.query(
        "INSERT INTO positions (ec, iupd, status, debtor_fiscal_code, validity_date,"
        " due_date_min, due_date_max, coercive, document)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (ec, iupd) DO NOTHING RETURNING id",
        params, "insert position " + p.iupd);
    if (!inserted) return inserted.error();
    if (inserted.value().size() == 0) continue;
    if (auto r = writeNoticeIndex(db, p, inserted.value().int64(0, 0)); !r) return r.error();
    return UpsertOutcome::kCreated;
  }
  return Error{ErrorKind::kUnavailable,
               "postgres: position " + p.iupd + " kept changing under another instance"};
}

Result<Done> removePosition(Connection& db, const std::string& ec, const std::string& iupd,
                            core::PositionStatus only_if) {
  // The row lock is what a receipt for one of its notices takes first (see writeReceipt): a
  // receipt committed meanwhile is seen here as the status it set, and one arriving later finds
  // the notice gone and is stored unmatched.
  auto rows = db.query("SELECT id, status FROM positions WHERE ec = $1 AND iupd = $2 FOR UPDATE",
                       Params().add(ec).add(iupd), "find position " + iupd);
  if (!rows) return rows.error();
  if (rows.value().size() == 0) {
    return Error{ErrorKind::kNotFound, "no position " + iupd + " in EC " + ec};
  }
  const std::string_view status = rows.value().text(0, 1);
  if (status != core::toString(only_if)) {
    return conflict("position " + iupd + " is " + std::string(status) + ", not " +
                    std::string(core::toString(only_if)));
  }
  const std::int64_t id = rows.value().int64(0, 0);
  auto deleted = db.query("DELETE FROM positions WHERE id = $1", Params().add(id),
                          "delete position " + iupd);  // its notice index goes by cascade
  if (!deleted) return deleted.error();
  return Done{};
}

Result<ReceiptOutcome> writeReceipt(Connection& db, const ReceiptWrite& w) {
  const core::Receipt& r = w.receipt;
  if (w.ec_fiscal_code.empty()) return invalid("receipt without EC fiscal code");
  if (r.receipt_id.empty()) return invalid("receipt without receiptId");
  std::vector<std::string> routes;
  for (const auto& route : w.ledger_routes) {
    if (route.empty()) return invalid("receipt " + r.receipt_id + ": empty ledger route name");
    if (std::find(routes.begin(), routes.end(), route) == routes.end()) routes.push_back(route);
  }

  // Lock the paid position first. An instance committing the same receipt now waits here until
  // the other commits, and then its insert below finds the receipt: stored once, both answered.
  ReceiptOutcome outcome = ReceiptOutcome::kUnmatched;
  std::int64_t position_id = 0;
  std::optional<std::size_t> option_index;
  std::optional<core::DebtPosition> position;
  for (int pass = 0; pass < 2 && !option_index; ++pass) {
    auto rows = db.query(
        "SELECT p.id, p.document FROM payment_options o JOIN positions p ON p.id = o.position_id"
        " WHERE o.ec = $1 AND o.nav = $2 AND p.ec = $1 FOR UPDATE OF p",
        Params().add(w.ec_fiscal_code).add(r.notice_number), "lock the position of a receipt");
    if (!rows) return rows.error();
    if (rows.value().size() == 0) break;
    position_id = rows.value().int64(0, 0);
    position = decodePosition(rows.value().bytes(0, 1));
    if (!position) {
      return Error{ErrorKind::kFatal, "postgres: the document of position row " +
                                          std::to_string(position_id) + " is unreadable"};
    }
    // The option is found in the locked document, not through the index row read before the
    // lock: a replacement committed meanwhile may have moved it (then the next pass, a new
    // statement, sees the index as it is now).
    for (std::size_t i = 0; i < position->options.size(); ++i) {
      if (position->options[i].nav == r.notice_number) option_index = i;
    }
  }
  if (option_index) {
    outcome = core::applyPayment(*position, *option_index) ? ReceiptOutcome::kDoublePayment
                                                           : ReceiptOutcome::kStored;
  }

  Params params;
  params.add(w.ec_fiscal_code).add(r.receipt_id).add(r.notice_number).add(r.creditor_reference_id);
  if (option_index) {
    params.add(position_id).add(static_cast<std::int64_t>(*option_index));
  } else {
    params.addNull().addNull();
  }
  params.add(std::int64_t{r.payment_amount})
      .add(w.received_at_unix_ms)
      .add(r.payment_date_time)
      .add(r.id_psp)
      .add(outcome == ReceiptOutcome::kDoublePayment)
      .add(outcome == ReceiptOutcome::kUnmatched)
      .add(w.v2)
      .add(w.raw_xml)
      .add(w.receipt_json.empty() ? receiptToJson(r) : w.receipt_json)
      .addTextArray(routes);
  auto inserted = db.query(
      "WITH r AS (INSERT INTO receipts (ec, receipt_id, notice_number, iuv, position_id,"
      " option_index, amount_cents, received_at_ms, payment_date_time, psp, double_payment,"
      " unmatched, v2, raw_xml, parsed)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
      " ON CONFLICT (ec, receipt_id) DO NOTHING RETURNING id),"
      " o AS (INSERT INTO outbox (receipt_row, ec, route, state, attempts, next_attempt_ms,"
      " created_ms) SELECT r.id, $1, t.route, 'pending', 0, $8, $8"
      " FROM r CROSS JOIN unnest($16::text[]) WITH ORDINALITY AS t(route, n) ORDER BY t.n)"
      " SELECT id FROM r",
      params, "insert receipt " + r.receipt_id);
  if (!inserted) return inserted.error();
  if (inserted.value().size() == 0) return ReceiptOutcome::kDuplicate;

  if (outcome == ReceiptOutcome::kStored) {
    auto updated = db.query("UPDATE positions SET status = $2, document = $3 WHERE id = $1",
                            Params()
                                .add(position_id)
                                .add(core::toString(position->status))
                                .addBytes(encodePosition(*position)),
                            "mark position paid");
    if (!updated) return updated.error();
  }
  return outcome;
}

Result<std::uint64_t> nextSequenceValue(Connection& db, const std::string& ec,
                                        const std::string& name) {
  auto rows = db.query(
      "INSERT INTO sequences (ec, name, value) VALUES ($1, $2, 1)"
      " ON CONFLICT (ec, name) DO UPDATE SET value = sequences.value + 1 RETURNING value",
      Params().add(ec).add(name), "advance sequence " + name);
  if (!rows) return rows.error();
  return static_cast<std::uint64_t>(rows.value().int64(0, 0));
}

Result<std::vector<Delivery>> claimDeliveries(Connection& db, const std::string& ec,
                                              std::int64_t now_unix_ms,
                                              std::int64_t lease_until_unix_ms, int limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    return invalid("claim size must be 1.." + std::to_string(kMaxPageSize));
  }
  auto rows = db.query(
      // The routes with pending deliveries, one index probe each (a loose index scan), then
      // each live route's oldest due rows: a paused route's backlog is never walked.
      std::string("WITH RECURSIVE seen (route) AS ("
                  " (SELECT route FROM outbox WHERE ec = $1 AND state = 'pending'"
                  "   ORDER BY route LIMIT 1)"
                  " UNION ALL"
                  " SELECT (SELECT o.route FROM outbox o"
                  "          WHERE o.ec = $1 AND o.state = 'pending' AND o.route > seen.route"
                  "          ORDER BY o.route LIMIT 1)"
                  "   FROM seen WHERE seen.route IS NOT NULL),"
                  " live AS (SELECT route FROM seen WHERE route IS NOT NULL"
                  "   AND route NOT IN (SELECT route FROM paused_routes)),"
                  " due AS (SELECT c.id, c.due_ms FROM live CROSS JOIN LATERAL"
                  " (SELECT o.id, o.next_attempt_ms AS due_ms FROM outbox o"
                  "   WHERE o.ec = $1 AND o.route = live.route AND o.state = 'pending'"
                  "   AND o.next_attempt_ms <= $2"
                  "   ORDER BY o.next_attempt_ms, o.id LIMIT $4 FOR UPDATE SKIP LOCKED) c"
                  " ORDER BY c.due_ms, c.id LIMIT $4),"
                  " d AS (UPDATE outbox x SET attempts = x.attempts + 1, next_attempt_ms = $3"
                  " FROM due WHERE x.id = due.id RETURNING x.*, due.due_ms)"
                  " SELECT ") +
          kDeliveryColumns +
          " FROM d JOIN receipts r ON r.id = d.receipt_row ORDER BY d.due_ms, d.id",
      Params().add(ec).add(now_unix_ms).add(lease_until_unix_ms).add(std::int64_t{limit}),
      "claim deliveries");
  if (!rows) return rows.error();
  std::vector<Delivery> out;
  for (int i = 0; i < rows.value().size(); ++i) {
    auto d = deliveryFromRow(rows.value(), i, ec);
    if (!d) return d.error();
    out.push_back(std::move(d.value()));
  }
  return out;
}

Result<Done> writeDeliveryReport(Connection& db, const std::string& ec, std::int64_t id,
                                 const DeliveryReport& report) {
  Params params;
  params.add(id).add(ec);
  if (report.delivered) {
    params.add("delivered").add(report.at_unix_ms).add("").add(report.at_unix_ms);
  } else {
    params.add(report.retry_at_unix_ms ? "pending" : "dead")
        .add(report.retry_at_unix_ms.value_or(report.at_unix_ms))
        .add(report.error)
        .addNull();
  }
  auto rows = db.query(
      "UPDATE outbox SET state = $3, next_attempt_ms = $4, last_error = $5, delivered_ms = $6"
      " WHERE id = $1 AND ec = $2 AND state = 'pending'",
      params, "report a delivery");
  if (!rows) return rows.error();
  if (rows.value().affected() == 0) {
    return Error{ErrorKind::kNotFound,
                 "no pending delivery " + std::to_string(id) + " in EC " + ec};
  }
  if (report.delivered) return Done{};
  auto history = db.query(
      "INSERT INTO delivery_attempts (delivery_id, attempt, at_ms, outcome, error)"
      " SELECT id, attempts, $2, $3, $4 FROM outbox WHERE id = $1",
      Params()
          .add(id)
          .add(report.at_unix_ms)
          .add(report.retry_at_unix_ms ? "retry" : "dead")
          .add(report.error),
      "record a delivery attempt");
  if (!history) return history.error();
  return Done{};
}

Result<std::int64_t> reviveDeliveries(Connection& db, const std::string& ec,
                                      std::optional<std::int64_t> id, std::int64_t now_unix_ms) {
  Params params;
  params.add(ec).add(now_unix_ms);
  if (id) {
    params.add(*id);
  } else {
    params.addNull();
  }
  // The replay goes into each delivery's history first, while its attempts still count.
  auto history = db.query(
      "INSERT INTO delivery_attempts (delivery_id, attempt, at_ms, outcome, error)"
      " SELECT id, attempts, $2, 'replayed', '' FROM outbox"
      " WHERE ec = $1 AND state = 'dead' AND ($3::bigint IS NULL OR id = $3::bigint)",
      params, "replay deliveries");
  if (!history) return history.error();
  auto rows = db.query(
      "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_ms = $2"
      " WHERE ec = $1 AND state = 'dead' AND ($3::bigint IS NULL OR id = $3::bigint)",
      params, "replay deliveries");
  if (!rows) return rows.error();
  return rows.value().affected();
}

Result<Done> writeRoutePause(Connection& db, const std::string& route, const std::string& reason,
                             std::int64_t at_unix_ms) {
  if (route.empty()) return invalid("pause of a ledger route without a name");
  auto rows = db.query(
      "INSERT INTO paused_routes (route, paused_ms, reason) VALUES ($1, $2, $3)"
      " ON CONFLICT (route) DO UPDATE SET reason = excluded.reason",
      Params().add(route).add(at_unix_ms).add(reason), "pause ledger route " + route);
  if (!rows) return rows.error();
  return Done{};
}

Result<bool> removeRoutePause(Connection& db, const std::string& route) {
  auto rows = db.query("DELETE FROM paused_routes WHERE route = $1", Params().add(route),
                       "resume ledger route " + route);
  if (!rows) return rows.error();
  return rows.value().affected() > 0;
}

Result<Done> writeCart(Connection& db, const CartRecord& cart) {
  if (cart.id.empty()) return invalid("cart without an id");
  if (cart.notices.empty()) return invalid("cart " + cart.id + " without notices");
  auto inserted = db.query(
      "INSERT INTO carts (id, caller, created_ms, email, checkout_url) VALUES ($1, $2, $3, $4, $5)"
      " ON CONFLICT (id) DO NOTHING RETURNING id",
      Params()
          .add(cart.id)
          .add(cart.caller)
          .add(cart.created_unix_ms)
          .add(cart.email)
          .add(cart.checkout_url),
      "record cart " + cart.id);
  if (!inserted) return inserted.error();
  if (inserted.value().size() == 0) return conflict("cart " + cart.id + " already exists");
  std::vector<std::string> ecs, navs, descriptions;
  std::vector<std::int64_t> amounts;
  for (const auto& n : cart.notices) {
    ecs.push_back(n.ec);
    navs.push_back(n.nav);
    amounts.push_back(n.amount_cents);
    descriptions.push_back(n.description);
  }
  auto notices = db.query(
      "INSERT INTO cart_notices (cart_id, position, ec, nav, amount_cents, description)"
      " SELECT $1, t.n - 1, t.ec, t.nav, t.amount, t.description"
      " FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[])"
      " WITH ORDINALITY AS t(ec, nav, amount, description, n)",
      Params()
          .add(cart.id)
          .addTextArray(ecs)
          .addTextArray(navs)
          .addInt64Array(amounts)
          .addTextArray(descriptions),
      "record the notices of cart " + cart.id);
  if (!notices) return notices.error();
  return Done{};
}

Result<Done> writeSideRecords(Connection& db, const std::vector<PaymentAttempt>& attempts,
                              const std::vector<AuditEntry>& audit) {
  if (!attempts.empty()) {
    std::vector<std::string> ecs, navs, notes;
    std::vector<std::int64_t> at;
    for (const auto& a : attempts) {
      ecs.push_back(a.ec);
      navs.push_back(a.nav);
      notes.push_back(a.payment_note);
      at.push_back(a.at_unix_ms);
    }
    auto rows = db.query(
        "INSERT INTO payment_attempts (ec, nav, payment_note, at_ms)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])",
        Params().addTextArray(ecs).addTextArray(navs).addTextArray(notes).addInt64Array(at),
        "record payment attempts");
    if (!rows) return rows.error();
  }
  if (!audit.empty()) {
    std::vector<std::int64_t> at, latency;
    std::vector<std::string> operation, ec, notice, outcome, subject;
    for (const auto& e : audit) {
      at.push_back(e.at_unix_ms);
      operation.push_back(e.operation);
      ec.push_back(e.ec);
      notice.push_back(e.notice);
      outcome.push_back(e.outcome);
      subject.push_back(e.client_subject);
      latency.push_back(e.latency_us);
    }
    auto rows = db.query(
        "INSERT INTO audit (at_ms, operation, ec, notice, outcome, client_subject, latency_us)"
        " SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],"
        " $6::text[], $7::bigint[])",
        Params()
            .addInt64Array(at)
            .addTextArray(operation)
            .addTextArray(ec)
            .addTextArray(notice)
            .addTextArray(outcome)
            .addTextArray(subject)
            .addInt64Array(latency),
        "record audit entries");
    if (!rows) return rows.error();
  }
  return Done{};
}

Result<std::int64_t> deleteAuditBefore(Connection& db, std::int64_t before_unix_ms) {
  auto rows = db.query("DELETE FROM audit WHERE at_ms < $1", Params().add(before_unix_ms),
                       "purge the audit journal");
  if (!rows) return rows.error();
  return rows.value().affected();
}

}  // namespace ponte::store::pg
