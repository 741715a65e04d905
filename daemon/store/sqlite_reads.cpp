// Read statements of the SQLite engine.
#include "store/sqlite_reads.h"

#include <sqlite3.h>

#include "store/delivery_reports.h"
#include "store/position_codec.h"

namespace ponte::store::sqlite {
namespace {

// The receipt columns shared by listReceipts and the deliveries, in this order.
constexpr const char* kReceiptColumns =
    "r.id, r.receipt_id, r.notice_number, r.iuv, r.amount_cents, r.received_at_ms,"
    " r.payment_date_time, r.psp, r.double_payment, r.unmatched, r.v2, r.raw_xml, r.parsed";

StoredReceipt receiptFromRow(const Statement& s, int first, const std::string& ec) {
  StoredReceipt r;
  r.id = s.columnInt64(first);
  r.ec_fiscal_code = ec;
  r.receipt_id = s.columnText(first + 1);
  r.notice_number = s.columnText(first + 2);
  r.iuv = s.columnText(first + 3);
  r.amount_cents = s.columnInt64(first + 4);
  r.received_at_unix_ms = s.columnInt64(first + 5);
  r.payment_date_time = s.columnText(first + 6);
  r.psp = s.columnText(first + 7);
  r.double_payment = s.columnInt64(first + 8) != 0;
  r.unmatched = s.columnInt64(first + 9) != 0;
  r.v2 = s.columnInt64(first + 10) != 0;
  r.raw_xml = s.columnText(first + 11);
  r.receipt_json = s.columnText(first + 12);
  return r;
}

// The WHERE clause of a position filter, with parameters ?1..?5. The text depends only on which
// filters are set, so at most 16 variants end up in each connection's statement cache.
std::string positionWhere(const PositionFilter& filter) {
  std::string sql = "ec = ?1";
  if (filter.status) sql += " AND status = ?2";
  if (!filter.debtor_fiscal_code.empty()) sql += " AND debtor_fiscal_code = ?3";
  if (filter.due_from || filter.due_to) {
    sql += " AND EXISTS (SELECT 1 FROM payment_options o WHERE o.position_id = p.id";
    if (filter.due_from) sql += " AND o.due_date >= ?4";
    if (filter.due_to) sql += " AND o.due_date <= ?5";
    sql += ")";
  }
  return sql;
}

void bindPositionFilter(Statement& s, const std::string& ec, const PositionFilter& filter) {
  s.bind(1, ec);
  if (filter.status) s.bind(2, core::toString(*filter.status));
  if (!filter.debtor_fiscal_code.empty()) s.bind(3, filter.debtor_fiscal_code);
  if (filter.due_from) s.bind(4, static_cast<std::int64_t>(filter.due_from->days()));
  if (filter.due_to) s.bind(5, static_cast<std::int64_t>(filter.due_to->days()));
}

std::string deliverySelect(const char* where) {
  return std::string(
             "SELECT d.id, d.route, d.state, d.attempts, d.next_attempt_ms, d.last_error,"
             " d.created_ms, coalesce(d.delivered_ms, 0), r.parsed, ") +
         kReceiptColumns + " FROM outbox d JOIN receipts r ON r.id = d.receipt_row WHERE " + where;
}

Result<Delivery> deliveryFromRow(const Statement& s, const std::string& ec) {
  Delivery d;
  d.id = s.columnInt64(0);
  d.ec_fiscal_code = ec;
  d.route = s.columnText(1);
  std::string_view state = s.columnText(2);
  if (state == "pending") {
    d.state = DeliveryState::kPending;
  } else if (state == "delivered") {
    d.state = DeliveryState::kDelivered;
  } else if (state == "dead") {
    d.state = DeliveryState::kDead;
  } else {
    return Error{ErrorKind::kFatal, "sqlite: outbox row " + std::to_string(d.id) +
                                        " has unknown state " + std::string(state)};
  }
  d.attempts = static_cast<int>(s.columnInt64(3));
  d.next_attempt_unix_ms = s.columnInt64(4);
  d.last_error = s.columnText(5);
  d.created_unix_ms = s.columnInt64(6);
  d.delivered_unix_ms = s.columnInt64(7);
  d.receipt_json = s.columnText(8);
  d.receipt = receiptFromRow(s, 9, ec);
  return d;
}

Error unreadable(std::int64_t id) {
  return Error{ErrorKind::kFatal,
               "sqlite: the document of position row " + std::to_string(id) + " is unreadable"};
}

}  // namespace

Result<std::optional<NoticeMatch>> readByNotice(Connection& db, const std::string& ec,
                                                const std::string& nav) {
  auto s = db.statement(
      "SELECT o.position_id, o.option_index, p.document FROM payment_options o"
      " JOIN positions p ON p.id = o.position_id WHERE o.ec = ?1 AND o.nav = ?2 AND p.ec = ?1");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec).bind(2, nav);
  int rc = use->step();
  if (rc == SQLITE_DONE) return std::optional<NoticeMatch>();
  if (rc != SQLITE_ROW) return db.error("find notice " + nav, rc);
  std::int64_t id = use->columnInt64(0);
  std::int64_t index = use->columnInt64(1);
  auto position = decodePosition(use->columnBlob(2));
  if (!position) return unreadable(id);
  if (index < 0 || static_cast<std::size_t>(index) >= position->options.size() ||
      position->options[static_cast<std::size_t>(index)].nav != nav) {
    return Error{ErrorKind::kFatal, "sqlite: position row " + std::to_string(id) +
                                        " is out of step with its notice index"};
  }
  return std::optional<NoticeMatch>(
      NoticeMatch{std::move(*position), static_cast<std::size_t>(index)});
}

