// The SQL of each read of the SQLite engine, on whatever connection the calling thread owns.
// Every statement is reset before returning, so no read snapshot outlives the call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite_connection.h"
#include "store/store.h"

namespace ponte::store::sqlite {

// Store::findByNotice. kFatal when the stored document is unreadable or out of step with the
// notice index.
Result<std::optional<NoticeMatch>> readByNotice(Connection& db, const std::string& ec,
                                                const std::string& nav);

// Store::getPosition.
Result<std::optional<core::DebtPosition>> readPosition(Connection& db, const std::string& ec,
                                                       const std::string& iupd);

// Store::listPositions: ordered by creation (row id); due_from/due_to keep positions with at
// least one option due inside the inclusive range. kInvalid for page < 0 or limit outside
// 1..kMaxPageSize.
inline constexpr int kMaxPageSize = 1000;
Result<std::vector<core::DebtPosition>> readPositions(Connection& db, const std::string& ec,
                                                      const PositionFilter& filter);

// Store::listReceipts: received_at in [from, to), ordered by received_at then row id.
Result<std::vector<StoredReceipt>> readReceipts(Connection& db, const std::string& ec,
                                                std::int64_t from_unix_ms, std::int64_t to_unix_ms);

// Store::countMatchingPositions.
Result<std::int64_t> readMatchingPositionCount(Connection& db, const std::string& ec,
                                               const PositionFilter& filter);

// Store::listReceiptsByNotice: by received_at then row id.
Result<std::vector<StoredReceipt>> readReceiptsByNotice(Connection& db, const std::string& ec,
                                                        const std::string& nav);

// Store::listDeliveries. kInvalid for limit outside 1..kMaxPageSize.
Result<std::vector<Delivery>> readDeliveries(Connection& db, const std::string& ec,
                                             DeliveryState state, std::int64_t after_id, int limit);

// One outbox row of the EC with its receipt; nullopt when there is none.
Result<std::optional<Delivery>> readDelivery(Connection& db, const std::string& ec,
                                             std::int64_t id);

// Store::listPausedRoutes, by route name.
Result<std::vector<PausedRoute>> readPausedRoutes(Connection& db);

// Whether receipts were stored after the last one whose deliveries are queued
// (sqlite::queueDeliveries).
Result<bool> readReceiptsToQueue(Connection& db);

// Store::countDeliveries.
Result<std::int64_t> readDeliveryCount(Connection& db, const std::string& ec, DeliveryState state);

// Store::listDeliveryAttempts.
Result<std::vector<DeliveryAttempt>> readDeliveryAttempts(Connection& db, const std::string& ec,
                                                          std::int64_t delivery_id);

// The outbox state names stored in the outbox table: 'pending', 'delivered', 'dead'.
std::string_view deliveryStateName(DeliveryState state);

// Store::getCart, with each notice's first payment attempt under the cart id.
Result<std::optional<CartRecord>> readCart(Connection& db, const std::string& id);

// Store::countPositions.
Result<std::int64_t> readPositionCount(Connection& db);

// Store::listAudit.
Result<std::vector<AuditEntry>> readAudit(Connection& db, const AuditFilter& filter);

}  // namespace ponte::store::sqlite
