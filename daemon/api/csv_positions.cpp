// CSV lines to GPD PaymentPositionModel objects, grouped by iupd and iuv.
#include "api/csv_positions.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>

namespace ponte::api {
namespace {

using nlohmann::json;

const std::set<std::string>& requiredColumns() {
  static const std::set<std::string> required = {"iupd",        "type",    "fiscalCode",
                                                 "fullName",    "iuv",     "amount",
                                                 "description", "dueDate", "category"};
  return required;
}

// One parsed line (a CSV record) and where it is.
struct Row {
  std::size_t first_line = 0;
  std::size_t last_line = 0;
  std::vector<std::string> fields;
  std::string problem;  // the line cannot be used (field count, size)
  std::size_t bytes = 0;
};

// Reads one CSV record (quoted fields may hold separators, quotes and newlines); false at the
// end of the input.
bool readRecord(std::streambuf& in, char separator, std::size_t max, std::size_t& line_no,
                Row& row) {
  row = Row{};
  int c = in.sgetc();
  if (c == EOF) return false;
  row.first_line = ++line_no;
  std::string field;
  bool quoted = false, was_quoted = false, too_long = false;
  for (;; c = in.snextc()) {
    if (c == EOF) break;
    if (quoted) {
      if (c == '"') {
        if (in.snextc() == '"') {
          field += '"';
          continue;
        }
        quoted = false;
        c = in.sgetc();
        if (c == EOF) break;
      } else {
        if (c == '\n') ++line_no;
        field += static_cast<char>(c);
        if (++row.bytes > max) too_long = true;
        continue;
      }
    }
    if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == separator) {
      row.fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n') {
      in.sbumpc();
      break;
    } else if (c != '\r') {
      field += static_cast<char>(c);
    }
    if (++row.bytes > max) too_long = true;
    if (too_long) field.clear();
  }
  row.fields.push_back(std::move(field));
  row.last_line = line_no;
  if (quoted) row.problem = "a quoted field is not closed";
  if (too_long) row.problem = "is larger than " + std::to_string(max) + " bytes";
  return true;
}

// A cell as a JSON integer when it is one, else as the text (the model then says what is wrong).
json integerOrText(const std::string& cell) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (ec == std::errc() && end == cell.data() + cell.size()) return value;
  return cell;
}

json booleanOrText(const std::string& cell) {
  std::string v = cell;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return cell;
}

class CsvReader final : public BulkReader {
 public:
  CsvReader(std::istream& in, std::size_t max) : in_(*in.rdbuf()), max_(max) {}

  bool next(BulkRecord& record) override {
    record = BulkRecord{};
    if (!header_read_ && !readHeader()) return false;
    if (!pending_ && !fetch()) return false;
    // One group: the pending row and every following row with the same iupd.
    std::vector<Row> rows;
    std::size_t bytes = 0;
    const std::string iupd = cell(*pending_, "iupd");
    record.first_line = pending_->first_line;
    std::string problem;
    do {
      record.last_line = pending_->last_line;
      bytes += pending_->bytes;
      if (!pending_->problem.empty() && problem.empty()) {
        problem = "line " + std::to_string(pending_->first_line) + ": " + pending_->problem;
      }
      if (bytes > max_) {
        if (problem.empty()) {
          problem = "the position's lines are larger than " + std::to_string(max_) + " bytes";
        }
      } else {
        rows.push_back(std::move(*pending_));
      }
      pending_.reset();
    } while (fetch() && !iupd.empty() && cell(*pending_, "iupd") == iupd);
    record.iupd = iupd;
    if (!problem.empty()) {
      record.errors.push_back({"", problem});
    } else {
      record.position = toPosition(rows);
    }
    return true;
  }

