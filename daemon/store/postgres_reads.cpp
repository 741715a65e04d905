// Read statements of the PostgreSQL engine.
#include "store/postgres_reads.h"

#include "store/delivery_reports.h"
#include "store/position_codec.h"

namespace ponte::store::pg {
namespace {

// The receipt columns shared by listReceipts and the deliveries, in this order.
constexpr const char* kReceiptColumns =
    "r.id, r.receipt_id, r.notice_number, r.iuv, r.amount_cents, r.received_at_ms,"
    " r.payment_date_time, r.psp, r.double_payment, r.unmatched, r.v2, r.raw_xml";

StoredReceipt receiptFromRow(const Rows& rows, int row, int first, const std::string& ec) {
  StoredReceipt r;
  r.id = rows.int64(row, first);
  r.ec_fiscal_code = ec;
  r.receipt_id = rows.text(row, first + 1);
  r.notice_number = rows.text(row, first + 2);
  r.iuv = rows.text(row, first + 3);
  r.amount_cents = rows.int64(row, first + 4);
  r.received_at_unix_ms = rows.int64(row, first + 5);
  r.payment_date_time = rows.text(row, first + 6);
  r.psp = rows.text(row, first + 7);
  r.double_payment = rows.boolean(row, first + 8);
  r.unmatched = rows.boolean(row, first + 9);
  r.v2 = rows.boolean(row, first + 10);
  r.raw_xml = rows.text(row, first + 11);
  return r;
}

Error unreadable(std::int64_t id) {
  return Error{ErrorKind::kFatal,
               "postgres: the document of position row " + std::to_string(id) + " is unreadable"};
}

Error invalidPage() {
  return Error{ErrorKind::kInvalid, "page size must be 1.." + std::to_string(kMaxPageSize)};
}

}  // namespace

const char* const kDeliveryColumns =
    "d.id, d.route, d.state, d.attempts, d.next_attempt_ms, d.last_error, d.created_ms,"
    " coalesce(d.delivered_ms, 0), r.parsed, r.id, r.receipt_id, r.notice_number, r.iuv,"
    " r.amount_cents, r.received_at_ms, r.payment_date_time, r.psp, r.double_payment,"
    " r.unmatched, r.v2, r.raw_xml";

Result<Delivery> deliveryFromRow(const Rows& rows, int row, const std::string& ec) {
  Delivery d;
  d.id = rows.int64(row, 0);
  d.ec_fiscal_code = ec;
  d.route = rows.text(row, 1);
  std::string_view state = rows.text(row, 2);
  if (state == "pending") {
    d.state = DeliveryState::kPending;
  } else if (state == "delivered") {
    d.state = DeliveryState::kDelivered;
  } else if (state == "dead") {
    d.state = DeliveryState::kDead;
  } else {
    return Error{ErrorKind::kFatal, "postgres: outbox row " + std::to_string(d.id) +
                                        " has unknown state " + std::string(state)};
  }
  d.attempts = static_cast<int>(rows.int64(row, 3));
  d.next_attempt_unix_ms = rows.int64(row, 4);
  d.last_error = rows.text(row, 5);
  d.created_unix_ms = rows.int64(row, 6);
  d.delivered_unix_ms = rows.int64(row, 7);
  d.receipt_json = rows.text(row, 8);
  d.receipt = receiptFromRow(rows, row, 9, ec);
  return d;
}

std::string_view deliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kDead:
      return "dead";
  }
  return "pending";
}

Result<std::optional<NoticeMatch>> readByNotice(Connection& db, const std::string& ec,
                                                const std::string& nav) {
  auto rows = db.query(
      "SELECT o.position_id, o.option_index, p.document FROM payment_options o"
      " JOIN positions p ON p.id = o.position_id WHERE o.ec = $1 AND o.nav = $2 AND p.ec = $1",
      Params().add(ec).add(nav), "find a notice");
  if (!rows) return rows.error();
  const Rows& r = rows.value();
  if (r.size() == 0) return std::optional<NoticeMatch>();
  std::int64_t id = r.int64(0, 0);
  std::int64_t index = r.int64(0, 1);
  auto position = decodePosition(r.bytes(0, 2));
  if (!position) return unreadable(id);
  if (index < 0 || static_cast<std::size_t>(index) >= position->options.size() ||
      position->options[static_cast<std::size_t>(index)].nav != nav) {
    return Error{ErrorKind::kFatal, "postgres: position row " + std::to_string(id) +
                                        " is out of step with its notice index"};
  }
  return std::optional<NoticeMatch>(
      NoticeMatch{std::move(*position), static_cast<std::size_t>(index)});
}

