// Reading many debt positions from a stream, one at a time, whatever its size: a JSON array
// (or a single object), NDJSON (one object per line) or CSV (see csv_positions.h). Memory stays
// bounded by one record; a damaged record is reported and the reading goes on.
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/gpd_json.h"

namespace ponte::api {

enum class BulkFormat { kJsonArray, kNdjson, kCsv };

// "json", "ndjson", "csv".
std::string_view toString(BulkFormat format);
// From a Content-Type: application/json, application/x-ndjson (or application/jsonl,
// application/ndjson), text/csv; parameters (";charset=utf-8") are ignored. nullopt otherwise.
std::optional<BulkFormat> formatFromContentType(std::string_view content_type);
// From a file name's extension: .json, .ndjson or .jsonl, .csv. nullopt otherwise.
std::optional<BulkFormat> formatFromFileName(std::string_view name);
// From the first byte that is not white space (left in the stream): '[' a JSON array, '{' NDJSON
// (a lone object is one line of it), anything else CSV.
BulkFormat sniffFormat(std::istream& in);

// One record of the input: a PaymentPositionModel object, or why it could not be read.
struct BulkRecord {
  std::size_t first_line = 0;  // 1-based lines of the input the record spans
  std::size_t last_line = 0;
  std::string iupd;            // when it could be found, for the report
  nlohmann::json position;     // set when errors is empty
  std::vector<FieldError> errors;
};

class BulkReader {
 public:
  virtual ~BulkReader() = default;
  // Reads the next record; false at the end of the input, or when the input as a whole cannot
  // be read further (then fatalError() says why; records already returned stand).
  virtual bool next(BulkRecord& record) = 0;
  const std::string& fatalError() const { return fatal_; }

 protected:
  std::string fatal_;
};

// A reader of `format` over `in` (which must outlive it). A record larger than
// max_record_bytes is skipped and reported, never held.
std::unique_ptr<BulkReader> makeBulkReader(BulkFormat format, std::istream& in,
                                           std::size_t max_record_bytes);

// Reads a line of at most max_bytes (without its "\n" or "\r\n") into *line, counting it in
// *line_no. Returns false at the end of the input; *too_long is set, and the rest of the line
// skipped, when it is longer.
bool readBoundedLine(std::istream& in, std::size_t max_bytes, std::string* line,
                     std::size_t* line_no, bool* too_long);

// The "iupd" of a parsed record, or "".
std::string iupdOf(const nlohmann::json& position);

}  // namespace ponte::api