 private:
  bool readHeader() {
    header_read_ = true;
    std::string first;
    bool too_long = false;
    if (!readBoundedLine(in_stream(), max_, &first, &line_, &too_long)) {
      fatal_ = "the input is empty: expected a CSV header line";
      return false;
    }
    separator_ = std::count(first.begin(), first.end(), ';') > std::count(first.begin(), first.end(), ',') ? ';' : ',';
    std::stringbuf header_buf(first + "\n");
    std::size_t ignored = 0;
    Row header;
    readRecord(header_buf, separator_, max_, ignored, header);
    const auto& known = csvColumns();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      std::string name = header.fields[i];
      if (i == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);  // a UTF-8 BOM
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        fatal_ = "line 1: unknown column \"" + name + "\" (see the CSV columns of the documentation)";
        return false;
      }
      if (!seen.insert(name).second) {
        fatal_ = "line 1: column \"" + name + "\" is repeated";
        return false;
      }
      columns_[name] = i;
    }
    for (const auto& name : requiredColumns()) {
      if (!seen.count(name)) {
        fatal_ = "line 1: the required column \"" + name + "\" is missing";
        return false;
      }
    }
    if (!seen.count("iban") && !seen.count("postalIban")) {
      fatal_ = "line 1: an iban or postalIban column is required";
      return false;
    }
    return true;
  }

  std::istream& in_stream() {
    if (!stream_) stream_ = std::make_unique<std::istream>(&in_);
    return *stream_;
  }

  // Reads the next non-empty row into pending_; false at the end.
  bool fetch() {
    Row row;
    while (readRecord(in_, separator_, max_, line_, row)) {
      const bool blank = row.fields.size() == 1 && row.fields[0].empty() && row.problem.empty();
      if (blank) continue;
      if (row.problem.empty() && row.fields.size() != columns_.size()) {
        row.problem = "has " + std::to_string(row.fields.size()) + " fields, the header has " +
                      std::to_string(columns_.size());
      }
      pending_ = std::move(row);
      return true;
    }
    pending_.reset();
    return false;
  }

  std::string cell(const Row& row, const std::string& column) const {
    auto it = columns_.find(column);
    if (it == columns_.end() || it->second >= row.fields.size()) return {};
    return row.fields[it->second];
  }

  void putText(json& obj, const Row& row, const std::string& column, const char* key = nullptr) const {
    std::string value = cell(row, column);
    if (!value.empty()) obj[key ? key : column.c_str()] = std::move(value);
  }
  void putInteger(json& obj, const Row& row, const std::string& column, const char* key = nullptr) const {
    std::string value = cell(row, column);
    if (!value.empty()) obj[key ? key : column.c_str()] = integerOrText(value);
  }
  void putBoolean(json& obj, const Row& row, const std::string& column, bool fallback) const {
    std::string value = cell(row, column);
    obj[column] = value.empty() ? json(fallback) : booleanOrText(value);
  }

  json toPosition(const std::vector<Row>& rows) const {
    const Row& first = rows.front();
    json p = json::object();
    for (const char* column : {"iupd", "type", "fiscalCode", "fullName", "streetName",
                               "civicNumber", "postalCode", "city", "province", "country", "email",
                               "phone", "officeName", "validityDate"}) {
      putText(p, first, column);
    }
    p["companyName"] = cell(first, "companyName");
    putBoolean(p, first, "switchToExpired", false);
    if (!cell(first, "payStandIn").empty()) putBoolean(p, first, "payStandIn", true);
    json options = json::array();
    std::map<std::string, std::size_t> option_of_iuv;
    for (const Row& row : rows) {
      const std::string iuv = cell(row, "iuv");
      auto [it, fresh] = option_of_iuv.emplace(iuv, options.size());
      if (fresh) {
        json o = json::object();
        for (const char* column : {"iuv", "nav", "description", "paymentPlanId", "dueDate",
                                   "retentionDate"}) {
          putText(o, row, column);
        }
        putInteger(o, row, "amount");
        putInteger(o, row, "fee");
        putBoolean(o, row, "isPartialPayment", false);
        o["transfer"] = json::array();
        options.push_back(std::move(o));
      }
      json& o = options[it->second];
      json t = json::object();
      const std::string id = cell(row, "idTransfer");
      t["idTransfer"] = id.empty() ? std::to_string(o["transfer"].size() + 1) : id;
      if (!cell(row, "transferAmount").empty()) {
        putInteger(t, row, "transferAmount", "amount");
      } else if (o.contains("amount")) {
        t["amount"] = o["amount"];
      }
      putText(t, row, "organizationFiscalCode");
      putText(t, row, "remittanceInformation");
      if (!t.contains("remittanceInformation") && o.contains("description")) {
        t["remittanceInformation"] = o["description"];
      }
      putText(t, row, "category");
      putText(t, row, "iban");
      putText(t, row, "postalIban");
      putText(t, row, "transferCompanyName", "companyName");
      o["transfer"].push_back(std::move(t));
    }
    p["paymentOption"] = std::move(options);
    return p;
  }

  std::streambuf& in_;
  std::unique_ptr<std::istream> stream_;
  std::size_t max_;
  std::size_t line_ = 0;
  char separator_ = ',';
  bool header_read_ = false;
  std::map<std::string, std::size_t> columns_;
  std::optional<Row> pending_;
};

}  // namespace

const std::vector<std::string>& csvColumns() {
  static const std::vector<std::string> columns = {
      "iupd", "type", "fiscalCode", "fullName", "streetName", "civicNumber", "postalCode", "city",
      "province", "country", "email", "phone", "companyName", "officeName", "validityDate",
      "switchToExpired", "payStandIn", "iuv", "nav", "amount", "description", "isPartialPayment",
      "paymentPlanId", "dueDate", "retentionDate", "fee", "idTransfer", "transferAmount",
      "organizationFiscalCode", "remittanceInformation", "category", "iban", "postalIban",
      "transferCompanyName"};
  return columns;
}

std::unique_ptr<BulkReader> makeCsvReader(std::istream& in, std::size_t max_record_bytes) {
  return std::make_unique<CsvReader>(in, max_record_bytes);
}

}  // namespace ponte::api
