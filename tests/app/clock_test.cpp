// Calendar days in Rome around the daylight-saving changes.
#include <catch2/catch.hpp>

#include "app/clock.h"

using ponte::app::romeDate;
using ponte::core::Date;

TEST_CASE("the Rome day follows CET and CEST", "[unit]") {
  // 2026-03-29 is the last Sunday of March: CEST from 01:00 UTC.
  CHECK(romeDate(1774738799000) == Date::parse("2026-03-28"));  // 2026-03-28T22:59:59Z = 23:59:59 CET
  CHECK(romeDate(1774738800000) == Date::parse("2026-03-29"));  // 23:00Z = midnight CET
  CHECK(romeDate(1774821599000) == Date::parse("2026-03-29"));  // 2026-03-29T21:59:59Z = 23:59:59 CEST
  CHECK(romeDate(1774821600000) == Date::parse("2026-03-30"));  // 22:00Z = midnight CEST
  // Summer: 22:00 UTC is midnight in Rome.
  CHECK(romeDate(1782165599000) == Date::parse("2026-06-22"));  // 2026-06-22T21:59:59Z
  CHECK(romeDate(1782165600000) == Date::parse("2026-06-23"));  // 22:00:00Z
  // Winter: 23:00 UTC is midnight in Rome.
  CHECK(romeDate(1795388399000) == Date::parse("2026-11-22"));  // 2026-11-22T22:59:59Z
  CHECK(romeDate(1795388400000) == Date::parse("2026-11-23"));  // 23:00:00Z
}
