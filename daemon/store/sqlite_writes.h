// The SQL of each write of the SQLite engine. Each function runs on the writer connection inside
// a transaction (and savepoint) opened by the caller; none commits.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "store/sqlite_connection.h"
#include "store/store.h"

namespace ponte::store::sqlite {

// Creates or replaces the position by (ec, iupd) and rewrites its notice index rows.
// kInvalid: empty ec/iupd/nav/iuv, or two options of the position share a notice number or IUV.
// kConflict: a notice number or IUV belongs to another position of the EC; the replacement would
// drop an option that is paid or turn it back to unpaid (a payment is never forgotten by an
// upsert); or must_create and the iupd exists. Nothing is written on error, except what the
// caller's savepoint rolls back.
Result<UpsertOutcome> writePosition(Connection& db, const core::DebtPosition& position,
                                    bool must_create = false);

// Store::deletePosition: the position row and its notice index rows. kNotFound when the EC has
// no such position, kConflict when its status is not only_if.
Result<Done> removePosition(Connection& db, const std::string& ec, const std::string& iupd,
                            core::PositionStatus only_if);

// Stores a receipt as described by Store::commitReceipt, with its distinct routes in
// receipts.ledger_routes: its outbox rows are written by queueDeliveries, after this
// transaction. kInvalid for an empty ec or receipt_id; kFatal when the matched position's document
// is unreadable.
Result<ReceiptOutcome> writeReceipt(Connection& db, const ReceiptWrite& write);

// Increments the (ec, name) counter, starting at 1, and returns the new value.
Result<std::uint64_t> nextSequenceValue(Connection& db, const std::string& ec,
                                        const std::string& name);

// Writes the pending outbox rows, one per route, of up to max_receipts receipts stored after the
// last queued one, oldest first, and moves outbox_queued past them. Returns how many receipts it
// went past (0: every delivery is queued).
Result<std::int64_t> queueDeliveries(Connection& db, int max_receipts);

// The writer's half of Store::claimDeliveries: leases up to `limit` due deliveries of the EC
// and returns their ids, oldest due first, after queueing the deliveries of up to `limit`
// receipts (the caller reads them once the lease is committed).
// Paused routes are skipped without walking their deliveries.
Result<std::vector<std::int64_t>> leaseDeliveries(Connection& db, const std::string& ec,
                                                  std::int64_t now_unix_ms,
                                                  std::int64_t lease_until_unix_ms, int limit);

// Store::reportDelivery. kNotFound when no pending delivery `id` exists in the EC.
Result<Done> writeDeliveryReport(Connection& db, const std::string& ec, std::int64_t id,
                                 const DeliveryReport& report);

// Store::pauseRoute: inserts the route's pause, or replaces the reason of an existing one.
Result<Done> writeRoutePause(Connection& db, const std::string& route, const std::string& reason,
                             std::int64_t at_unix_ms);

// Store::resumeRoute: false when the route was not paused.
Result<bool> removeRoutePause(Connection& db, const std::string& route);

// Store::replayDeliveries: dead -> pending, attempts reset. Returns the number of rows revived.
Result<std::int64_t> reviveDeliveries(Connection& db, const std::string& ec,
                                      std::optional<std::int64_t> id, std::int64_t now_unix_ms);

// Appends one payment attempt row.
Result<Done> writePaymentAttempt(Connection& db, const std::string& ec, const std::string& nav,
                                 const std::string& payment_note, std::int64_t at_unix_ms);

// Store::createCart: the cart row and its notice rows. kConflict when the id is taken.
Result<Done> writeCart(Connection& db, const CartRecord& cart);

// Appends one audit journal row.
Result<Done> writeAuditEntry(Connection& db, const AuditEntry& entry);

// Deletes the audit rows older than before_unix_ms; returns how many.
Result<std::int64_t> deleteAuditBefore(Connection& db, std::int64_t before_unix_ms);

}  // namespace ponte::store::sqlite
