// Test fixtures for ops_tests: a private temporary directory and certificates made in-process.
#pragma once

#include <ctime>
#include <filesystem>
#include <string>

namespace ponte::ops::testing {

// A fresh directory under the system's temporary directory, removed with its content on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes text to a file, replacing it; throws std::runtime_error when it cannot.
void writeFile(const std::filesystem::path& path, const std::string& text);

// Makes a new P-256 key and a self-signed certificate for it with subject CN=common_name,
// valid from not_before to not_after, and writes both as PEM. With a non-empty passphrase the
// key is written encrypted (AES-256-CBC). Throws std::runtime_error on any OpenSSL failure.
void writeSelfSigned(const std::filesystem::path& cert_path, const std::filesystem::path& key_path,
                     const std::string& common_name, std::time_t not_before, std::time_t not_after,
                     const std::string& passphrase = "");

}  // namespace ponte::ops::testing
