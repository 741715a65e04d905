// Payability: which PAA_* fault, if any, answers a verify or get-payment for an option today.
#include <catch2/catch.hpp>

#include "core/payability.h"
#include "position_fixtures.h"

using namespace ponte::core;
using ponte::core::testing::plansPosition;
using ponte::core::testing::singlePosition;
using ponte::core::testing::ymd;

namespace {

const Date kToday = ymd(2025, 5, 15);

// The fault code answered, or nullopt when payable.
std::optional<FaultCode> answer(const DebtPosition& p, std::size_t index, Date today = kToday) {
  const auto fault = checkPayable(p, index, today);
  if (!fault) return std::nullopt;
  // Every fault carries a description, and none points at a list element.
  CHECK_FALSE(fault->description.empty());
  CHECK_FALSE(fault->serial.has_value());
  return fault->code;
}

}  // namespace

TEST_CASE("GPD statuses map to the gpd-payments answers", "[unit]") {
  DebtPosition p = singlePosition();
  const std::pair<PositionStatus, std::optional<FaultCode>> table[] = {
      {PositionStatus::kDraft, FaultCode::kPagamentoSconosciuto},
      {PositionStatus::kPublished, FaultCode::kPagamentoSconosciuto},
      {PositionStatus::kValid, std::nullopt},
      {PositionStatus::kInvalid, FaultCode::kPagamentoAnnullato},
      {PositionStatus::kExpired, FaultCode::kPagamentoScaduto},
      {PositionStatus::kPartiallyPaid, std::nullopt},
      {PositionStatus::kPaid, FaultCode::kPagamentoDuplicato},
      {PositionStatus::kReported, FaultCode::kPagamentoDuplicato},
  };
  for (const auto& [status, expected] : table) {
    INFO("status: " << toString(status));
    p.status = status;
    CHECK(answer(p, 0) == expected);
  }
}

TEST_CASE("a paid option is a duplicate whatever the position says", "[unit]") {
  DebtPosition p = singlePosition();
  for (OptionStatus status :
       {OptionStatus::kPaid, OptionStatus::kPartiallyReported, OptionStatus::kReported}) {
    p.options[0].status = status;
    CHECK(answer(p, 0) == FaultCode::kPagamentoDuplicato);
  }
  p.options[0].status = OptionStatus::kPaid;
  CHECK(checkPayable(p, 0, kToday)->description == "The notice has already been paid");
}

TEST_CASE("a position becomes payable on its validity date", "[unit]") {
  DebtPosition p = singlePosition();
  p.validity_date = kToday.plusDays(1);
  const auto fault = checkPayable(p, 0, kToday);
  REQUIRE(fault.has_value());
  CHECK(fault->code == FaultCode::kPagamentoSconosciuto);
  CHECK(fault->description == "The notice is payable from 2025-05-16");
  CHECK_FALSE(checkPayable(p, 0, kToday.plusDays(1)).has_value());
  p.validity_date = kToday;
  CHECK_FALSE(checkPayable(p, 0, kToday).has_value());
}

TEST_CASE("coercive collection cancels the notice and names the collector reference", "[unit]") {
  DebtPosition p = singlePosition();
  p.coercive = CoerciveCollection{true, "ADER-2025-000123", "https://collector.example/"};
  const auto fault = checkPayable(p, 0, kToday);
  REQUIRE(fault.has_value());
  CHECK(fault->code == FaultCode::kPagamentoAnnullato);
  CHECK_THAT(fault->description, Catch::Contains("coercive collection"));
  CHECK_THAT(fault->description, Catch::Contains("ADER-2025-000123"));

  p.coercive.collector_reference.clear();
  CHECK(answer(p, 0) == FaultCode::kPagamentoAnnullato);

  // Already paid before it was sent: the payer learns it is paid, not that it is cancelled.
  p.options[0].status = OptionStatus::kPaid;
  CHECK(answer(p, 0) == FaultCode::kPagamentoDuplicato);

  p.options[0].status = OptionStatus::kUnpaid;
  p.coercive.sent = false;
  CHECK(answer(p, 0) == std::nullopt);
}

