// PSP fees for one or more notices from pagoPA's fee calculator (AFM calculator v2, POST /fees
// ordered by fee), with a short cache and a stale answer when the calculator fails.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "core/fee_ranking.h"
#include "core/money.h"
#include "upstream/http_call.h"

namespace ponte::upstream {

struct FeeCalculatorOptions {
  std::string base_url;  // e.g. https://api.platform.pagopa.it/afm/calculator-service/v2
  std::string subscription_key;
  long timeout_ms = 2000;                 // the calculator's deadline: a portal waits for this call
  std::int64_t cache_ttl_ms = 60'000;     // a fresh answer is reused this long
  std::int64_t stale_max_ms = 3'600'000;  // a failed call may answer a list this old, marked stale
  int max_occurrences = 10;
  TlsSettings tls;
};

struct FeeTransfer {
  std::string creditor_institution;
  std::string category;  // taxonomy code
  bool digital_stamp = false;
};

struct FeeNotice {
  core::Cents amount = 0;
  std::string primary_creditor_institution;
  std::vector<FeeTransfer> transfers;
};

struct FeeQuery {
  std::vector<FeeNotice> notices;  // 1..5
  std::string payment_method;      // optional filter, e.g. "CP"
  std::string touchpoint;          // optional filter, e.g. "CHECKOUT"
};

struct FeeListing {
  std::vector<core::FeeOffer> offers;  // ranked: fee ascending, then PSP name
  bool stale = false;                  // the calculator failed: this is the last good answer
  bool below_threshold = false;
  std::int64_t fetched_at_ms = 0;
};

struct FeeFailure {
  std::string detail;  // for the log: timeout, HTTP status, malformed answer
};

// The JSON body of POST /fees for a query (PaymentOptionMulti).
std::string feeQueryJson(const FeeQuery& query);

// Reads a CalculatorMultiBundleOption answer into ranked offers; FeeFailure when it is not one.
std::variant<FeeListing, FeeFailure> parseFeeAnswer(const std::string& body);

// Thread-safe. The clock returns milliseconds (tests pass a fake one).
class FeeCalculator {
 public:
  FeeCalculator(FeeCalculatorOptions options, std::function<std::int64_t()> now_ms);

  // Fresh from the cache, else from the calculator; on failure the last good answer for the
  // same query when it is younger than stale_max_ms (marked stale), else FeeFailure.
  std::variant<FeeListing, FeeFailure> fees(const FeeQuery& query);

 private:
  FeeCalculatorOptions options_;
  std::function<std::int64_t()> now_ms_;
  std::mutex mutex_;
  std::map<std::string, FeeListing> cache_;  // by request body
};

}  // namespace ponte::upstream