Result<std::optional<core::DebtPosition>> readPosition(Connection& db, const std::string& ec,
                                                       const std::string& iupd) {
  auto rows = db.query("SELECT id, document FROM positions WHERE ec = $1 AND iupd = $2",
                       Params().add(ec).add(iupd), "get a position");
  if (!rows) return rows.error();
  if (rows.value().size() == 0) return std::optional<core::DebtPosition>();
  auto position = decodePosition(rows.value().bytes(0, 1));
  if (!position) return unreadable(rows.value().int64(0, 0));
  return std::optional<core::DebtPosition>(std::move(*position));
}

namespace {

// The WHERE clause of a position filter over `positions p`, its parameters appended to params
// after $1 (the EC). Only the filters that are set become parameters, so the number of distinct
// statements prepared stays small.
std::string positionWhere(const PositionFilter& filter, Params& params) {
  std::string sql = "p.ec = $1";
  auto next = [&] { return "$" + std::to_string(params.size() + 1); };
  if (filter.status) {
    sql += " AND p.status = " + next();
    params.add(core::toString(*filter.status));
  }
  if (!filter.debtor_fiscal_code.empty()) {
    sql += " AND p.debtor_fiscal_code = " + next();
    params.add(filter.debtor_fiscal_code);
  }
  if (filter.due_from || filter.due_to) {
    sql += " AND EXISTS (SELECT 1 FROM payment_options o WHERE o.position_id = p.id";
    if (filter.due_from) {
      sql += " AND o.due_date >= " + next() + "::integer";
      params.add(static_cast<std::int64_t>(filter.due_from->days()));
    }
    if (filter.due_to) {
      sql += " AND o.due_date <= " + next() + "::integer";
      params.add(static_cast<std::int64_t>(filter.due_to->days()));
    }
    sql += ")";
  }
  return sql;
}

}  // namespace

Result<std::vector<core::DebtPosition>> readPositions(Connection& db, const std::string& ec,
                                                      const PositionFilter& filter) {
  if (filter.page < 0) return Error{ErrorKind::kInvalid, "negative page"};
  if (filter.limit < 1 || filter.limit > kMaxPageSize) return invalidPage();
  Params params;
  params.add(ec);
  std::string sql =
      "SELECT p.id, p.document FROM positions p WHERE " + positionWhere(filter, params);
  auto next = [&] { return "$" + std::to_string(params.size() + 1); };
  sql += " ORDER BY p.id LIMIT " + next() + "::bigint";
  params.add(std::int64_t{filter.limit});
  sql += " OFFSET " + next() + "::bigint";
  params.add(static_cast<std::int64_t>(filter.page) * filter.limit);
  auto rows = db.query(sql, params, "list positions");
  if (!rows) return rows.error();
  std::vector<core::DebtPosition> out;
  out.reserve(static_cast<std::size_t>(rows.value().size()));
  for (int i = 0; i < rows.value().size(); ++i) {
    auto position = decodePosition(rows.value().bytes(i, 1));
    if (!position) return unreadable(rows.value().int64(i, 0));
    out.push_back(std::move(*position));
  }
  return out;
}

Result<std::int64_t> readMatchingPositionCount(Connection& db, const std::string& ec,
                                               const PositionFilter& filter) {
  Params params;
  params.add(ec);
  std::string sql = "SELECT count(*) FROM positions p WHERE " + positionWhere(filter, params);
  auto rows = db.query(sql, params, "count matching positions");
  if (!rows) return rows.error();
  return rows.value().int64(0, 0);
}