TEST_CASE("switch_to_expired ends payability after the due date", "[unit]") {
  DebtPosition p = singlePosition();  // due 2025-06-30
  const Date due = ymd(2025, 6, 30);
  CHECK(answer(p, 0, due.plusDays(1)) == std::nullopt);  // no switch: payable late

  p.switch_to_expired = true;
  CHECK(answer(p, 0, due) == std::nullopt);
  const auto fault = checkPayable(p, 0, due.plusDays(1));
  REQUIRE(fault.has_value());
  CHECK(fault->code == FaultCode::kPagamentoScaduto);
  CHECK(fault->description == "The notice expired on 2025-06-30");

  SECTION("an open-ended schedule step keeps it payable") {
    p.options[0].schedule = {AmountStep{due, 10000, {10000}, "ordinary"},
                             AmountStep{std::nullopt, 12000, {12000}, "late"}};
    CHECK(answer(p, 0, due.plusDays(400)) == std::nullopt);
  }
  SECTION("a closed schedule ending after the due date extends it to its end") {
    p.options[0].schedule = {AmountStep{due, 10000, {10000}, "ordinary"},
                             AmountStep{due.plusDays(30), 12000, {12000}, "late"}};
    CHECK(answer(p, 0, due.plusDays(30)) == std::nullopt);
    CHECK(answer(p, 0, due.plusDays(31)) == FaultCode::kPagamentoScaduto);
  }
  SECTION("a closed schedule ending before the due date does not shorten it") {
    p.options[0].schedule = {AmountStep{due.plusDays(-10), 10000, {10000}, "ordinary"}};
    CHECK(answer(p, 0, due) == std::nullopt);
    CHECK(answer(p, 0, due.plusDays(1)) == FaultCode::kPagamentoScaduto);
  }
}

TEST_CASE("the single option and the installment plans exclude each other", "[unit]") {
  DebtPosition p = plansPosition();
  for (std::size_t i = 0; i < p.options.size(); ++i) CHECK(answer(p, i) == std::nullopt);

  SECTION("the single option paid: every installment is a duplicate") {
    p.options[0].status = OptionStatus::kPaid;
    p.status = PositionStatus::kPaid;
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      CHECK(answer(p, i) == FaultCode::kPagamentoDuplicato);
    }
    // Even if the position status lagged behind, the options decide.
    p.status = PositionStatus::kValid;
    for (std::size_t i = 1; i < p.options.size(); ++i) {
      CHECK(answer(p, i) == FaultCode::kPagamentoDuplicato);
    }
  }
  SECTION("an installment of plan A paid") {
    p.options[1].status = OptionStatus::kPaid;
    p.status = PositionStatus::kPartiallyPaid;
    CHECK(answer(p, 0) == FaultCode::kPagamentoDuplicato);  // the single option
    CHECK(answer(p, 1) == FaultCode::kPagamentoDuplicato);  // itself
    CHECK(answer(p, 2) == std::nullopt);                    // the rest of plan A
    CHECK(answer(p, 3) == FaultCode::kPagamentoDuplicato);  // plan B
    CHECK(answer(p, 4) == FaultCode::kPagamentoDuplicato);
    CHECK(answer(p, 5) == FaultCode::kPagamentoDuplicato);
    CHECK(checkPayable(p, 3, kToday)->description ==
          "The debt is being paid with another installment plan");
    CHECK(checkPayable(p, 0, kToday)->description ==
          "The debt is being paid in installments: the single payment is closed");
  }
  SECTION("a reported installment of plan B counts as paid") {
    p.options[4].status = OptionStatus::kReported;
    p.status = PositionStatus::kPartiallyPaid;
    CHECK(answer(p, 0) == FaultCode::kPagamentoDuplicato);
    CHECK(answer(p, 1) == FaultCode::kPagamentoDuplicato);
    CHECK(answer(p, 3) == std::nullopt);
    CHECK(answer(p, 5) == std::nullopt);
  }
}

TEST_CASE("an installment-only position pays plan by plan", "[unit]") {
  DebtPosition p = plansPosition();
  p.options.erase(p.options.begin());  // no single option: plan A is 0, 1 and plan B is 2, 3, 4
  p.options[0].status = OptionStatus::kPaid;
  p.status = PositionStatus::kPartiallyPaid;
  CHECK(answer(p, 1) == std::nullopt);
  CHECK(answer(p, 2) == FaultCode::kPagamentoDuplicato);
}
