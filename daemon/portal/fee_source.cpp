// The portal's PSP fees from the calculator or the catalogue.
#include "portal/fee_source.h"

namespace ponte::portal {

FeeSource::FeeSource(std::optional<upstream::FeeCalculatorOptions> calculator,
                     std::optional<std::vector<upstream::CatalogueChannel>> catalogue,
                     std::function<std::int64_t()> now_ms)
    : catalogue_(std::move(catalogue)), now_ms_(std::move(now_ms)) {
  if (calculator) {
    calculator_ = std::make_unique<upstream::FeeCalculator>(std::move(*calculator), now_ms_);
  }
}

std::variant<FeeAnswer, FeeUnavailable> FeeSource::fees(const upstream::FeeQuery& query,
                                                        core::Cents total) {
  std::string detail = "no fee source is configured";
  if (calculator_) {
    auto result = calculator_->fees(query);
    if (auto* listing = std::get_if<upstream::FeeListing>(&result)) {
      return FeeAnswer{std::move(listing->offers), "calculator", listing->stale,
                       listing->below_threshold, listing->fetched_at_ms};
    }
    detail = std::get<upstream::FeeFailure>(result).detail;
  }
  if (catalogue_) {
    // The catalogue prices one payment of the whole amount: a cart pays one commission.
    // Touchpoints are not in the catalogue, so only the payment method filters it.
    return FeeAnswer{upstream::catalogueOffers(*catalogue_, total, query.payment_method),
                     "catalogue", false, false, now_ms_()};
  }
  return FeeUnavailable{detail};
}

}  // namespace ponte::portal
