// Importing many debt positions from a BulkReader into the store: each record validated as GPD's
// model, the valid ones committed in batches (Store::upsertPositions), every rejected record
// reported with why. Shared by `ponte positions import` and POST .../debtpositions/bulk.
// Storing is by iupd, so importing the same input again changes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "api/bulk_input.h"
#include "api/gpd_json.h"
#include "store/store.h"

namespace ponte::api {

struct BulkCounts {
  std::size_t records = 0;  // read from the input, rejected ones included
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t rejected = 0;
};

// A record that was not stored.
struct BulkRejection {
  std::size_t first_line = 0;
  std::size_t last_line = 0;
  std::string iupd;  // "" when it could not be read
  std::vector<FieldError> errors;
};

struct BulkOptions {
  GpdContext context;
  std::size_t batch = 1000;  // positions per commit, >= 1
  // Called with each position read (after the model's own checks): may set its status and
  // return more errors (the API's lifecycle rules). Empty: positions are stored as read.
  std::function<std::vector<FieldError>(core::DebtPosition&)> prepare;
  // Called after each batch is committed, with the counts so far.
  std::function<void(const BulkCounts&)> progress;
};

struct BulkReport {
  BulkCounts counts;
  // Why the import stopped before the end of the input: the input cannot be read further (its
  // structure), or the store is unavailable. Empty when the whole input was read.
  std::string stopped;
  bool store_unavailable = false;
};

// Reads every record and stores the valid ones; on_reject is called for each rejected record,
// in input order. Positions already committed stay when the import stops early.
BulkReport importPositions(BulkReader& reader, store::Store& store, const BulkOptions& options,
                           const std::function<void(const BulkRejection&)>& on_reject);

// The message for a position the store refused, fit for the caller (no internal detail).
std::string storeRefusal(const store::Error& error);

}  // namespace ponte::api
