// JSON array and NDJSON readers that split the input into records without parsing all of it.
#include "api/bulk_input.h"

#include <algorithm>
#include <cctype>

#include "api/csv_positions.h"

namespace ponte::api {
namespace {

bool isSpace(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Parses the text of one record; an object is required.
void parseRecord(const std::string& text, BulkRecord& record) {
  record.position = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (record.position.is_discarded()) {
    record.position = nullptr;
    record.errors.push_back({"", "is not valid JSON"});
  } else if (!record.position.is_object()) {
    record.errors.push_back({"", "must be a JSON object (a debt position)"});
  } else {
    record.iupd = iupdOf(record.position);
  }
}

std::string tooLarge(std::size_t max) {
  return "is larger than " + std::to_string(max) + " bytes: skipped";
}

// A JSON array read element by element: each element's text is cut out by tracking strings and
// nesting, then parsed alone.
class JsonArrayReader final : public BulkReader {
 public:
  JsonArrayReader(std::istream& in, std::size_t max) : in_(*in.rdbuf()), max_(max) {}

  bool next(BulkRecord& record) override {
    record = BulkRecord{};
    if (done_) return false;
    skipSpace();
    int c = in_.sgetc();
    if (!started_) {
      started_ = true;
      if (c == '{') {
        single_ = true;  // a lone object: one position
      } else if (c == '[') {
        in_.sbumpc();
        skipSpace();
        if (in_.sgetc() == ']') return end();
      } else {
        return fail(c == EOF ? "the input is empty" : "must be a JSON array of debt positions");
      }
    } else {
      if (single_) return end();
      if (c == ']') {
        in_.sbumpc();
        return end();
      }
      if (c != ',') return fail("expected ',' or ']' after the element ending on line " +
                                std::to_string(last_line_));
      in_.sbumpc();
      skipSpace();
    }
    record.first_line = line_;
    std::string text;
    bool too_long = false;
    if (!cutElement(text, too_long)) {
      return fail("the input ends inside the element starting on line " +
                  std::to_string(record.first_line));
    }
    record.last_line = last_line_ = line_;
    if (too_long) {
      record.errors.push_back({"", tooLarge(max_)});
    } else {
      parseRecord(text, record);
    }
    return true;
  }

 private:
  bool end() {
    done_ = true;
    skipSpace();
    if (in_.sgetc() != EOF) fatal_ = "unexpected text after the end of the JSON document";
    return false;
  }
  bool fail(std::string why) {
    done_ = true;
    fatal_ = "line " + std::to_string(line_) + ": " + why;
    return false;
  }
  void skipSpace() {
    for (int c = in_.sgetc(); c != EOF && isSpace(c); c = in_.snextc()) {
      if (c == '\n') ++line_;
    }
  }
  void take(int c, std::string& text, bool& too_long) {
    if (c == '\n') ++line_;
    if (text.size() < max_) {
      text += static_cast<char>(c);
    } else {
      too_long = true;
    }
  }
  // Reads one element (object, array or scalar) into text; false when the input ends first.
  bool cutElement(std::string& text, bool& too_long) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (;;) {
      const int c = in_.sgetc();
      if (c == EOF) return depth == 0 && !in_string && !text.empty();
      if (in_string) {
        in_.sbumpc();
        take(c, text, too_long);
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
          if (depth == 0) return true;
        }
        continue;
      }
      if (depth == 0 && !text.empty() && (c == ',' || c == ']' || isSpace(c))) return true;
      in_.sbumpc();
      take(c, text, too_long);
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth <= 0) return true;
      }
    }
  }

  std::streambuf& in_;
  std::size_t max_;
  std::size_t line_ = 1;
  std::size_t last_line_ = 1;
  bool started_ = false;
  bool single_ = false;
  bool done_ = false;
};

class NdjsonReader final : public BulkReader {
 public:
  NdjsonReader(std::istream& in, std::size_t max) : in_(in), max_(max) {}

  bool next(BulkRecord& record) override {
    record = BulkRecord{};
    std::string line;
    bool too_long = false;
    while (readBoundedLine(in_, max_, &line, &line_, &too_long)) {
      if (!too_long && std::all_of(line.begin(), line.end(), isSpace)) continue;
      record.first_line = record.last_line = line_;
      if (too_long) {
        record.errors.push_back({"", tooLarge(max_)});
      } else {
        parseRecord(line, record);
      }
      return true;
    }
    return false;
  }

 private:
  std::istream& in_;
  std::size_t max_;
  std::size_t line_ = 0;
};

}  // namespace

std::string_view toString(BulkFormat format) {
  switch (format) {
    case BulkFormat::kJsonArray: return "json";
    case BulkFormat::kNdjson: return "ndjson";
    case BulkFormat::kCsv: return "csv";
  }
  return "json";
}

std::optional<BulkFormat> formatFromContentType(std::string_view content_type) {
  std::string type = lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && isSpace(type.back())) type.pop_back();
  if (type == "application/json") return BulkFormat::kJsonArray;
  if (type == "application/x-ndjson" || type == "application/ndjson" ||
      type == "application/jsonl") {
    return BulkFormat::kNdjson;
  }
  if (type == "text/csv") return BulkFormat::kCsv;
  return std::nullopt;
}

std::optional<BulkFormat> formatFromFileName(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string ext = lower(name.substr(dot + 1));
  if (ext == "json") return BulkFormat::kJsonArray;
  if (ext == "ndjson" || ext == "jsonl") return BulkFormat::kNdjson;
  if (ext == "csv") return BulkFormat::kCsv;
  return std::nullopt;
}

BulkFormat sniffFormat(std::istream& in) {
  std::streambuf& buf = *in.rdbuf();
  // Only white space is consumed: it means nothing in any of the formats' first line.
  int c = buf.sgetc();
  while (c != EOF && (c == ' ' || c == '\t' || c == '\r')) c = buf.snextc();
  if (c == '[') return BulkFormat::kJsonArray;
  if (c == '{') return BulkFormat::kNdjson;
  return BulkFormat::kCsv;
}

bool readBoundedLine(std::istream& in, std::size_t max_bytes, std::string* line,
                     std::size_t* line_no, bool* too_long) {
  std::streambuf& buf = *in.rdbuf();
  line->clear();
  *too_long = false;
  int c = buf.sgetc();
  if (c == EOF) return false;
  ++*line_no;
  for (; c != EOF && c != '\n'; c = buf.snextc()) {
    if (line->size() < max_bytes) {
      *line += static_cast<char>(c);
    } else {
      *too_long = true;
    }
  }
  if (c == '\n') buf.sbumpc();
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

std::string iupdOf(const nlohmann::json& position) {
  if (!position.is_object()) return {};
  auto it = position.find("iupd");
  return it != position.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::unique_ptr<BulkReader> makeBulkReader(BulkFormat format, std::istream& in,
                                           std::size_t max_record_bytes) {
  switch (format) {
    case BulkFormat::kJsonArray:
      return std::make_unique<JsonArrayReader>(in, max_record_bytes);
    case BulkFormat::kNdjson:
      return std::make_unique<NdjsonReader>(in, max_record_bytes);
    case BulkFormat::kCsv:
      return makeCsvReader(in, max_record_bytes);
  }
  return nullptr;
}

}  // namespace ponte::api
