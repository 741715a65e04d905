// check-config's file checks: certificates and keys through OpenSSL, the database directory and
// the time zone through the file system.
#include "ops/check.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "upstream/psp_catalogue.h"

namespace ponte::ops {
namespace {

using Clock = std::chrono::system_clock;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

constexpr auto kRenewWarning = std::chrono::hours(24 * 30);

class Checker {
 public:
  explicit Checker(Clock::time_point now) : now_(now) {}

  enum class Severity { kError, kWarning };

  void error(std::string message) { report_.errors.push_back(std::move(message)); }
  void warning(std::string message) { report_.warnings.push_back(std::move(message)); }
  void add(Severity severity, std::string message) {
    severity == Severity::kError ? error(std::move(message)) : warning(std::move(message));
  }

  // Opens a file for OpenSSL; reports why it cannot be opened.
  BioPtr open(const std::string& key, const std::string& path, const char* what) {
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) {
      const int err = errno;
      ERR_clear_error();
      error(key + ": cannot open " + path + " (" + std::strerror(err) + "): point it at " + what);
    }
    return bio;
  }

  // Reads every PEM certificate of a file, in order.
  std::vector<X509Ptr> readCertificates(BIO* bio) {
    std::vector<X509Ptr> certs;
    while (X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) certs.emplace_back(x);
    // The loop ends on a "no start line" error at the end of the file: not a problem.
    ERR_clear_error();
    return certs;
  }