Result<std::optional<core::DebtPosition>> readPosition(Connection& db, const std::string& ec,
                                                       const std::string& iupd) {
  auto s = db.statement("SELECT id, document FROM positions WHERE ec = ?1 AND iupd = ?2");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec).bind(2, iupd);
  int rc = use->step();
  if (rc == SQLITE_DONE) return std::optional<core::DebtPosition>();
  if (rc != SQLITE_ROW) return db.error("get position " + iupd, rc);
  auto position = decodePosition(use->columnBlob(1));
  if (!position) return unreadable(use->columnInt64(0));
  return std::optional<core::DebtPosition>(std::move(*position));
}

Result<std::vector<core::DebtPosition>> readPositions(Connection& db, const std::string& ec,
                                                      const PositionFilter& filter) {
  if (filter.page < 0) return Error{ErrorKind::kInvalid, "negative page"};
  if (filter.limit < 1 || filter.limit > kMaxPageSize) {
    return Error{ErrorKind::kInvalid, "page size must be 1.." + std::to_string(kMaxPageSize)};
  }
  auto s = db.statement("SELECT id, document FROM positions p WHERE " + positionWhere(filter) +
                        " ORDER BY id LIMIT ?6 OFFSET ?7");
  if (!s) return s.error();
  StatementUse use(*s.value());
  bindPositionFilter(*use, ec, filter);
  use->bind(6, static_cast<std::int64_t>(filter.limit))
      .bind(7, static_cast<std::int64_t>(filter.page) * filter.limit);
  std::vector<core::DebtPosition> out;
  int rc;
  while ((rc = use->step()) == SQLITE_ROW) {
    auto position = decodePosition(use->columnBlob(1));
    if (!position) return unreadable(use->columnInt64(0));
    out.push_back(std::move(*position));
  }
  if (rc != SQLITE_DONE) return db.error("list positions", rc);
  return out;
}

Result<std::vector<StoredReceipt>> readReceipts(Connection& db, const std::string& ec,
                                                std::int64_t from_unix_ms,
                                                std::int64_t to_unix_ms) {
  auto s = db.statement(std::string("SELECT ") + kReceiptColumns +
                        " FROM receipts r"
                        " WHERE r.ec = ?1 AND r.received_at_ms >= ?2 AND r.received_at_ms < ?3"
                        " ORDER BY r.received_at_ms, r.id");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec).bind(2, from_unix_ms).bind(3, to_unix_ms);
  std::vector<StoredReceipt> out;
  int rc;
  while ((rc = use->step()) == SQLITE_ROW) out.push_back(receiptFromRow(*use, 0, ec));
  if (rc != SQLITE_DONE) return db.error("list receipts", rc);
  return out;
}

Result<std::int64_t> readMatchingPositionCount(Connection& db, const std::string& ec,
                                               const PositionFilter& filter) {
  auto s = db.statement("SELECT count(*) FROM positions p WHERE " + positionWhere(filter));
  if (!s) return s.error();
  StatementUse use(*s.value());
  bindPositionFilter(*use, ec, filter);
  int rc = use->step();
  if (rc != SQLITE_ROW) return db.error("count positions", rc);
  return use->columnInt64(0);
}

