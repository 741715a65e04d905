// The rules every storage engine applies to a position before writing it, whatever the engine.
#pragma once

#include "core/position.h"
#include "store/store.h"

namespace ponte::store {

// kInvalid unless the position names its EC and iupd, and each option has a notice number and
// an IUV that no other option of the position has.
Result<Done> validatePosition(const core::DebtPosition& position);

// A replacement may change a paid option's fields or move it to REPORTED, but not lose it: the
// receipt that paid it is a fact, and a stale copy from the back office must not undo it.
// kConflict when `next` would drop or unpay an option `stored` has paid.
Result<Done> keepsPayments(const core::DebtPosition& stored, const core::DebtPosition& next);

}  // namespace ponte::store