Result<std::vector<StoredReceipt>> readReceiptsByNotice(Connection& db, const std::string& ec,
                                                        const std::string& nav) {
  auto rows = db.query(std::string("SELECT ") + kReceiptColumns +
                           " FROM receipts r WHERE r.ec = $1 AND r.notice_number = $2"
                           " ORDER BY r.received_at_ms, r.id",
                       Params().add(ec).add(nav), "list the receipts of notice " + nav);
  if (!rows) return rows.error();
  std::vector<StoredReceipt> out;
  for (int i = 0; i < rows.value().size(); ++i) {
    out.push_back(receiptFromRow(rows.value(), i, 0, ec));
  }
  return out;
}

Result<std::vector<StoredReceipt>> readReceipts(Connection& db, const std::string& ec,
                                                std::int64_t from_unix_ms,
                                                std::int64_t to_unix_ms) {
  auto rows = db.query(std::string("SELECT ") + kReceiptColumns +
                           " FROM receipts r WHERE r.ec = $1 AND r.received_at_ms >= $2"
                           " AND r.received_at_ms < $3 ORDER BY r.received_at_ms, r.id",
                       Params().add(ec).add(from_unix_ms).add(to_unix_ms), "list receipts");
  if (!rows) return rows.error();
  std::vector<StoredReceipt> out;
  for (int i = 0; i < rows.value().size(); ++i)
    out.push_back(receiptFromRow(rows.value(), i, 0, ec));
  return out;
}

namespace {

// `d.state = '<state>'`: a partial index (pending, dead) serves only a query naming its state,
// and a generic plan would not see a parameter's value.
std::string stateIs(DeliveryState state) {
  return "d.state = '" + std::string(deliveryStateName(state)) + "'";
}

}  // namespace

Result<std::vector<Delivery>> readDeliveries(Connection& db, const std::string& ec,
                                             DeliveryState state, std::int64_t after_id,
                                             int limit) {
  if (limit < 1 || limit > kMaxPageSize) return invalidPage();
  auto rows = db.query(
      std::string("SELECT ") + kDeliveryColumns +
          " FROM outbox d JOIN receipts r ON r.id = d.receipt_row"
          " WHERE d.ec = $1 AND " + stateIs(state) + " AND d.id > $2 ORDER BY d.id LIMIT $3",
      Params().add(ec).add(after_id).add(std::int64_t{limit}),
      "list deliveries");
  if (!rows) return rows.error();
  std::vector<Delivery> out;
  for (int i = 0; i < rows.value().size(); ++i) {
    auto d = deliveryFromRow(rows.value(), i, ec);
    if (!d) return d.error();
    out.push_back(std::move(d.value()));
  }
  return out;
}

Result<std::optional<Delivery>> readDelivery(Connection& db, const std::string& ec,
                                             std::int64_t id) {
  auto rows = db.query(std::string("SELECT ") + kDeliveryColumns +
                           " FROM outbox d JOIN receipts r ON r.id = d.receipt_row"
                           " WHERE d.ec = $1 AND d.id = $2",
                       Params().add(ec).add(id), "read delivery");
  if (!rows) return rows.error();
  if (rows.value().size() == 0) return std::optional<Delivery>();
  auto d = deliveryFromRow(rows.value(), 0, ec);
  if (!d) return d.error();
  return std::optional<Delivery>(std::move(d.value()));
}

Result<std::int64_t> readPositionCount(Connection& db) {
  auto rows = db.query("SELECT count(*) FROM positions", "count positions");
  if (!rows) return rows.error();
  return rows.value().int64(0, 0);
}

Result<std::int64_t> readDeliveryCount(Connection& db, const std::string& ec, DeliveryState state) {
  auto rows = db.query("SELECT count(*) FROM outbox d WHERE d.ec = $1 AND " + stateIs(state),
                       Params().add(ec), "count deliveries");
  if (!rows) return rows.error();
  return rows.value().int64(0, 0);
}

