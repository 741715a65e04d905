// In-process certificate generation with OpenSSL, so tests need neither the openssl CLI nor
// files from a previous run.
#include "test_files.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <fstream>
#include <memory>
#include <stdexcept>

namespace ponte::ops::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ponte-ops-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void writeFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL: ") + what);
}

}  // namespace

void writeSelfSigned(const std::filesystem::path& cert_path, const std::filesystem::path& key_path,
                     const std::string& common_name, std::time_t not_before, std::time_t not_after,
                     const std::string& passphrase) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  require(key != nullptr, "EVP_EC_gen");
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  require(cert != nullptr, "X509_new");
  require(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
  require(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1, "serial");
  require(ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before) != nullptr, "notBefore");
  require(ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_after) != nullptr, "notAfter");
  X509_NAME* name = X509_get_subject_name(cert.get());
  require(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                     -1, -1, 0) == 1,
          "subject");
  require(X509_set_issuer_name(cert.get(), name) == 1, "issuer");
  require(X509_set_pubkey(cert.get(), key.get()) == 1, "pubkey");
  require(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign");

  std::unique_ptr<BIO, decltype(&BIO_free)> cert_out(BIO_new_file(cert_path.c_str(), "w"),
                                                     BIO_free);
  require(cert_out && PEM_write_bio_X509(cert_out.get(), cert.get()) == 1, "write certificate");
  std::unique_ptr<BIO, decltype(&BIO_free)> key_out(BIO_new_file(key_path.c_str(), "w"), BIO_free);
  require(key_out != nullptr, "open key file");
  if (passphrase.empty()) {
    require(PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                     nullptr) == 1,
            "write key");
  } else {
    require(PEM_write_bio_PKCS8PrivateKey(key_out.get(), key.get(), EVP_aes_256_cbc(),
                                          passphrase.c_str(), static_cast<int>(passphrase.size()),
                                          nullptr, nullptr) == 1,
            "write encrypted key");
  }
}

}  // namespace ponte::ops::testing
