// The bulk import route over the shared importer.
#include "api/bulk_route.h"

#include <fstream>
#include <streambuf>

#include <nlohmann/json.hpp>

#include "api/bulk_import.h"
#include "api/lifecycle.h"
#include "api/problem.h"

namespace ponte::api {
namespace {

using nlohmann::json;

// Reads a body in memory in place: the import never copies it.
class ViewBuffer final : public std::streambuf {
 public:
  explicit ViewBuffer(const std::string& text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

}  // namespace

void bulkImportRoute(ApiCall& call, const Respond& respond) {
  std::vector<FieldError> errors;
  const bool to_publish = queryBoolean(call, "toPublish", false, errors);
  if (!errors.empty()) return respond(problemResponse(400, "bad query parameters", errors));
  auto format = formatFromContentType(call.request.header("Content-Type"));
  if (!format) {
    return respond(problemResponse(
        415, "send the positions as application/json (an array), application/x-ndjson or text/csv"));
  }
  // A large body arrives in a file the listener wrote (api_listener spools what exceeds
  // limits.max_body_bytes); it is read as a stream, never held whole.
  ViewBuffer buffer(call.request.body);
  std::ifstream file;
  if (call.request.body_file) {
    file.open(call.request.body_file->path, std::ios::binary);
    if (!file) {
      return respond(problemResponse(503, "the body could not be read back: send it again"));
    }
  }
  std::istream in(call.request.body_file ? static_cast<std::streambuf*>(file.rdbuf()) : &buffer);
  auto reader = makeBulkReader(*format, in, call.limits.max_body_bytes);

  BulkOptions options;
  options.context = call.gpdContext();
  options.batch = call.limits.bulk_batch;
  options.prepare = [to_publish, today = call.today](core::DebtPosition& position) {
    return prepareForApi(position, to_publish, today);
  };
  json rejections = json::array();
  const BulkReport report =
      importPositions(*reader, call.store, options, [&](const BulkRejection& r) {
        json errors_json = json::array();
        for (const auto& e : r.errors) errors_json.push_back({{"path", e.path}, {"message", e.message}});
        json item = {{"line", r.first_line}, {"lastLine", r.last_line}, {"errors", std::move(errors_json)}};
        if (!r.iupd.empty()) item["iupd"] = r.iupd;
        rejections.push_back(std::move(item));
      });
  const BulkCounts& c = report.counts;
  if (report.store_unavailable) {
    net::HttpResponse r = unavailable();
    r.body = json({{"title", statusTitle(503)},
                   {"status", 503},
                   {"detail", "the database is not available now: " + std::to_string(c.created + c.updated + c.unchanged) +
                                  " positions were stored before it stopped; send the same body again"}})
                 .dump();
    return respond(std::move(r));
  }
  if (!report.stopped.empty() && c.records == 0) {
    return respond(problemResponse(400, "the body cannot be read as " + std::string(toString(*format)) +
                                            ": " + report.stopped));
  }
  json body = {{"format", std::string(toString(*format))},
               {"records", c.records},
               {"created", c.created},
               {"updated", c.updated},
               {"unchanged", c.unchanged},
               {"rejected", c.rejected},
               {"rejections", std::move(rejections)}};
  if (!report.stopped.empty()) body["stopped"] = report.stopped;
  respond(jsonResponse(200, body));
}

}  // namespace ponte::api