  static std::string subjectOf(X509* cert) {
    BioPtr mem(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(mem.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long n = BIO_get_mem_data(mem.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
  }

  // The ASN.1 time as a time point; nullopt when OpenSSL cannot read it.
  static std::optional<Clock::time_point> timeOf(const ASN1_TIME* t) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    return Clock::from_time_t(timegm(&tm));
  }

  static std::string dayOf(Clock::time_point t) {
    const std::time_t secs = Clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
  }

  void checkServerCertificate(const TlsConfig& tls) {
    const std::string cert_key = "node_listener.tls.certificate";
    const std::string key_key = "node_listener.tls.private_key";
    X509Ptr leaf;
    if (BioPtr bio = open(cert_key, tls.certificate, "the server certificate (PEM)")) {
      std::vector<X509Ptr> chain = readCertificates(bio.get());
      if (chain.empty()) {
        error(cert_key + ": " + tls.certificate +
              " holds no PEM certificate (-----BEGIN CERTIFICATE-----): point it at the server "
              "certificate, followed by its intermediate CAs");
      } else {
        leaf = std::move(chain.front());
        checkValidity(cert_key, tls.certificate, leaf.get(), Severity::kError, true);
      }
    }

    PkeyPtr key;
    if (BioPtr bio = open(key_key, tls.private_key, "the server's private key (PEM)")) {
      bool asked_passphrase = false;
      const auto no_passphrase = [](char*, int, int, void* asked) -> int {
        *static_cast<bool*>(asked) = true;
        return 0;  // no passphrase: an encrypted key fails to load
      };
      key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, &asked_passphrase));
      ERR_clear_error();
      if (!key && asked_passphrase) {
        error(key_key + ": " + tls.private_key +
              " is encrypted and ponte cannot ask for a passphrase: store it unencrypted "
              "(`openssl pkey -in KEY -out KEY.plain`), readable only by the ponte user");
      } else if (!key) {
        error(key_key + ": " + tls.private_key +
              " holds no PEM private key (-----BEGIN PRIVATE KEY-----): point it at the key of "
              "the server certificate");
      }
      struct stat st {};
      if (::stat(tls.private_key.c_str(), &st) == 0 && (st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
        warning(key_key + ": " + tls.private_key +
                " is readable or writable by every user: `chmod 600` it (or 640 with a group "
                "that only ponte is in)");
      }
    }

    if (leaf && key && X509_check_private_key(leaf.get(), key.get()) != 1) {
      ERR_clear_error();
      error(key_key + ": " + tls.private_key + " does not match the certificate " +
            tls.certificate + " (" + subjectOf(leaf.get()) +
            "): configure the key the certificate was issued for");
    }
  }

  // Reports a certificate outside its validity period at now_ with `severity`; warns when it
  // ends within kRenewWarning if warn_soon. Returns whether it is valid now.
  bool checkValidity(const std::string& key, const std::string& path, X509* cert, Severity severity,
                     bool warn_soon) {
    const auto not_before = timeOf(X509_get0_notBefore(cert));
    const auto not_after = timeOf(X509_get0_notAfter(cert));
    const std::string who = path + " (" + subjectOf(cert) + ")";
    if (!not_before || !not_after) {
      error(key + ": " + who + " has validity dates OpenSSL cannot read: replace it");
      return false;
    }
    if (*not_after < now_) {
      add(severity, key + ": " + who + " expired on " + dayOf(*not_after) + ": renew it");
      return false;
    }
    if (*not_before > now_) {
      add(severity, key + ": " + who + " is not valid before " + dayOf(*not_before) +
                        ": check the system clock or wait");
      return false;
    }
    if (warn_soon && *not_after - now_ < kRenewWarning) {
      const auto days =
          std::chrono::duration_cast<std::chrono::hours>(*not_after - now_).count() / 24;
      warning(key + ": " + who + " expires on " + dayOf(*not_after) + ", in " +
              std::to_string(days) + " days: renew it and reload");
    }
    return true;
  }

  void checkClientCa(const TlsConfig& tls) {
    const std::string ca_key = "node_listener.tls.client_ca";
    if (BioPtr bio =
            open(ca_key, tls.client_ca, "the CA bundle that issued the node's certificate")) {
      std::vector<X509Ptr> cas = readCertificates(bio.get());
      if (cas.empty()) {
        error(ca_key + ": " + tls.client_ca +
              " holds no PEM certificate: point it at the CA that issued the node's client "
              "certificate");
      } else {
        std::size_t valid = 0;
        for (const X509Ptr& ca : cas) {
          // An expired CA in a bundle is only fatal when no valid one is left.
          if (checkValidity(ca_key, tls.client_ca, ca.get(), Severity::kWarning, false)) {
            ++valid;
          }
        }
        if (valid == 0) {
          error(ca_key + ": " + tls.client_ca +
                " has no certificate valid now: no node connection would be accepted");
        }
      }
    }
    if (tls.allowed_subjects.empty() && tls.allowed_fingerprints.empty()) {
      warning(
          "node_listener.tls: neither allowed_subjects nor allowed_fingerprints is set, so "
          "any client certificate issued by client_ca is accepted: pin the node's "
          "certificate");
    }
  }

  // The PostgreSQL engine needs no local files but its password's; the server itself is
  // reached when check-config opens the store.
  void checkPasswordFile(const StorageConfig& storage) {
    if (storage.password_file.empty()) return;
    const std::string key = "storage.password_file";
    struct stat st {};
    if (::stat(storage.password_file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      error(key + ": " + storage.password_file + " is not a file: create it, holding the password");
    } else if (::access(storage.password_file.c_str(), R_OK) != 0) {
      const int err = errno;
      error(key + ": cannot read " + storage.password_file + " (" + std::strerror(err) +
            "): give it to the user ponte runs as");
    } else if ((st.st_mode & 0077) != 0) {
      warning(key + ": " + storage.password_file + " can be read by other users: chmod 600 it");
    }
  }

  void checkDatabase(const StorageConfig& storage) {
    if (storage.engine == StorageEngine::kPostgres) return checkPasswordFile(storage);
    const std::string key = "storage.path";
    namespace fs = std::filesystem;
    const fs::path db(storage.path);
    const fs::path dir = db.parent_path().empty() ? fs::path(".") : db.parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      error(key + ": the directory " + dir.string() +
            " does not exist: create it, owned by the user ponte runs as");
      return;
    }
    // SQLite creates journal and WAL files next to the database, so the directory itself
    // must be writable; creating a file is the only test that also holds for root, ACLs and
    // read-only mounts.
    std::string probe = (dir / ".ponte-check-XXXXXX").string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) {
      const int err = errno;
      error(key + ": cannot create files in " + dir.string() + " (" + std::strerror(err) +
            "): the database needs a writable directory for its journal and WAL files");
    } else {
      ::close(fd);
      ::unlink(probe.c_str());
    }
    if (fs::exists(db, ec)) {
      if (!fs::is_regular_file(db, ec)) {
        error(key + ": " + db.string() + " exists and is not a regular file: choose another path");
      } else if (::access(db.c_str(), R_OK | W_OK) != 0) {
        const int err = errno;
        error(key + ": cannot write " + db.string() + " (" + std::strerror(err) +
              "): give it to the user ponte runs as");
      }
    }
  }

