// The import loop: read, validate, batch, commit, report.
#include "api/bulk_import.h"

namespace ponte::api {

std::string storeRefusal(const store::Error& error) {
  switch (error.kind) {
    case store::ErrorKind::kConflict:
      return "conflicts with a stored position: one of its IUVs or notice numbers belongs to "
             "another position, or the replacement would discard a payment";
    case store::ErrorKind::kInvalid:
      return "was refused by the store (a notice number or IUV is empty or repeated)";
    case store::ErrorKind::kNotFound:
      return "no such position";
    case store::ErrorKind::kUnavailable:
    case store::ErrorKind::kFatal:
      break;
  }
  return "the database is not available now";
}

BulkReport importPositions(BulkReader& reader, store::Store& store, const BulkOptions& options,
                           const std::function<void(const BulkRejection&)>& on_reject) {
  BulkReport report;
  BulkCounts& counts = report.counts;
  std::vector<core::DebtPosition> batch;
  std::vector<BulkRejection> where;  // line span and iupd of each batched position
  const std::size_t batch_size = options.batch == 0 ? 1 : options.batch;
  batch.reserve(batch_size);

  const auto reject = [&](BulkRejection rejection) {
    ++counts.rejected;
    if (on_reject) on_reject(rejection);
  };
  // Commits the batch; false when the store cannot be written (the import stops).
  const auto flush = [&]() -> bool {
    if (batch.empty()) return true;
    auto results = store.upsertPositions(batch);
    bool available = true;
    for (std::size_t k = 0; k < results.size(); ++k) {
      if (!results[k]) {
        const auto kind = results[k].error().kind;
        if (kind == store::ErrorKind::kUnavailable || kind == store::ErrorKind::kFatal) {
          available = false;
        }
        BulkRejection r = std::move(where[k]);
        r.errors = {{"", storeRefusal(results[k].error())}};
        reject(std::move(r));
        continue;
      }
      switch (results[k].value()) {
        case store::UpsertOutcome::kCreated: ++counts.created; break;
        case store::UpsertOutcome::kUpdated: ++counts.updated; break;
        case store::UpsertOutcome::kUnchanged: ++counts.unchanged; break;
      }
    }
    batch.clear();
    where.clear();
    if (options.progress) options.progress(counts);
    return available;
  };

  BulkRecord record;
  while (reader.next(record)) {
    ++counts.records;
    BulkRejection at{record.first_line, record.last_line, record.iupd, {}};
    if (!record.errors.empty()) {
      at.errors = std::move(record.errors);
      reject(std::move(at));
      continue;
    }
    auto parsed = positionFromGpd(record.position, options.context);
    if (auto* errors = std::get_if<std::vector<FieldError>>(&parsed)) {
      at.errors = std::move(*errors);
      reject(std::move(at));
      continue;
    }
    core::DebtPosition& position = std::get<core::DebtPosition>(parsed);
    if (options.prepare) {
      if (auto errors = options.prepare(position); !errors.empty()) {
        at.errors = std::move(errors);
        reject(std::move(at));
        continue;
      }
    }
    batch.push_back(std::move(position));
    where.push_back(std::move(at));
    if (batch.size() >= batch_size && !flush()) {
      report.store_unavailable = true;
      report.stopped = "the database is not available now";
      return report;
    }
  }
  if (!flush()) {
    report.store_unavailable = true;
    report.stopped = "the database is not available now";
    return report;
  }
  report.stopped = reader.fatalError();
  return report;
}

}  // namespace ponte::api
