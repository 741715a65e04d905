// Money: the wire's strict stAmount lexical form and its formatting from cents.
#include <catch2/catch.hpp>

#include <initializer_list>

#include "core/money.h"

using ponte::core::formatAmount;
using ponte::core::kMaxCents;
using ponte::core::parseAmount;

TEST_CASE("formatAmount writes euros with exactly two decimals", "[unit]") {
  CHECK(formatAmount(0) == "0.00");
  CHECK(formatAmount(5) == "0.05");
  CHECK(formatAmount(50) == "0.50");
  CHECK(formatAmount(100) == "1.00");
  CHECK(formatAmount(1234) == "12.34");
  CHECK(formatAmount(100000) == "1000.00");
  CHECK(formatAmount(kMaxCents) == "999999999.99");
}

TEST_CASE("parseAmount accepts the stAmount lexical form", "[unit]") {
  CHECK(parseAmount("0.00") == 0);  // stAmount allows zero; stAmountNotZero is the caller's check
  CHECK(parseAmount("0.01") == 1);
  CHECK(parseAmount("10.00") == 1000);
  CHECK(parseAmount("12.34") == 1234);
  CHECK(parseAmount("999999999.99") == kMaxCents);
  // Leading zeros are lexically valid xs:decimal and do not change the value.
  CHECK(parseAmount("0010.50") == 1050);
  CHECK(parseAmount("0999999999.99") == kMaxCents);
}

TEST_CASE("parseAmount refuses every other form", "[unit]") {
  for (const char* text : {"1e5", "10", "10.5", "-1.00", "+1.00", "1.000", " 1.00", "1.00 ", ".50",
                           "1.", "1,00", "1..00", "1.0a", "a.00", "", ".", "1.00\n", "１.00"}) {
    INFO("text: '" << text << "'");
    CHECK_FALSE(parseAmount(text).has_value());
  }
}

TEST_CASE("parseAmount refuses amounts above the pagoPA maximum", "[unit]") {
  CHECK_FALSE(parseAmount("1000000000.00").has_value());
  CHECK_FALSE(parseAmount("9999999999.99").has_value());
  // Far beyond int64: must be refused, not wrap around.
  CHECK_FALSE(parseAmount("99999999999999999999999999.99").has_value());
}

TEST_CASE("formatAmount and parseAmount round-trip", "[unit]") {
  for (ponte::core::Cents cents :
       std::initializer_list<ponte::core::Cents>{0, 1, 9, 10, 99, 101, 123456789, kMaxCents}) {
    CHECK(parseAmount(formatAmount(cents)) == cents);
  }
}
