// The one storage interface of ponte. Engines: SQLite (embedded default) and, later, PostgreSQL.
// Every call is scoped by the EC fiscal code: one municipality never reads another's rows.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/node_messages.h"
#include "core/position.h"

namespace ponte::store {

// What went wrong, and so what the caller should do.
enum class ErrorKind {
  kNotFound,     // no such row in this EC
  kConflict,     // a unique key is taken (iupd, IUV, notice number)
  kInvalid,      // the data breaks a rule of the store (too large, bad reference)
  kUnavailable,  // the database cannot be reached or is busy: retry later
  kFatal,        // corruption, a failed migration: stop
};

struct Error {
  ErrorKind kind = ErrorKind::kFatal;
  std::string message;  // for the log; never sent to a caller as is
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Done {};

// A position found by one of its notice numbers, with the index of the matching option.
struct NoticeMatch {
  core::DebtPosition position;
  std::size_t option_index = 0;
};

enum class UpsertOutcome { kCreated, kUpdated, kUnchanged };

// A receipt to commit, with where it must be forwarded.
struct ReceiptWrite {
  std::string ec_fiscal_code;  // idPA of the request: whose copy of the receipt this is
  core::Receipt receipt;
  bool v2 = false;
  std::string raw_xml;                     // the whole SOAP message as received
  std::int64_t received_at_unix_ms = 0;    // from the clock the caller was given
  std::vector<std::string> ledger_routes;  // one outbox delivery is committed per route
  // receiptToJson(receipt), stored with it. The stores fill it on the caller's thread when it is
  // empty, so that the writer thread, which every receipt waits for, does not build it.
  std::string receipt_json;
};

enum class ReceiptOutcome {
  kStored,         // new receipt, its option is now paid
  kDuplicate,      // the same (EC, receiptId) was already stored: nothing written
  kDoublePayment,  // a different receipt for an option already paid: stored and flagged
  kUnmatched,      // no such notice in this EC (stand-in, deleted): stored and flagged
};

struct StoredReceipt {
  std::int64_t id = 0;
  std::string ec_fiscal_code;
  std::string receipt_id;
  std::string notice_number;
  std::string iuv;
  std::int64_t amount_cents = 0;
  std::int64_t received_at_unix_ms = 0;
  std::string payment_date_time;
  std::string psp;
  bool double_payment = false;
  bool unmatched = false;
  bool v2 = false;
  std::string raw_xml;
  // The parsed receipt (store/receipt_json.h: receiptFromJson); empty when the engine did not
  // read it.
  std::string receipt_json;
};

// Where one delivery of a receipt to one ledger route (an outbox row) stands.
enum class DeliveryState { kPending, kDelivered, kDead };

// An outbox row with its receipt, as the outbox worker and the CLI see it.
struct Delivery {
  std::int64_t id = 0;
  std::string ec_fiscal_code;
  std::string route;  // the ledger route name, from ReceiptWrite::ledger_routes
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;                       // attempts claimed so far (reset by a replay)
  std::int64_t next_attempt_unix_ms = 0;  // pending: due at; while claimed: the lease's end
  std::string last_error;                 // of the last failed attempt, for the operator
  std::int64_t created_unix_ms = 0;       // the receipt's received_at
  std::int64_t delivered_unix_ms = 0;     // 0 until delivered
  StoredReceipt receipt;
  std::string receipt_json;  // the parsed receipt (store/receipt_json.h: receiptFromJson)
};

// A ledger route whose deliveries are held: paused by an operator, or by the outbox worker when
// the ledger answered FATAL.
struct PausedRoute {
  std::string route;
  std::int64_t paused_unix_ms = 0;
  std::string reason;
};

// What one delivery attempt came to, reported by the outbox worker.
struct DeliveryReport {
  bool delivered = false;
  std::int64_t at_unix_ms = 0;
  std::string error;                             // failed: why (kept as last_error)
  std::optional<std::int64_t> retry_at_unix_ms;  // failed: when to retry; nullopt: dead letter
};

// One entry of a delivery's history: an attempt that did not deliver, or an operator's replay.
// (A delivered attempt is the Delivery's delivered_unix_ms; an attempt whose worker died before
// reporting shows only in Delivery::attempts.)
struct DeliveryAttempt {
  enum class Outcome { kRetry, kDead, kReplayed };
  int attempt = 0;  // the delivery's attempt count when recorded (a replay restarts it at 0)
  std::int64_t at_unix_ms = 0;
  Outcome outcome = Outcome::kRetry;
  std::string error;  // kRetry, kDead: the ledger's or the transport's answer
};

// What became of one claimed delivery.
struct DeliveryOutcome {
  std::int64_t delivery_id = 0;
  DeliveryReport report;
};

struct PositionFilter {
  std::optional<core::PositionStatus> status;
  std::optional<core::Date> due_from, due_to;
  std::string debtor_fiscal_code;
  int page = 0;
  int limit = 50;
};

// One node interaction, for the audit journal.
struct AuditEntry {
  std::int64_t at_unix_ms = 0;
  std::string operation;  // "paVerifyPaymentNotice", ...
  std::string ec;         // idPA as sent (may be an EC ponte does not serve)
  std::string notice;     // notice number, or "-"
  std::string outcome;    // "OK" or the PAA_* fault code
  std::string client_subject;  // the client certificate's subject
  std::int64_t latency_us = 0;
  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

struct AuditFilter {
  std::string ec;      // empty: every EC
  std::string notice;  // empty: every notice
  std::int64_t from_unix_ms = 0;
  std::int64_t to_unix_ms = INT64_MAX;  // exclusive
  int limit = 1000;                     // newest first, at most this many (1..100000)
};

// One notice of a portal's cart (pagoPA Checkout) as recorded.
struct CartNoticeRecord {
  std::string ec;   // fiscal code of the EC
  std::string nav;  // notice number
  std::int64_t amount_cents = 0;  // the amount due when the cart was made
  std::string description;
  // Filled by getCart: when the node first asked for the notice's payment data (paGetPayment)
  // with the cart id in paymentNote; 0 when it has not.
  std::int64_t tied_unix_ms = 0;
  friend bool operator==(const CartNoticeRecord&, const CartNoticeRecord&) = default;
};

// A cart sent to pagoPA Checkout for a portal.
struct CartRecord {
  std::string id;            // ponte's cart id, sent to Checkout as idCart
  std::string caller;        // the API caller that made it (for the log and the audit)
  std::int64_t created_unix_ms = 0;
  std::string email;         // the payer's e-mail for the notice of payment; may be empty
  std::string checkout_url;  // where Checkout sends the browser
  std::vector<CartNoticeRecord> notices;  // 1..5, in the order asked
  friend bool operator==(const CartRecord&, const CartRecord&) = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- reads: synchronous, thread-safe, fast (called from event loops) ---

