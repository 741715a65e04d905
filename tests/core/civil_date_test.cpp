// Dates: construction, xs:date parsing with time zones, leap years and arithmetic.
#include <catch2/catch.hpp>

#include "core/civil_date.h"

using ponte::core::Date;

TEST_CASE("Date counts days from 1970-01-01", "[unit]") {
  CHECK(Date::fromYmd(1970, 1, 1)->days() == 0);
  CHECK(Date::fromYmd(1970, 1, 2)->days() == 1);
  CHECK(Date::fromYmd(1969, 12, 31)->days() == -1);
  CHECK(Date::fromYmd(2000, 3, 1)->days() == 11017);
  CHECK(Date::fromYmd(2024, 2, 29)->days() == 19782);
  CHECK(Date::fromDays(19782).iso() == "2024-02-29");
  CHECK(Date::fromDays(-1).iso() == "1969-12-31");
}

TEST_CASE("Date knows leap years", "[unit]") {
  CHECK(Date::fromYmd(2024, 2, 29).has_value());
  CHECK(Date::fromYmd(2000, 2, 29).has_value());        // divisible by 400
  CHECK_FALSE(Date::fromYmd(1900, 2, 29).has_value());  // divisible by 100 only
  CHECK_FALSE(Date::fromYmd(2023, 2, 29).has_value());
  CHECK(Date::fromYmd(2024, 3, 1)->days() - Date::fromYmd(2024, 2, 28)->days() == 2);
  CHECK(Date::fromYmd(2023, 3, 1)->days() - Date::fromYmd(2023, 2, 28)->days() == 1);
}

TEST_CASE("Date refuses days that do not exist", "[unit]") {
  CHECK_FALSE(Date::fromYmd(2024, 4, 31).has_value());
  CHECK_FALSE(Date::fromYmd(2024, 13, 1).has_value());
  CHECK_FALSE(Date::fromYmd(2024, 0, 1).has_value());
  CHECK_FALSE(Date::fromYmd(2024, 1, 0).has_value());
  CHECK_FALSE(Date::fromYmd(2024, 1, 32).has_value());
  CHECK_FALSE(Date::fromYmd(0, 1, 1).has_value());
  CHECK_FALSE(Date::fromYmd(10000, 1, 1).has_value());
  CHECK(Date::fromYmd(2024, 12, 31).has_value());
}

TEST_CASE("Date round-trips through year, month and day", "[unit]") {
  // Every day of four years around a leap year and a century boundary.
  for (int start_year : {1999, 2023}) {
    Date day = *Date::fromYmd(start_year, 1, 1);
    const Date end = *Date::fromYmd(start_year + 4, 1, 1);
    for (; day < end; day = day.plusDays(1)) {
      const auto again = Date::fromYmd(day.year(), day.month(), day.day());
      REQUIRE(again.has_value());
      REQUIRE(*again == day);
      REQUIRE(Date::parse(day.iso()) == day);
    }
  }
  const Date date = *Date::fromYmd(2025, 7, 9);
  CHECK(date.year() == 2025);
  CHECK(date.month() == 7u);
  CHECK(date.day() == 9u);
  CHECK(date.iso() == "2025-07-09");
  CHECK(Date::fromYmd(1, 1, 1)->iso() == "0001-01-01");
  CHECK(Date::fromYmd(9999, 12, 31)->iso() == "9999-12-31");
}

TEST_CASE("Date::parse accepts xs:date with an optional time zone", "[unit]") {
  const Date expected = *Date::fromYmd(2024, 2, 29);
  for (const char* text : {"2024-02-29", "2024-02-29Z", "2024-02-29+01:00", "2024-02-29-05:30",
                           "2024-02-29+14:00", "2024-02-29-14:00", "2024-02-29+00:00"}) {
    INFO("text: " << text);
    CHECK(Date::parse(text) == expected);
  }
}

TEST_CASE("Date::parse refuses anything else", "[unit]") {
  for (const char* text : {"",
                           "2024-2-29",
                           "2024-02-9",
                           "24-02-29",
                           "2024/02/29",
                           "2024-02-29T00:00:00",
                           "2023-02-29",
                           "2024-02-30",
                           "2024-13-01",
                           "2024-00-10",
                           "2024-02-29z",
                           "2024-02-29+1:00",
                           "2024-02-29+01",
                           "2024-02-29+0100",
                           "2024-02-29+14:01",
                           "2024-02-29+15:00",
                           "2024-02-29+01:60",
                           "2024-02-29 ",
                           " 2024-02-29",
                           "-2024-02-29",
                           "20240-02-29",
                           "2024-02-29ZZ",
                           "abcd-ef-gh",
                           "0000-01-01"}) {
    INFO("text: '" << text << "'");
    CHECK_FALSE(Date::parse(text).has_value());
  }
}

TEST_CASE("Date compares and adds days", "[unit]") {
  const Date a = *Date::fromYmd(2024, 12, 31);
  CHECK(a.plusDays(1) == *Date::fromYmd(2025, 1, 1));
  CHECK(a.plusDays(-366) == *Date::fromYmd(2023, 12, 31));
  CHECK(a < a.plusDays(1));
  CHECK(a.plusDays(60) > a);
}
