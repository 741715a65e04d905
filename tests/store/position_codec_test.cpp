// The binary position document: exact round trips, determinism, and refusal of damaged bytes.
#include "store/position_codec.h"

#include <catch2/catch.hpp>

#include <random>

#include "store_fixtures.h"

namespace ponte::store::testing {

TEST_CASE("store codec: position documents round-trip every field", "[unit][store]") {
  core::DebtPosition p = fullPosition(kEcA, "CODEC", 1, 3);
  p.options[1].status = core::OptionStatus::kPaid;
  p.options[2].retention_date.reset();
  p.status = core::PositionStatus::kPartiallyPaid;
  p.coercive.sent = true;
  p.debtor.type = 'G';
  p.options[0].amount = core::kMaxCents;
  p.options[0].due_date = core::Date::fromDays(-719162);  // year 1: negative day numbers
  std::string blob = encodePosition(p);
  auto back = decodePosition(blob);
  REQUIRE(back.has_value());
  CHECK(*back == p);
  CHECK(encodePosition(*back) == blob);  // deterministic: equal positions, equal bytes

  core::DebtPosition empty;
  auto empty_back = decodePosition(encodePosition(empty));
  REQUIRE(empty_back.has_value());
  CHECK(*empty_back == empty);
}

TEST_CASE("store codec: damaged position documents are refused without reading out of bounds",
          "[unit][store]") {
  const std::string blob = encodePosition(fullPosition(kEcA, "CODEC", 1, 2));
  SECTION("every truncation") {
    for (std::size_t n = 0; n < blob.size(); ++n) {
      REQUIRE_FALSE(decodePosition(std::string_view(blob).substr(0, n)).has_value());
    }
  }
  SECTION("trailing bytes and unknown versions") {
    CHECK_FALSE(decodePosition(blob + '\0').has_value());
    std::string v2 = blob;
    v2[0] = 2;
    CHECK_FALSE(decodePosition(v2).has_value());
  }
  SECTION("random corruption never crashes") {
    std::mt19937 rng(12345);
    int decoded = 0;
    for (int round = 0; round < 2000; ++round) {
      std::string bad = blob;
      for (int k = 0; k < 3; ++k) {
        bad[rng() % bad.size()] = static_cast<char>(rng() & 0xff);
      }
      if (decodePosition(bad)) ++decoded;  // some flips only change a character of a string
    }
    CHECK(decoded < 2000);
  }
  SECTION("a huge element count does not allocate for it") {
    std::string bad;
    bad.push_back(1);                               // version
    for (int i = 0; i < 22; ++i) bad.push_back(0);  // every field before the option count
    bad += "\xff\xff\xff\xff\x0f";                  // 4 294 967 295 options, in 5 bytes
    CHECK_FALSE(decodePosition(bad).has_value());
  }
}

}  // namespace ponte::store::testing