  // Between beginSharedReads() and endSharedReads() on one thread, that thread's reads may share
  // one snapshot of the store instead of taking one each. A read still sees every write this
  // process committed before the read began (the snapshot is renewed after each commit); writes
  // of other processes (the CLI) are seen as of the snapshot's start. For a thread that ends
  // sharing soon, such as an event loop at the end of its turn: a SQLite snapshot held open
  // keeps the WAL from being checkpointed past it. Engines with nothing to save ignore both.
  virtual void beginSharedReads() {}
  virtual void endSharedReads() {}

  // The position holding the option with this notice number, in this EC.
  virtual Result<std::optional<NoticeMatch>> findByNotice(const std::string& ec,
                                                          const std::string& nav) = 0;
  virtual Result<std::optional<core::DebtPosition>> getPosition(const std::string& ec,
                                                                const std::string& iupd) = 0;
  virtual Result<std::vector<core::DebtPosition>> listPositions(const std::string& ec,
                                                                const PositionFilter& filter) = 0;
  virtual Result<std::vector<StoredReceipt>> listReceipts(const std::string& ec,
                                                          std::int64_t from_unix_ms,
                                                          std::int64_t to_unix_ms) = 0;
  virtual Result<std::int64_t> countPositions() = 0;

  // --- back office (the API) ---

  // How many positions of the EC the filter matches (its page and limit are ignored). The
  // default pages through listPositions; engines answer it with one query.
  virtual Result<std::int64_t> countMatchingPositions(const std::string& ec,
                                                      const PositionFilter& filter);

  // Every receipt of the EC for this notice number, in the order received (a double payment
  // leaves more than one). The default scans listReceipts; engines use their index.
  virtual Result<std::vector<StoredReceipt>> listReceiptsByNotice(const std::string& ec,
                                                                  const std::string& nav);

  // upsertPosition that only creates: kConflict when the EC already has a position with this
  // iupd, checked in the same transaction as the insert. The default checks, then upserts, so
  // two concurrent creations of one iupd may both succeed there; engines do it atomically.
  virtual Result<UpsertOutcome> createPosition(const core::DebtPosition& position);

  // Deletes the EC's position `iupd` and its notice index, only while its status is `only_if`
  // (checked in the same transaction, so a receipt cannot slip in between). kNotFound when there
  // is no such position, kConflict when its status is another. Receipts are never deleted. The
  // default answers kInvalid: an engine offers deletion only by implementing it.
  virtual Result<Done> deletePosition(const std::string& ec, const std::string& iupd,
                                      core::PositionStatus only_if);

