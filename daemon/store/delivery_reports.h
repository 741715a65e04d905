// A worker's batch of delivery reports, and a delivery's history, the same way in both engines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace ponte::store {

// A delivery's history (table delivery_attempts, only of a delivery of the EC given as the
// first parameter), to be completed with the engine's WHERE on a.delivery_id and o.ec.
inline constexpr std::string_view kDeliveryAttemptsSelect =
    "SELECT a.attempt, a.at_ms, a.outcome, a.error FROM delivery_attempts a"
    " JOIN outbox o ON o.id = a.delivery_id";

// The outcome names stored in delivery_attempts.outcome.
inline std::string_view deliveryAttemptOutcomeName(DeliveryAttempt::Outcome outcome) {
  switch (outcome) {
    case DeliveryAttempt::Outcome::kRetry:
      return "retry";
    case DeliveryAttempt::Outcome::kDead:
      return "dead";
    case DeliveryAttempt::Outcome::kReplayed:
      return "replayed";
  }
  return "retry";
}

inline DeliveryAttempt::Outcome deliveryAttemptOutcome(std::string_view name) {
  if (name == "dead") return DeliveryAttempt::Outcome::kDead;
  if (name == "replayed") return DeliveryAttempt::Outcome::kReplayed;
  return DeliveryAttempt::Outcome::kRetry;
}

// Writes each outcome with the engine's `write_one` in the caller's transaction, skipping a
// delivery that is not pending in the EC (kNotFound); any other error ends the batch. Returns
// how many were recorded.
template <class Connection, class WriteOne>
Result<std::int64_t> writeDeliveryReports(Connection& db, const std::string& ec,
                                          const std::vector<DeliveryOutcome>& outcomes,
                                          WriteOne write_one) {
  std::int64_t recorded = 0;
  for (const auto& o : outcomes) {
    auto r = write_one(db, ec, o.delivery_id, o.report);
    if (r) {
      ++recorded;
    } else if (r.error().kind != ErrorKind::kNotFound) {
      return r.error();
    }
  }
  return recorded;
}

}  // namespace ponte::store
