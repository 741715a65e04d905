// The SQL of each write of the PostgreSQL engine. Every function runs inside a transaction the
// caller opened (or in autocommit when it is one statement) and never commits; all of them are
// safe against other ponte instances writing the same database at the same time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/postgres_connection.h"
#include "store/store.h"

namespace ponte::store::pg {

// Creates or replaces the position by (ec, iupd) and rewrites its notice index, with the rules
// of Store::upsertPosition. The position row is locked first, so concurrent replacements of one
// position take turns; a notice number or IUV taken meanwhile by another instance's position
// fails with kConflict (SQLSTATE 23505), which aborts the caller's transaction.
Result<UpsertOutcome> writePosition(Connection& db, const core::DebtPosition& position,
                                    bool must_create = false);

// Store::deletePosition: locks the position row, checks its status and deletes it (its notice
// index by cascade) in the caller's transaction. kNotFound, or kConflict for another status.
Result<Done> removePosition(Connection& db, const std::string& ec, const std::string& iupd,
                            core::PositionStatus only_if);

// Stores a receipt as described by Store::commitReceipt, with one pending outbox row per
// distinct route. The position is locked before the receipt is inserted with ON CONFLICT DO
// NOTHING: an instance committing the same receipt at the same time waits, then finds it and
// answers kDuplicate without writing. kInvalid for an empty ec, receipt id or route.
Result<ReceiptOutcome> writeReceipt(Connection& db, const ReceiptWrite& write);

// Increments the (ec, name) counter, starting at 1, and returns the new value. The counter row
// stays locked until the caller's transaction ends, so no value is handed out twice.
Result<std::uint64_t> nextSequenceValue(Connection& db, const std::string& ec,
                                        const std::string& name);

// Store::claimDeliveries as one statement: due rows are locked with FOR UPDATE SKIP LOCKED, so
// concurrent claims (other instances) skip each other's rows instead of waiting or overlapping.
// Rows of a paused route are not taken, nor walked: each live route's due rows come from its own
// range of the claim index.
Result<std::vector<Delivery>> claimDeliveries(Connection& db, const std::string& ec,
                                              std::int64_t now_unix_ms,
                                              std::int64_t lease_until_unix_ms, int limit);

// Store::reportDelivery. kNotFound when no pending delivery `id` exists in the EC.
Result<Done> writeDeliveryReport(Connection& db, const std::string& ec, std::int64_t id,
                                 const DeliveryReport& report);

// Store::replayDeliveries: dead -> pending, attempts reset. Returns the number revived.
Result<std::int64_t> reviveDeliveries(Connection& db, const std::string& ec,
                                      std::optional<std::int64_t> id, std::int64_t now_unix_ms);

// Store::pauseRoute (an upsert keeping the first pause's time) and Store::resumeRoute (true
// when the route was paused).
Result<Done> writeRoutePause(Connection& db, const std::string& route, const std::string& reason,
                             std::int64_t at_unix_ms);
Result<bool> removeRoutePause(Connection& db, const std::string& route);

// Store::createCart: the cart row and its notice rows, in the caller's transaction. kConflict
// when the id is taken (also by another instance at the same moment), kInvalid for an empty id
// or a cart without notices.
Result<Done> writeCart(Connection& db, const CartRecord& cart);

struct PaymentAttempt {
  std::string ec;
  std::string nav;
  std::string payment_note;
  std::int64_t at_unix_ms = 0;
};

// Appends payment attempts and audit entries, one statement per table.
Result<Done> writeSideRecords(Connection& db, const std::vector<PaymentAttempt>& attempts,
                              const std::vector<AuditEntry>& audit);

// Deletes the audit rows older than before_unix_ms; returns how many.
Result<std::int64_t> deleteAuditBefore(Connection& db, std::int64_t before_unix_ms);

}  // namespace ponte::store::pg
