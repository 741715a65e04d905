// Builders for the store tests: realistic positions (every field set), receipts, temp dirs and a
// way to wait for the store's callbacks without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "store/store.h"

namespace ponte::store::testing {

inline constexpr const char* kEcA = "80015010723";
inline constexpr const char* kEcB = "83000390019";

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at scope end.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A valid aux-3 notice number (segregation code 01) whose 13-digit base is `serial`, and its IUV.
struct Notice {
  std::string nav;
  std::string iuv;
};
Notice notice(std::uint64_t serial);

// A single-option position (VALID) with two transfers (IBAN + postal), metadata and a schedule.
core::DebtPosition singlePosition(const std::string& ec, const std::string& iupd,
                                  std::uint64_t serial);

// A position with every field set: debtor, validity, coercive data, one single option and an
// installment plan of `installments` options, with stamps, postal IBANs, metadata, schedules.
// Notice serials are serial, serial+1, ..., serial+installments.
core::DebtPosition fullPosition(const std::string& ec, const std::string& iupd,
                                std::uint64_t serial, int installments = 2);

// A receipt for `nav` of the EC, fully filled (v2 fields, payer, transfers, metadata).
ReceiptWrite receiptFor(const std::string& ec, const std::string& nav,
                        const std::string& receipt_id, std::int64_t received_at_unix_ms,
                        std::vector<std::string> routes = {"ledger-a", "ledger-b"});

// Waits (with a generous deadline, never a sleep) for a callback-style store call.
template <class T>
Result<T> await(std::future<Result<T>> f) {
  if (f.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    return Error{ErrorKind::kFatal, "test: the store never called back"};
  }
  return f.get();
}

Result<ReceiptOutcome> commit(Store& store, ReceiptWrite write);
Result<core::DebtPosition> createSpontaneous(Store& store, const std::string& ec,
                                             const std::string& counter, std::uint64_t* value_seen);

}  // namespace ponte::store::testing