Result<std::vector<StoredReceipt>> readReceiptsByNotice(Connection& db, const std::string& ec,
                                                        const std::string& nav) {
  auto s = db.statement(std::string("SELECT ") + kReceiptColumns +
                        " FROM receipts r WHERE r.ec = ?1 AND r.notice_number = ?2"
                        " ORDER BY r.received_at_ms, r.id");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec).bind(2, nav);
  std::vector<StoredReceipt> out;
  int rc;
  while ((rc = use->step()) == SQLITE_ROW) out.push_back(receiptFromRow(*use, 0, ec));
  if (rc != SQLITE_DONE) return db.error("list receipts of notice " + nav, rc);
  return out;
}

Result<std::vector<AuditEntry>> readAudit(Connection& db, const AuditFilter& f) {
  // Empty filter values match everything. SQLite walks the time index (audit_at) backwards from
  // the end of the range and filters the EC and notice on the way.
  auto s = db.statement(
      "SELECT at_ms, operation, ec, notice, outcome, client_subject, latency_us FROM audit"
      " WHERE (?1 = '' OR ec = ?1) AND (?2 = '' OR notice = ?2) AND at_ms >= ?3 AND at_ms < ?4"
      " ORDER BY at_ms DESC, id DESC LIMIT ?5");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, f.ec)
      .bind(2, f.notice)
      .bind(3, f.from_unix_ms)
      .bind(4, f.to_unix_ms)
      .bind(5, std::int64_t{f.limit});
  std::vector<AuditEntry> out;
  int rc;
  while ((rc = use->step()) == SQLITE_ROW) {
    AuditEntry e;
    e.at_unix_ms = use->columnInt64(0);
    e.operation = use->columnText(1);
    e.ec = use->columnText(2);
    e.notice = use->columnText(3);
    e.outcome = use->columnText(4);
    e.client_subject = use->columnText(5);
    e.latency_us = use->columnInt64(6);
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return db.error("list the audit journal", rc);
  return out;
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

namespace {

// `<table>.state = '<state>'`, for queries that must use the state's partial index.
std::string stateIs(DeliveryState state, std::string_view table = "d") {
  return std::string(table) + ".state = '" + std::string(deliveryStateName(state)) + "'";
}

}  // namespace

Result<std::vector<Delivery>> readDeliveries(Connection& db, const std::string& ec,
                                             DeliveryState state, std::int64_t after_id,
                                             int limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    return Error{ErrorKind::kInvalid, "page size must be 1.." + std::to_string(kMaxPageSize)};
  }
  // The page's ids first, from the index alone, then their rows and receipts. The state is
  // written into the query: SQLite uses a partial index (pending, dead) only when the query names
  // the index's state. Pending ids come from the claim index, sorted (a sorter that keeps only
  // the page); dead ones from their own index; delivered ones from the table, in id order.
  auto s = db.statement(deliverySelect(
      ("d.id IN (SELECT k.id FROM outbox k WHERE k.ec = ?1 AND " + stateIs(state, "k") +
       " AND k.id > ?2 ORDER BY k.id LIMIT ?3) ORDER BY d.id")
          .c_str()));
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec).bind(2, after_id).bind(3, std::int64_t{limit});
  std::vector<Delivery> out;
  int rc;
  while ((rc = use->step()) == SQLITE_ROW) {
    auto d = deliveryFromRow(*use, ec);
    if (!d) return d.error();
    out.push_back(std::move(d.value()));
  }
  if (rc != SQLITE_DONE) return db.error("list deliveries", rc);
  return out;
}

Result<bool> readReceiptsToQueue(Connection& db) {
  auto s = db.statement(
      "SELECT EXISTS (SELECT 1 FROM receipts WHERE id > (SELECT receipt_row FROM outbox_queued))");
  if (!s) return s.error();
  StatementUse use(*s.value());
  if (int rc = use->step(); rc != SQLITE_ROW) return db.error("look for receipts to queue", rc);
  return use->columnInt64(0) != 0;
}

Result<std::int64_t> readDeliveryCount(Connection& db, const std::string& ec, DeliveryState state) {
  auto s = db.statement("SELECT count(*) FROM outbox d WHERE d.ec = ?1 AND " + stateIs(state));
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec);
  if (int rc = use->step(); rc != SQLITE_ROW) return db.error("count deliveries", rc);
  return use->columnInt64(0);
}

