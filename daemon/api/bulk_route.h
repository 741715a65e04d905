// POST /organizations/{organizationfiscalcode}/debtpositions/bulk: many positions in one body
// (JSON array, NDJSON or CSV by Content-Type), read as a stream, committed in batches, answered
// with a report of every rejected record.
#pragma once

#include "api/api_call.h"

namespace ponte::api {

// Runs the whole import on the calling thread (the API gives it a worker of its own) and
// answers: 200 with the report {format, records, created, updated, unchanged, rejected,
// rejections: [{line, lastLine, iupd, errors: [{path, message}]}], stopped}; 400 when the body
// as a whole cannot be read; 415 for another Content-Type; 503 when the store is unavailable.
void bulkImportRoute(ApiCall& call, const Respond& respond);

}  // namespace ponte::api
