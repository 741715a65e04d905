// Fee ordering and band lookup.
#include "core/fee_ranking.h"

#include <algorithm>
#include <tuple>

namespace ponte::core {

void rankOffers(std::vector<FeeOffer>& offers) {
  std::sort(offers.begin(), offers.end(), [](const FeeOffer& a, const FeeOffer& b) {
    return std::tie(a.fee, a.psp_name, a.psp_id, a.bundle_id) <
           std::tie(b.fee, b.psp_name, b.psp_id, b.bundle_id);
  });
}

std::optional<Cents> feeForAmount(const std::vector<FeeBand>& bands, Cents amount) {
  const FeeBand* best = nullptr;
  for (const FeeBand& band : bands) {
    if (band.max_amount >= amount && (!best || band.max_amount < best->max_amount)) best = &band;
  }
  if (!best) return std::nullopt;
  return best->fixed_cost + best->commission;
}

}  // namespace ponte::core
