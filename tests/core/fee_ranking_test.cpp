// Cheapest first, and the legacy catalogue's amount bands at their edges.
#include <catch2/catch.hpp>

#include "core/fee_ranking.h"

using namespace ponte::core;

TEST_CASE("offers are ranked by fee, then PSP name", "[unit]") {
  std::vector<FeeOffer> offers = {
      {"P3", "Zeta Bank", "CP", "CHECKOUT", "b3", 150, false},
      {"P1", "Alfa Pay", "CP", "CHECKOUT", "b1", 150, false},
      {"P2", "Beta", "PPAL", "CHECKOUT", "b2", 90, false},
      {"P1", "Alfa Pay", "BBT", "CHECKOUT", "b0", 150, true},
  };
  rankOffers(offers);
  CHECK(offers[0].psp_id == "P2");
  CHECK(offers[1].bundle_id == "b0");  // Alfa Pay, its two bundles by bundle id
  CHECK(offers[2].bundle_id == "b1");
  CHECK(offers[3].psp_id == "P3");  // Zeta Bank last among the 1.50 offers
}

TEST_CASE("the fee of an amount comes from the smallest band that holds it", "[unit]") {
  // Bands: up to 100.00 -> 1.00 + 0.00; up to 1000.00 -> 1.50 + 0.50; up to 5000.00 -> 2.00 + 1.00.
  const std::vector<FeeBand> bands = {{500000, 200, 100}, {10000, 100, 0}, {100000, 150, 50}};
  CHECK(feeForAmount(bands, 1) == 100);
  CHECK(feeForAmount(bands, 10000) == 100);  // the edge belongs to the lower band
  CHECK(feeForAmount(bands, 10001) == 200);  // one cent more: 1.50 + 0.50
  CHECK(feeForAmount(bands, 100000) == 200);
  CHECK(feeForAmount(bands, 100001) == 300);  // 2.00 + 1.00
  CHECK(feeForAmount(bands, 500000) == 300);
  CHECK_FALSE(feeForAmount(bands, 500001));  // above every band
  CHECK_FALSE(feeForAmount({}, 100));
}
