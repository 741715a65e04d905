// The spool ledger: one file per receipt in a folder the municipality's software picks up
// (EC_receiptId.json with the canonical JSON, or .xml with the SOAP message as received).
//
// A file appears whole or not at all: it is written under <directory>/.ponte-tmp, fsynced, then
// hard-linked into the directory (which fails when the name exists: the receipt was delivered
// before, so that counts as delivered) and the directory fsynced. A crash leaves at most a stale
// temporary file, removed by a later start once it is an hour old.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ctime>

#include "builtin/adapter_support.h"
#include "builtin/builtin_ledgers.h"
#include "builtin/file_io.h"

namespace ponte::adapters {
namespace {

constexpr const char* kTempFolder = ".ponte-tmp";
constexpr std::time_t kStaleTempSeconds = 3600;

// A receipt id as a file name: letters, digits, '-', '_' and '.' stay; any other byte becomes
// %XX, so two ids never share a name and none can leave the folder.
std::string fileNamePart(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || (c == '.' && !out.empty())) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

class SpoolLedger {
 public:
  static std::unique_ptr<SpoolLedger> create(const ponte_ledger_host* host,
                                             const ponte_ledger_config* config,
                                             std::string* error) {
    auto ledger = std::unique_ptr<SpoolLedger>(new SpoolLedger());
    auto directory = option(config, "directory");
    if (!directory || directory->empty()) {
      *error = "option directory is required (the folder receipts are written to)";
      return nullptr;
    }
    while (directory->size() > 1 && directory->back() == '/') directory->pop_back();
    if (!writableDirectory(*directory, error)) return nullptr;
    ledger->directory_ = *directory;
    ledger->temp_ = *directory + "/" + kTempFolder;
    const std::string format = option(config, "format").value_or("json");
    if (format == "xml") {
      ledger->xml_ = true;
    } else if (format != "json") {
      *error = "option format must be json or xml, not \"" + format + "\"";
      return nullptr;
    }
    if (::mkdir(ledger->temp_.c_str(), 0750) != 0 && errno != EEXIST) {
      *error = errnoMessage("cannot create the temporary folder", ledger->temp_);
      return nullptr;
    }
    ledger->removeStaleTemporaries(host);
    return ledger;
  }

  ponte_ledger_status deliver(const ponte_ledger_receipt& receipt, std::string* message) {
    const std::string name = fileNamePart(view(receipt.ec_fiscal_code)) + "_" +
                             fileNamePart(view(receipt.receipt_id)) + (xml_ ? ".xml" : ".json");
    const std::string final_path = directory_ + "/" + name;
    struct stat st {};
    if (::stat(final_path.c_str(), &st) == 0) return PONTE_LEDGER_OK;  // delivered before
    const std::string temp_path = temp_ + "/" + name + "." + std::to_string(::getpid()) + "." +
                                  std::to_string(counter_.fetch_add(1)) + ".tmp";
    const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) {
      *message = errnoMessage("cannot create", temp_path);
      return PONTE_LEDGER_RETRY;
    }
    std::string content(xml_ ? view(receipt.xml) : view(receipt.json));
    if (!xml_) content += '\n';
    bool ok = writeAll(fd, content);
    if (!ok) *message = errnoMessage("cannot write", temp_path);
    if (ok && ::fsync(fd) != 0) {
      ok = false;
      *message = errnoMessage("cannot fsync", temp_path);
    }
    ::close(fd);
    if (ok && ::link(temp_path.c_str(), final_path.c_str()) != 0 && errno != EEXIST) {
      ok = false;
      *message = errnoMessage("cannot link into place", final_path);
    }
    ::unlink(temp_path.c_str());
    if (!ok) return PONTE_LEDGER_RETRY;
    // The new name is durable only once the directory itself is.
    if (!syncDirectory(directory_, message)) return PONTE_LEDGER_RETRY;
    return PONTE_LEDGER_OK;
  }

 private:
  SpoolLedger() = default;

  // Temporary files of writes a crash interrupted. Young ones may belong to a writer running
  // now (the daemon, while `ponte check-config` opens this ledger too), so they are left alone.
  void removeStaleTemporaries(const ponte_ledger_host* host) {
    DIR* dir = ::opendir(temp_.c_str());
    if (dir == nullptr) return;
    const std::time_t now = std::time(nullptr);
    int removed = 0;
    while (const dirent* e = ::readdir(dir)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      const std::string path = temp_ + "/" + name;
      struct stat st {};
      if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          now - st.st_mtime > kStaleTempSeconds && ::unlink(path.c_str()) == 0) {
        ++removed;
      }
    }
    ::closedir(dir);
    if (removed > 0) {
      hostLog(host, PONTE_LEDGER_LOG_INFO,
              "spool: removed " + std::to_string(removed) + " temporary files left by a crash in " +
                  temp_);
    }
  }

  std::string directory_;
  std::string temp_;
  bool xml_ = false;
  std::atomic<std::uint64_t> counter_{0};
};

}  // namespace
}  // namespace ponte::adapters

extern "C" const ponte_ledger_plugin* ponte_ledger_spool_entry(uint32_t host_abi_major,
                                                               uint32_t /*host_abi_minor*/) {
  if (host_abi_major != PONTE_LEDGER_ABI_MAJOR) return nullptr;
  return ponte::adapters::AdapterAbi<ponte::adapters::SpoolLedger>::descriptor(
      "spool", PONTE_LEDGER_THREAD_SAFE);
}