  void checkTimeZone(const std::string& zone) {
    const char* tzdir = std::getenv("TZDIR");
    const std::filesystem::path dir =
        (tzdir != nullptr && *tzdir != '\0') ? tzdir : "/usr/share/zoneinfo";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(dir / zone, ec)) {
      error("time_zone: " + zone + " is not in " + dir.string() +
            ": install the tzdata package or correct the name (e.g. Europe/Rome)");
    }
  }

  // A subscription key's file: a regular file, readable, holding one non-empty line.
  void checkKeyFile(const std::string& key, const std::string& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      error(key + ": " + file + " is not a file: create it, holding the subscription key");
      return;
    }
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line)) {
      const int err = errno;
      error(key + ": cannot read " + file + " (" + std::strerror(err) +
            "): give it to the user ponte runs as");
      return;
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) {
      error(key + ": " + file + " is empty: write the subscription key on its first line");
    } else if ((st.st_mode & 0077) != 0) {
      warning(key + ": " + file + " can be read by other users: chmod 600 it");
    }
  }

  void checkReadable(const std::string& key, const std::string& file, const char* what) {
    std::ifstream in(file);
    if (!in) {
      error(key + ": cannot read " + file + ": it must be " + what);
    }
  }

  void checkPortal(const Config& config) {
    if (config.checkout) {
      checkKeyFile("checkout.subscription_key_file", config.checkout->subscription_key_file);
      if (!config.checkout->ca_file.empty()) {
        checkReadable("checkout.ca_file", config.checkout->ca_file, "a PEM CA bundle");
      }
      for (const auto& ec : config.creditor_institutions) {
        if (!ec.return_urls) {
          warning("creditor_institutions[" + ec.fiscal_code +
                  "].return_urls is not set: the portal must send returnUrls with each cart");
        }
      }
    }
    if (config.fee_calculator) {
      checkKeyFile("fee_calculator.subscription_key_file",
                   config.fee_calculator->subscription_key_file);
      if (!config.fee_calculator->ca_file.empty()) {
        checkReadable("fee_calculator.ca_file", config.fee_calculator->ca_file,
                      "a PEM CA bundle");
      }
    }
    if (!config.psp_catalogue_file.empty()) checkCatalogue(config.psp_catalogue_file);
  }

  // The PSP catalogue: a readable CatalogoDatiInformativiPSP file of at most 16 MiB whose every
  // channel and amount band reads, as the portal reads it when the API listener starts.
  void checkCatalogue(const std::string& file) {
    const std::string key = "psp_catalogue_file";
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec && size > 16u * 1024 * 1024) {
      error(key + ": " + file + " is larger than 16 MiB: it is not a PSP catalogue");
      return;
    }
    std::ifstream in(file, std::ios::binary);
    if (ec || !in) {
      error(key + ": cannot read " + file +
            ": it must be a CatalogoDatiInformativiPSP file (listaInformativePSP)");
      return;
    }
    const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto parsed = upstream::parseCatalogue(xml);
    if (auto* why = std::get_if<std::string>(&parsed)) {
      error(key + ": " + file + ": " + *why +
            ": export the catalogue again in the CatalogoDatiInformativiPSP format");
    } else if (std::get<std::vector<upstream::CatalogueChannel>>(parsed).empty()) {
      warning(key + ": " + file + " lists no channel: fees will be answered 503");
    }
  }

  CheckReport take() { return std::move(report_); }

 private:
  Clock::time_point now_;
  CheckReport report_;
};

}  // namespace

CheckReport checkFilesAt(const Config& config, Clock::time_point now) {
  Checker checker(now);
  checker.checkServerCertificate(config.node_listener.tls);
  checker.checkClientCa(config.node_listener.tls);
  checker.checkDatabase(config.storage);
  checker.checkTimeZone(config.time_zone);
  checker.checkPortal(config);
  return checker.take();
}

CheckReport checkFiles(const Config& config) { return checkFilesAt(config, Clock::now()); }

}  // namespace ponte::ops