Result<std::vector<PausedRoute>> readPausedRoutes(Connection& db) {
  auto s = db.statement("SELECT route, paused_ms, reason FROM paused_routes ORDER BY route");
  if (!s) return s.error();
  StatementUse use(*s.value());
  std::vector<PausedRoute> out;
  int rc;
  while ((rc = use->step()) == SQLITE_ROW) {
    out.push_back(PausedRoute{std::string(use->columnText(0)), use->columnInt64(1),
                              std::string(use->columnText(2))});
  }
  if (rc != SQLITE_DONE) return db.error("list paused routes", rc);
  return out;
}

Result<std::vector<DeliveryAttempt>> readDeliveryAttempts(Connection& db, const std::string& ec,
                                                          std::int64_t delivery_id) {
  auto s = db.statement(std::string(kDeliveryAttemptsSelect) +
                        " WHERE a.delivery_id = ?2 AND o.ec = ?1 ORDER BY a.id");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec).bind(2, delivery_id);
  std::vector<DeliveryAttempt> out;
  int rc;
  while ((rc = use->step()) == SQLITE_ROW) {
    out.push_back(DeliveryAttempt{static_cast<int>(use->columnInt64(0)), use->columnInt64(1),
                                  deliveryAttemptOutcome(use->columnText(2)),
                                  std::string(use->columnText(3))});
  }
  if (rc != SQLITE_DONE) return db.error("list delivery attempts", rc);
  return out;
}

Result<std::optional<Delivery>> readDelivery(Connection& db, const std::string& ec,
                                             std::int64_t id) {
  auto s = db.statement(deliverySelect("d.ec = ?1 AND d.id = ?2"));
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, ec).bind(2, id);
  int rc = use->step();
  if (rc == SQLITE_DONE) return std::optional<Delivery>();
  if (rc != SQLITE_ROW) return db.error("read delivery", rc);
  auto d = deliveryFromRow(*use, ec);
  if (!d) return d.error();
  return std::optional<Delivery>(std::move(d.value()));
}

Result<std::optional<CartRecord>> readCart(Connection& db, const std::string& id) {
  CartRecord cart;
  {
    auto s = db.statement("SELECT caller, created_ms, email, checkout_url FROM carts WHERE id = ?1");
    if (!s) return s.error();
    StatementUse use(*s.value());
    use->bind(1, id);
    const int rc = use->step();
    if (rc == SQLITE_DONE) return std::optional<CartRecord>();
    if (rc != SQLITE_ROW) return db.error("read cart " + id, rc);
    cart.id = id;
    cart.caller = std::string(use->columnText(0));
    cart.created_unix_ms = use->columnInt64(1);
    cart.email = std::string(use->columnText(2));
    cart.checkout_url = std::string(use->columnText(3));
  }
  // The tie is the first paGetPayment of the notice, in its EC, that carried the cart id.
  auto s = db.statement(
      "SELECT n.ec, n.nav, n.amount_cents, n.description,"
      " (SELECT min(a.at_ms) FROM payment_attempts a"
      "   WHERE a.payment_note = n.cart_id AND a.ec = n.ec AND a.nav = n.nav)"
      " FROM cart_notices n WHERE n.cart_id = ?1 ORDER BY n.position");
  if (!s) return s.error();
  StatementUse use(*s.value());
  use->bind(1, id);
  int rc;
  while ((rc = use->step()) == SQLITE_ROW) {
    CartNoticeRecord n;
    n.ec = std::string(use->columnText(0));
    n.nav = std::string(use->columnText(1));
    n.amount_cents = use->columnInt64(2);
    n.description = std::string(use->columnText(3));
    n.tied_unix_ms = use->columnIsNull(4) ? 0 : use->columnInt64(4);
    cart.notices.push_back(std::move(n));
  }
  if (rc != SQLITE_DONE) return db.error("read notices of cart " + id, rc);
  return std::optional<CartRecord>(std::move(cart));
}

Result<std::int64_t> readPositionCount(Connection& db) {
  auto s = db.statement("SELECT count(*) FROM positions");
  if (!s) return s.error();
  StatementUse use(*s.value());
  int rc = use->step();
  if (rc != SQLITE_ROW) return db.error("count positions", rc);
  return use->columnInt64(0);
}

}  // namespace ponte::store::sqlite