  // --- writes ---

  // Creates or replaces a position by (EC, iupd). kConflict when one of its IUVs or notice
  // numbers belongs to another position of the EC. Synchronous: for the CLI and the API.
  // Also kConflict when the replacement would drop a paid option or mark it unpaid again (the
  // receipt that paid it is a fact; a stale copy must not undo it); kInvalid for an empty EC,
  // iupd, notice number or IUV, or a notice number or IUV repeated inside the position.
  virtual Result<UpsertOutcome> upsertPosition(const core::DebtPosition& position) = 0;

  // upsertPosition for many positions (an import): one result per position, in order. Engines
  // may commit them together, so this is much faster than a loop; each position still succeeds
  // or fails on its own.
  virtual std::vector<Result<UpsertOutcome>> upsertPositions(
      const std::vector<core::DebtPosition>& positions) {
    std::vector<Result<UpsertOutcome>> out;
    out.reserve(positions.size());
    for (const auto& p : positions) out.push_back(upsertPosition(p));
    return out;
  }

  // Commits a receipt, the option and position status it implies and its outbox deliveries in
  // one durable transaction (fsync'd; SQLite commits the deliveries as the receipt's routes and
  // writes their outbox rows later, before any outbox call sees them), then calls `done` from a
  // store thread. Receipts arriving together may share one commit; none is reported before its
  // commit is durable.
  virtual void commitReceipt(ReceiptWrite write,
                             std::function<void(Result<ReceiptOutcome>)> done) = 0;

  // Records that the node asked for the payment data of a notice (paGetPayment), with the cart
  // id when given. Not durable by itself, never changes a position; may be batched.
  virtual void recordPaymentAttempt(const std::string& ec, const std::string& nav,
                                    const std::string& payment_note, std::int64_t at_unix_ms) = 0;

  // Creates a spontaneous position: allocates the next value of the durable per-EC counter
  // `counter` (never the same value twice, even across restarts), builds the position with
  // make(value) and commits both in one transaction, then calls `done` from a store thread with
  // the position as stored. kConflict when make's notice number or IUV is taken.
  virtual void createWithSequence(const std::string& ec, const std::string& counter,
                                  std::function<core::DebtPosition(std::uint64_t)> make,
                                  std::function<void(Result<core::DebtPosition>)> done) = 0;

  // --- portal carts ---
  // The defaults answer kInvalid: an engine offers carts by implementing both.

  // Records a cart durably (synchronous). kConflict when the id is taken; kInvalid for an empty
  // id or a cart without notices.
  virtual Result<Done> createCart(const CartRecord& cart) {
    return Error{ErrorKind::kInvalid, "this storage engine does not record carts (cart " +
                                          cart.id + ")"};
  }
  // The cart with this id, each notice's tied_unix_ms filled from the payment attempts that
  // carried the id as their payment note; nullopt when there is no such cart.
  virtual Result<std::optional<CartRecord>> getCart(const std::string& id) {
    return Error{ErrorKind::kInvalid, "this storage engine does not record carts (cart " + id +
                                          ")"};
  }

  // --- audit journal ---

  // Records one node interaction. Not durable by itself and never delays an answer: entries are
  // written in batches (and dropped, counted, when the writer falls far behind).
  virtual void recordAudit(AuditEntry entry) = 0;
  // Entries matching the filter, newest first.
  virtual Result<std::vector<AuditEntry>> listAudit(const AuditFilter& filter) = 0;
  // Deletes entries older than before_unix_ms (the retention); returns how many.
  virtual Result<std::int64_t> purgeAudit(std::int64_t before_unix_ms) = 0;

  // --- outbox: durable delivery of receipts to ledgers ---
  // A delivery is pending until reported delivered, or dead once the worker gives up; every
  // attempt is leased, so a worker that dies mid-delivery only delays it (at-least-once: the
  // ledger deduplicates on EC + receiptId + route).

  // Deliveries of the EC in `state` with id > after_id, by id, at most `limit` (1..1000;
  // else kInvalid). For the CLI, the API and tests.
  virtual Result<std::vector<Delivery>> listDeliveries(const std::string& ec, DeliveryState state,
                                                       std::int64_t after_id, int limit) = 0;

  // The EC's delivery with this id, if there is one (whatever its state).
  virtual Result<std::optional<Delivery>> getDelivery(const std::string& ec, std::int64_t id) = 0;

  // How many deliveries of the EC are in `state`. Pending and dead ones are counted in their
  // indexes, without reading a receipt; delivered ones, which no daemon counts, in the table.
  virtual Result<std::int64_t> countDeliveries(const std::string& ec, DeliveryState state) = 0;

