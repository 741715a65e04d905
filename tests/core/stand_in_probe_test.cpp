// The stand-in probe notice number.
#include <catch2/catch.hpp>

#include "core/notice_number.h"
#include "core/stand_in_probe.h"

using ponte::core::isStandInProbe;

TEST_CASE("only eighteen zeros are the stand-in probe", "[unit]") {
  CHECK(isStandInProbe("000000000000000000"));
  CHECK_FALSE(isStandInProbe("00000000000000000"));
  CHECK_FALSE(isStandInProbe("0000000000000000000"));
  CHECK_FALSE(isStandInProbe("000000000000000001"));
  CHECK_FALSE(isStandInProbe("300000000000000003"));
  CHECK_FALSE(isStandInProbe(""));
}

TEST_CASE("the probe parses as a valid notice, so it must be caught before lookup", "[unit]") {
  const auto parsed = ponte::core::parseNoticeNumber(ponte::core::kStandInProbeNotice);
  REQUIRE(parsed.has_value());
  CHECK(parsed->aux_digit == 0);
  CHECK(parsed->code == "00");
}
