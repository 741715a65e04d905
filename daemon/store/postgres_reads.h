// The SQL of each read of the PostgreSQL engine, as prepared statements on a pooled connection.
// Each read is one statement in autocommit, so it never holds a lock or snapshot after return.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/postgres_connection.h"
#include "store/store.h"

namespace ponte::store::pg {

inline constexpr int kMaxPageSize = 1000;

// Store::findByNotice: one round trip. kFatal when the stored document is unreadable or out of
// step with the notice index.
Result<std::optional<NoticeMatch>> readByNotice(Connection& db, const std::string& ec,
                                                const std::string& nav);

// Store::getPosition.
Result<std::optional<core::DebtPosition>> readPosition(Connection& db, const std::string& ec,
                                                       const std::string& iupd);

// Store::listPositions, ordered by creation (row id). kInvalid for page < 0 or a limit outside
// 1..kMaxPageSize.
Result<std::vector<core::DebtPosition>> readPositions(Connection& db, const std::string& ec,
                                                      const PositionFilter& filter);

// Store::countMatchingPositions: one count(*) with the filter of readPositions.
Result<std::int64_t> readMatchingPositionCount(Connection& db, const std::string& ec,
                                               const PositionFilter& filter);

// Store::listReceiptsByNotice, through the (ec, notice_number) index, in the order received.
Result<std::vector<StoredReceipt>> readReceiptsByNotice(Connection& db, const std::string& ec,
                                                        const std::string& nav);

// Store::listPausedRoutes, by route name.
Result<std::vector<PausedRoute>> readPausedRoutes(Connection& db);

// Store::countDeliveries.
Result<std::optional<Delivery>> readDelivery(Connection& db, const std::string& ec,
                                             std::int64_t id);
Result<std::int64_t> readDeliveryCount(Connection& db, const std::string& ec, DeliveryState state);

// Store::listDeliveryAttempts.
Result<std::vector<DeliveryAttempt>> readDeliveryAttempts(Connection& db, const std::string& ec,
                                                          std::int64_t delivery_id);

// Store::listReceipts: received_at in [from, to), ordered by received_at then row id.
Result<std::vector<StoredReceipt>> readReceipts(Connection& db, const std::string& ec,
                                                std::int64_t from_unix_ms, std::int64_t to_unix_ms);

// Store::listDeliveries. kInvalid for a limit outside 1..kMaxPageSize.
Result<std::vector<Delivery>> readDeliveries(Connection& db, const std::string& ec,
                                             DeliveryState state, std::int64_t after_id, int limit);

// Store::countPositions.
Result<std::int64_t> readPositionCount(Connection& db);

// Store::getCart, each notice's tied_unix_ms from the first payment attempt carrying the cart id.
Result<std::optional<CartRecord>> readCart(Connection& db, const std::string& id);

// Store::listAudit.
Result<std::vector<AuditEntry>> readAudit(Connection& db, const AuditFilter& filter);

// The outbox state names stored in the outbox table: 'pending', 'delivered', 'dead'.
std::string_view deliveryStateName(DeliveryState state);

// The select list and FROM clause shared by the reads of deliveries: outbox `d` joined with its
// receipt `r`; deliveryFromRow reads a row of it.
extern const char* const kDeliveryColumns;
Result<Delivery> deliveryFromRow(const Rows& rows, int row, const std::string& ec);

}  // namespace ponte::store::pg