  // Takes up to `limit` (1..1000) pending deliveries of the EC due at now_unix_ms, oldest due
  // first: counts one attempt on each and sets its next attempt to lease_until_unix_ms, so no
  // other claim returns it before then. Synchronous and durable. The returned rows carry the
  // updated attempts and lease.
  virtual Result<std::vector<Delivery>> claimDeliveries(const std::string& ec,
                                                        std::int64_t now_unix_ms,
                                                        std::int64_t lease_until_unix_ms,
                                                        int limit) = 0;

  // Records the results of attempts on pending deliveries of the EC (delivered, failed and due
  // again at retry_at, or dead), all in one durable transaction: a worker reports a claimed
  // batch at once. Returns how many were recorded; a delivery that is not pending in the EC
  // (any more) is skipped.
  virtual Result<std::int64_t> reportDeliveries(const std::string& ec,
                                                const std::vector<DeliveryOutcome>& outcomes) = 0;

  // One report. kNotFound when no such pending delivery exists in the EC.
  Result<Done> reportDelivery(const std::string& ec, std::int64_t delivery_id,
                              const DeliveryReport& report) {
    auto recorded = reportDeliveries(ec, {DeliveryOutcome{delivery_id, report}});
    if (!recorded) return recorded.error();
    if (recorded.value() == 0) {
      return Error{ErrorKind::kNotFound,
                   "no pending delivery " + std::to_string(delivery_id) + " in EC " + ec};
    }
    return Done{};
  }

  // An operator's replay: puts the EC's dead deliveries (all, or only delivery_id) back to
  // pending, due at now_unix_ms, with their attempt count reset. Returns how many.
  virtual Result<std::int64_t> replayDeliveries(const std::string& ec,
                                                std::optional<std::int64_t> delivery_id,
                                                std::int64_t now_unix_ms) = 0;

  // Holds every delivery to a ledger route, of every EC: claimDeliveries returns none of them
  // until resumeRoute. Pausing a paused route keeps its time and replaces its reason. Durable.
  // The default answers kInvalid: an engine offers pausing by implementing these three calls and
  // honouring them in claimDeliveries.
  virtual Result<Done> pauseRoute(const std::string& route, const std::string& reason,
                                  std::int64_t at_unix_ms) {
    return Error{ErrorKind::kInvalid, "this storage engine cannot pause ledger route " + route};
  }
  // Lets a paused route's deliveries be claimed again; false when it was not paused.
  virtual Result<bool> resumeRoute(const std::string& route) { return false; }
  // The paused routes, by name.
  virtual Result<std::vector<PausedRoute>> listPausedRoutes() {
    return std::vector<PausedRoute>{};
  }
  // The history of a delivery of the EC, oldest first: its failed attempts (recorded with each
  // report) and replays. Empty for another EC's delivery. The default has none to give.
  virtual Result<std::vector<DeliveryAttempt>> listDeliveryAttempts(const std::string& ec,
                                                                    std::int64_t delivery_id) {
    return std::vector<DeliveryAttempt>{};
  }
};

inline Result<std::int64_t> Store::countMatchingPositions(const std::string& ec,
                                                         const PositionFilter& filter) {
  PositionFilter page = filter;
  page.limit = 1000;
  std::int64_t count = 0;
  for (page.page = 0;; ++page.page) {
    auto rows = listPositions(ec, page);
    if (!rows) return rows.error();
    count += static_cast<std::int64_t>(rows.value().size());
    if (rows.value().size() < static_cast<std::size_t>(page.limit)) return count;
  }
}

inline Result<std::vector<StoredReceipt>> Store::listReceiptsByNotice(const std::string& ec,
                                                                      const std::string& nav) {
  auto all = listReceipts(ec, INT64_MIN, INT64_MAX);
  if (!all) return all.error();
  std::vector<StoredReceipt> out;
  for (auto& r : all.value()) {
    if (r.notice_number == nav) out.push_back(std::move(r));
  }
  return out;
}

inline Result<UpsertOutcome> Store::createPosition(const core::DebtPosition& position) {
  auto existing = getPosition(position.ec_fiscal_code, position.iupd);
  if (!existing) return existing.error();
  if (existing.value()) {
    return Error{ErrorKind::kConflict, "position " + position.iupd + " already exists in EC " +
                                           position.ec_fiscal_code};
  }
  return upsertPosition(position);
}

inline Result<Done> Store::deletePosition(const std::string& ec, const std::string& iupd,
                                          core::PositionStatus) {
  return Error{ErrorKind::kInvalid,
               "this storage engine does not delete positions (position " + iupd + " of EC " +
                   ec + " is kept)"};
}

}  // namespace ponte::store
