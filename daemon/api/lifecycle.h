// The GPD lifecycle of a debt position as the API drives it: DRAFT until published, PUBLISHED
// until its validity date, then VALID; INVALID when cancelled. Payments move it on (core).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "api/gpd_json.h"
#include "core/civil_date.h"
#include "core/directory.h"
#include "core/position.h"
#include "store/store.h"

namespace ponte::api {

// The status of a position published on `today`: PUBLISHED while its validityDate is after
// today, else VALID (payable).
core::PositionStatus publishedStatus(const core::DebtPosition& position, core::Date today);

// The date rules of GPD for a position written through the API (create, update, bulk): the
// validityDate and every dueDate not before today, a retentionDate not before its dueDate.
// Returns every breach with its field path; when there is none, sets the status: DRAFT, or
// publishedStatus when to_publish.
std::vector<FieldError> prepareForApi(core::DebtPosition& position, bool to_publish,
                                      core::Date today);

// Whether any option of the position is paid (or reported).
bool hasPayments(const core::DebtPosition& position);

// What the lifecycle allows, by status (GPD's rules):
bool mayUpdate(core::PositionStatus status);      // DRAFT, PUBLISHED, VALID
bool mayPublish(core::PositionStatus status);     // DRAFT
bool mayInvalidate(core::PositionStatus status);  // PUBLISHED, VALID
// Amount schedules and coercive collection: any status in which the debt is still open
// (PUBLISHED, VALID, PARTIALLY_PAID, EXPIRED) or not yet issued (DRAFT).
bool mayAmend(core::PositionStatus status);

// Moves every PUBLISHED position whose validityDate has come (on or before today) to VALID, in
// every EC of the directory. Returns how many were moved; stops at the first store failure and
// returns it in *error (when given).
std::size_t promotePublished(store::Store& store, const core::Directory& directory,
                             core::Date today, store::Error* error);

}  // namespace ponte::api
