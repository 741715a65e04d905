// Where the portal's PSP fees come from: pagoPA's fee calculator (cached, with a deadline and a
// stale answer when it fails), else the legacy PSP catalogue file, or both (the catalogue then
// answers when the calculator fails and has no stale list).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/fee_ranking.h"
#include "upstream/fee_calculator.h"
#include "upstream/psp_catalogue.h"

namespace ponte::portal {

struct FeeAnswer {
  std::vector<core::FeeOffer> offers;  // fee ascending, then PSP name
  std::string source;                  // "calculator" or "catalogue"
  bool stale = false;                  // the calculator failed: its last list for this query
  bool below_threshold = false;
  std::int64_t fetched_at_ms = 0;  // when the calculator gave the list (or now)
};

struct FeeUnavailable {
  std::string detail;  // for the log
};

class FeeSource {
 public:
  // Either source may be absent. now_ms is the clock of the calculator's cache.
  FeeSource(std::optional<upstream::FeeCalculatorOptions> calculator,
            std::optional<std::vector<upstream::CatalogueChannel>> catalogue,
            std::function<std::int64_t()> now_ms);

  bool configured() const { return calculator_ != nullptr || catalogue_.has_value(); }

  // The offers for the query, whose notices add up to `total`. Blocking: at most the
  // calculator's timeout. Thread-safe.
  std::variant<FeeAnswer, FeeUnavailable> fees(const upstream::FeeQuery& query, core::Cents total);

 private:
  std::unique_ptr<upstream::FeeCalculator> calculator_;
  std::optional<std::vector<upstream::CatalogueChannel>> catalogue_;
  std::function<std::int64_t()> now_ms_;
};

}  // namespace ponte::portal