Result<std::vector<PausedRoute>> readPausedRoutes(Connection& db) {
  auto rows = db.query("SELECT route, paused_ms, reason FROM paused_routes ORDER BY route",
                       "list paused routes");
  if (!rows) return rows.error();
  std::vector<PausedRoute> out;
  for (int i = 0; i < rows.value().size(); ++i) {
    out.push_back(PausedRoute{std::string(rows.value().text(i, 0)), rows.value().int64(i, 1),
                              std::string(rows.value().text(i, 2))});
  }
  return out;
}

Result<std::vector<DeliveryAttempt>> readDeliveryAttempts(Connection& db, const std::string& ec,
                                                          std::int64_t delivery_id) {
  auto rows = db.query(std::string(kDeliveryAttemptsSelect) +
                           " WHERE a.delivery_id = $2 AND o.ec = $1 ORDER BY a.id",
                       Params().add(ec).add(delivery_id), "list delivery attempts");
  if (!rows) return rows.error();
  std::vector<DeliveryAttempt> out;
  for (int i = 0; i < rows.value().size(); ++i) {
    out.push_back(DeliveryAttempt{static_cast<int>(rows.value().int64(i, 0)),
                                  rows.value().int64(i, 1),
                                  deliveryAttemptOutcome(rows.value().text(i, 2)),
                                  std::string(rows.value().text(i, 3))});
  }
  return out;
}

Result<std::optional<CartRecord>> readCart(Connection& db, const std::string& id) {
  // One round trip: the cart's columns repeat on each of its notice rows.
  auto rows = db.query(
      "SELECT c.caller, c.created_ms, c.email, c.checkout_url, n.ec, n.nav, n.amount_cents,"
      " n.description, (SELECT min(a.at_ms) FROM payment_attempts a"
      "  WHERE a.payment_note = n.cart_id AND a.ec = n.ec AND a.nav = n.nav)"
      " FROM carts c LEFT JOIN cart_notices n ON n.cart_id = c.id WHERE c.id = $1"
      " ORDER BY n.position",
      Params().add(id), "read cart " + id);
  if (!rows) return rows.error();
  const Rows& r = rows.value();
  if (r.size() == 0) return std::optional<CartRecord>();
  CartRecord cart;
  cart.id = id;
  cart.caller = r.text(0, 0);
  cart.created_unix_ms = r.int64(0, 1);
  cart.email = r.text(0, 2);
  cart.checkout_url = r.text(0, 3);
  for (int i = 0; i < r.size(); ++i) {
    if (r.isNull(i, 5)) continue;  // a cart without notice rows
    CartNoticeRecord n;
    n.ec = r.text(i, 4);
    n.nav = r.text(i, 5);
    n.amount_cents = r.int64(i, 6);
    n.description = r.text(i, 7);
    n.tied_unix_ms = r.int64(i, 8);  // 0 when NULL: never tied
    cart.notices.push_back(std::move(n));
  }
  return std::optional<CartRecord>(std::move(cart));
}

Result<std::vector<AuditEntry>> readAudit(Connection& db, const AuditFilter& f) {
  auto rows = db.query(
      "SELECT at_ms, operation, ec, notice, outcome, client_subject, latency_us FROM audit"
      " WHERE ($1::text = '' OR ec = $1) AND ($2::text = '' OR notice = $2)"
      " AND at_ms >= $3 AND at_ms < $4 ORDER BY at_ms DESC, id DESC LIMIT $5",
      Params()
          .add(f.ec)
          .add(f.notice)
          .add(f.from_unix_ms)
          .add(f.to_unix_ms)
          .add(std::int64_t{f.limit}),
      "list the audit journal");
  if (!rows) return rows.error();
  std::vector<AuditEntry> out;
  const Rows& r = rows.value();
  for (int i = 0; i < r.size(); ++i) {
    AuditEntry e;
    e.at_unix_ms = r.int64(i, 0);
    e.operation = r.text(i, 1);
    e.ec = r.text(i, 2);
    e.notice = r.text(i, 3);
    e.outcome = r.text(i, 4);
    e.client_subject = r.text(i, 5);
    e.latency_us = r.int64(i, 6);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace ponte::store::pg
