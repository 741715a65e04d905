// A worker's batch of delivery reports, written the same way by both engines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace ponte::store {

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
