// Amount schedules: the amount due on a day, and the coherence checks on a schedule.
#include <catch2/catch.hpp>

#include "core/amount_schedule.h"
#include "position_fixtures.h"

using namespace ponte::core;
using ponte::core::testing::option;
using ponte::core::testing::transfer;
using ponte::core::testing::ymd;

namespace {

const Date kNotified = ymd(2025, 3, 10);

// A traffic fine notified on 2025-03-10: 100.00 euro, of which 10.00 go to a second beneficiary.
// Reduced by 30% within 5 days of notification, ordinary within 60 days, increased after.
PaymentOption trafficFine() {
  PaymentOption o = option("01000000000000401", 10000, kNotified.plusDays(60));
  o.transfers = {transfer(1, 9000), transfer(2, 1000, "00000000302")};
  o.schedule = {
      AmountStep{kNotified.plusDays(5), 7000, {6300, 700}, "reduced"},
      AmountStep{kNotified.plusDays(60), 10000, {9000, 1000}, "ordinary"},
      AmountStep{std::nullopt, 20000, {18000, 2000}, "increased"},
  };
  return o;
}

}  // namespace

TEST_CASE("an option without schedule always asks its own amounts", "[unit]") {
  PaymentOption o = option("01000000000000101", 12345, ymd(2025, 6, 30));
  o.transfers = {transfer(1, 12000), transfer(2, 345, "00000000302")};
  const DueAmount expected{12345, {12000, 345}, ""};
  CHECK(amountDue(o, ymd(2020, 1, 1)) == expected);
  CHECK(amountDue(o, ymd(2025, 6, 30)) == expected);
  CHECK(amountDue(o, ymd(2030, 1, 1)) == expected);
  CHECK_FALSE(checkSchedule(o).has_value());
}

TEST_CASE("a traffic fine is reduced, then ordinary, then increased", "[unit]") {
  const PaymentOption fine = trafficFine();
  REQUIRE_FALSE(checkSchedule(fine).has_value());

  const DueAmount reduced{7000, {6300, 700}, "reduced"};
  const DueAmount ordinary{10000, {9000, 1000}, "ordinary"};
  const DueAmount increased{20000, {18000, 2000}, "increased"};
  // A payment before the notification date is still within the first step.
  CHECK(amountDue(fine, kNotified.plusDays(-3)) == reduced);
  CHECK(amountDue(fine, kNotified) == reduced);
  // `until` is inclusive.
  CHECK(amountDue(fine, kNotified.plusDays(5)) == reduced);
  CHECK(amountDue(fine, kNotified.plusDays(6)) == ordinary);
  CHECK(amountDue(fine, kNotified.plusDays(60)) == ordinary);
  CHECK(amountDue(fine, kNotified.plusDays(61)) == increased);
  CHECK(amountDue(fine, kNotified.plusDays(3650)) == increased);
}

TEST_CASE("after the last closed step, its amount still applies", "[unit]") {
  PaymentOption fine = trafficFine();
  fine.schedule.pop_back();
  REQUIRE_FALSE(checkSchedule(fine).has_value());
  CHECK(amountDue(fine, kNotified.plusDays(61)) == DueAmount{10000, {9000, 1000}, "ordinary"});
}

TEST_CASE("a single open step applies every day", "[unit]") {
  PaymentOption o = option("01000000000000101", 5000, ymd(2025, 6, 30));
  o.schedule = {AmountStep{std::nullopt, 4000, {4000}, "flat"}};
  REQUIRE_FALSE(checkSchedule(o).has_value());
  CHECK(amountDue(o, ymd(1999, 1, 1)).amount == 4000);
  CHECK(amountDue(o, ymd(2099, 1, 1)) == DueAmount{4000, {4000}, "flat"});
}

TEST_CASE("checkSchedule explains incoherent schedules", "[unit]") {
  PaymentOption fine = trafficFine();

  SECTION("steps out of order") {
    std::swap(fine.schedule[0], fine.schedule[1]);
    const auto problem = checkSchedule(fine);
    REQUIRE(problem.has_value());
    CHECK_THAT(*problem, Catch::Contains("is not after the previous step"));
  }
  SECTION("two steps ending the same day") {
    fine.schedule[1].until = fine.schedule[0].until;
    REQUIRE(checkSchedule(fine).has_value());
  }
  SECTION("an open step that is not last") {
    fine.schedule[1].until.reset();
    const auto problem = checkSchedule(fine);
    REQUIRE(problem.has_value());
    CHECK_THAT(*problem, Catch::Contains("only the last step"));
  }
  SECTION("a step with too few transfer amounts") {
    fine.schedule[2].transfer_amounts = {20000};
    const auto problem = checkSchedule(fine);
    REQUIRE(problem.has_value());
    CHECK_THAT(*problem, Catch::Contains("1 transfer amounts for 2 transfers"));
    CHECK_THAT(*problem, Catch::Contains("increased"));
  }
  SECTION("a step with too many transfer amounts") {
    fine.schedule[0].transfer_amounts.push_back(1);
    REQUIRE(checkSchedule(fine).has_value());
  }
  SECTION("transfer amounts not adding up to the step") {
    fine.schedule[0].transfer_amounts = {6300, 701};
    const auto problem = checkSchedule(fine);
    REQUIRE(problem.has_value());
    CHECK_THAT(*problem, Catch::Contains("add up to 70.01, not 70.00"));
  }
  SECTION("a zero step amount") {
    fine.schedule[1] = AmountStep{fine.schedule[1].until, 0, {0, 0}, "ordinary"};
    REQUIRE(checkSchedule(fine).has_value());
  }
  SECTION("a negative transfer amount") {
    fine.schedule[1].transfer_amounts = {10100, -100};
    const auto problem = checkSchedule(fine);
    REQUIRE(problem.has_value());
    CHECK_THAT(*problem, Catch::Contains("transfer 2 must be positive"));
  }
  SECTION("an amount above the pagoPA maximum") {
    fine.schedule[2] = AmountStep{std::nullopt, kMaxCents + 1, {kMaxCents, 1}, "increased"};
    REQUIRE(checkSchedule(fine).has_value());
  }
}

TEST_CASE("checkSchedule checks plain options too", "[unit]") {
  PaymentOption o = option("01000000000000101", 10000, ymd(2025, 6, 30));
  o.transfers = {transfer(1, 9000), transfer(2, 999, "00000000302")};
  CHECK(checkSchedule(o).has_value());
  o.transfers[1].amount = 1000;
  CHECK_FALSE(checkSchedule(o).has_value());
  o.amount = 0;
  o.transfers = {};
  CHECK(checkSchedule(o).has_value());
}
