// The journal ledger: the municipality's daily cash journal, one CSV file per payment day
// (journal-YYYY-MM-DD.csv) with one line per receipt: date, EC, notice, IUV, amount, payer, PSP,
// transfers and the idempotency key.
//
// Idempotent per key: a receipt whose key is already in its day's file is not written again.
// Each line is appended with one write(2) and fdatasync'd before OK; a line cut by a crash (no
// final newline) was never reported delivered, so it is removed when the file is next read.
// Not thread-safe: the host serializes deliveries, so the key sets need no lock.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "builtin/adapter_support.h"
#include "builtin/builtin_ledgers.h"
#include "builtin/file_io.h"

namespace ponte::adapters {
namespace {

constexpr const char* kHeader =
    "payment_date,ec_fiscal_code,notice_number,iuv,amount,payer_fiscal_code,payer_name,psp_id,"
    "psp_name,transfers,idempotency_key\n";
constexpr std::size_t kCachedDays = 8;

// One CSV field (RFC 4180): quoted when it holds a comma, quote or space at an end; line breaks
// become spaces so every record stays on one line.
std::string csvField(std::string_view text) {
  std::string clean;
  for (char c : text) clean += (c == '\n' || c == '\r') ? ' ' : c;
  const bool quote = clean.find_first_of(",\"") != std::string::npos ||
                     (!clean.empty() && (clean.front() == ' ' || clean.back() == ' '));
  if (!quote) return clean;
  std::string out = "\"";
  for (char c : clean) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The fields of one CSV record written by csvField.
std::vector<std::string> csvFields(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::string euro(int64_t cents) {
  char buf[32];
  const bool negative = cents < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", negative ? "-" : "",
                static_cast<unsigned long long>(abs / 100),
                static_cast<unsigned long long>(abs % 100));
  return buf;
}

bool isDay(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

class JournalLedger {
 public:
  static std::unique_ptr<JournalLedger> create(const ponte_ledger_host* host,
                                               const ponte_ledger_config* config,
                                               std::string* error) {
    auto ledger = std::unique_ptr<JournalLedger>(new JournalLedger());
    auto directory = option(config, "directory");
    if (!directory || directory->empty()) {
      *error = "option directory is required (the folder of the daily journals)";
      return nullptr;
    }
    while (directory->size() > 1 && directory->back() == '/') directory->pop_back();
    if (!writableDirectory(*directory, error)) return nullptr;
    ledger->directory_ = *directory;
    return ledger;
  }

  ponte_ledger_status deliver(const ponte_ledger_receipt& receipt, std::string* message) {
    const std::string day(view(receipt.payment_date_time).substr(0, 10));
    if (!isDay(day)) {
      *message = "the receipt's payment date \"" + std::string(view(receipt.payment_date_time)) +
                 "\" does not start with YYYY-MM-DD";
      return PONTE_LEDGER_REJECT;
    }
    const std::string path = directory_ + "/journal-" + day + ".csv";
    const std::string key(view(receipt.idempotency_key));
    std::set<std::string>* keys = keysOf(day, path, message);
    if (keys == nullptr) return PONTE_LEDGER_RETRY;
    if (keys->count(key) != 0) return PONTE_LEDGER_OK;

    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
      *message = errnoMessage("cannot open", path);
      return PONTE_LEDGER_RETRY;
    }
    struct stat st {};
    const bool fresh = ::fstat(fd, &st) == 0 && st.st_size == 0;
    const std::string text = (fresh ? std::string(kHeader) : std::string()) + line(receipt, day);
    bool ok = writeAll(fd, text);
    if (!ok) *message = errnoMessage("cannot append to", path);
    if (ok && ::fdatasync(fd) != 0) {
      ok = false;
      *message = errnoMessage("cannot fsync", path);
    }
    ::close(fd);
    if (!ok) {
      // Whatever part of the line reached the file is cut again before the next append.
      days_.erase(day);
      return PONTE_LEDGER_RETRY;
    }
    if (fresh && !syncDirectory(directory_, message)) return PONTE_LEDGER_RETRY;
    keys->insert(key);
    return PONTE_LEDGER_OK;
  }

 private:
  JournalLedger() = default;

  static std::string line(const ponte_ledger_receipt& r, const std::string& day) {
    std::string transfers;
    for (std::size_t i = 0; i < r.transfer_count; ++i) {
      const ponte_ledger_transfer& t = r.transfers[i];
      if (!transfers.empty()) transfers += ';';
      transfers += std::to_string(t.id_transfer) + "|" +
                   std::string(view(t.beneficiary_fiscal_code)) + "|" +
                   std::string(view(t.iban)) + "|" + std::string(view(t.category)) + "|" +
                   euro(t.amount_cents);
    }
    const ponte_ledger_party* payer = r.payer;
    // Named, not a temporary in the list below: a temporary would be gone before the loop runs.
    const std::string amount = euro(r.amount_cents);
    std::string out;
    for (std::string_view field :
         {std::string_view(day), view(r.ec_fiscal_code), view(r.notice_number), view(r.iuv),
          std::string_view(amount),
          payer ? view(payer->fiscal_code) : std::string_view(),
          payer ? view(payer->full_name) : std::string_view(), view(r.psp_id), view(r.psp_name),
          std::string_view(transfers), view(r.idempotency_key)}) {
      if (!out.empty()) out += ',';
      out += csvField(field);
    }
    return out + "\n";
  }

  // The keys already in the day's journal, read once per day (and cut back to its last whole
  // line when a crash left half of one).
  std::set<std::string>* keysOf(const std::string& day, const std::string& path,
                                std::string* error) {
    if (auto it = days_.find(day); it != days_.end()) return &it->second;
    std::set<std::string> keys;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 && errno != ENOENT) {
      *error = errnoMessage("cannot read", path);
      return nullptr;
    }
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::stringstream buffer;
      buffer << in.rdbuf();
      const std::string text = buffer.str();
      const std::size_t whole = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
      if (whole != text.size() && ::truncate(path.c_str(), static_cast<off_t>(whole)) != 0) {
        *error = errnoMessage("cannot cut a partial line of", path);
        return nullptr;
      }
      std::istringstream lines(text.substr(0, whole));
      std::string l;
      bool header = true;
      while (std::getline(lines, l)) {
        if (header) {
          header = false;
          continue;
        }
        const std::vector<std::string> fields = csvFields(l);
        keys.insert(fields.back());
      }
    } else if (::stat(path.c_str(), &st) == 0) {
      *error = "cannot read " + path;
      return nullptr;
    }
    if (days_.size() >= kCachedDays) days_.erase(days_.begin());  // the oldest day
    return &days_.emplace(day, std::move(keys)).first->second;
  }

  std::string directory_;
  std::map<std::string, std::set<std::string>> days_;  // by "YYYY-MM-DD"
};

}  // namespace
}  // namespace ponte::adapters

extern "C" const ponte_ledger_plugin* ponte_ledger_journal_entry(uint32_t host_abi_major,
                                                                 uint32_t /*host_abi_minor*/) {
  if (host_abi_major != PONTE_LEDGER_ABI_MAJOR) return nullptr;
  return ponte::adapters::AdapterAbi<ponte::adapters::JournalLedger>::descriptor("journal", 0);
}
