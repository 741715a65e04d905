// The payment state machine: options become paid and the position status follows its plans.
#include <catch2/catch.hpp>

#include "core/payment_state.h"
#include "position_fixtures.h"

using namespace ponte::core;
using ponte::core::testing::plansPosition;
using ponte::core::testing::singlePosition;

TEST_CASE("paying the single option pays the position", "[unit]") {
  DebtPosition p = singlePosition();
  CHECK_FALSE(statusFromPayments(p).has_value());
  CHECK_FALSE(applyPayment(p, 0));
  CHECK(p.options[0].status == OptionStatus::kPaid);
  CHECK(p.status == PositionStatus::kPaid);
}

TEST_CASE("paying twice is reported and changes nothing", "[unit]") {
  DebtPosition p = singlePosition();
  REQUIRE_FALSE(applyPayment(p, 0));
  const DebtPosition after_first = p;
  CHECK(applyPayment(p, 0));
  CHECK(p == after_first);

  // A reported option is paid too: a new receipt for it is a double payment, and the reported
  // state is kept.
  p.options[0].status = OptionStatus::kReported;
  p.status = PositionStatus::kReported;
  const DebtPosition reported = p;
  CHECK(applyPayment(p, 0));
  CHECK(p == reported);
}

TEST_CASE("installments pay the position plan by plan", "[unit]") {
  DebtPosition p = plansPosition();
  CHECK_FALSE(applyPayment(p, 3));  // plan B, 1 of 3
  CHECK(p.status == PositionStatus::kPartiallyPaid);
  CHECK_FALSE(applyPayment(p, 4));  // plan B, 2 of 3
  CHECK(p.status == PositionStatus::kPartiallyPaid);
  CHECK_FALSE(applyPayment(p, 5));  // plan B complete
  CHECK(p.status == PositionStatus::kPaid);
  // The other options are untouched.
  CHECK(p.options[0].status == OptionStatus::kUnpaid);
  CHECK(p.options[1].status == OptionStatus::kUnpaid);
  CHECK(p.options[2].status == OptionStatus::kUnpaid);
}

TEST_CASE("a plan is complete only when every installment is paid, in any order", "[unit]") {
  DebtPosition p = plansPosition();
  CHECK_FALSE(applyPayment(p, 5));  // plan B, its last installment first
  CHECK(p.status == PositionStatus::kPartiallyPaid);
  CHECK_FALSE(applyPayment(p, 3));
  CHECK(p.status == PositionStatus::kPartiallyPaid);
  CHECK_FALSE(applyPayment(p, 4));
  CHECK(p.status == PositionStatus::kPaid);
}

TEST_CASE("installments of different plans do not complete each other", "[unit]") {
  DebtPosition p = plansPosition();
  CHECK_FALSE(applyPayment(p, 1));  // plan A, 1 of 2
  CHECK_FALSE(applyPayment(p, 3));  // plan B, 1 of 3
  CHECK_FALSE(applyPayment(p, 4));  // plan B, 2 of 3
  CHECK(p.status == PositionStatus::kPartiallyPaid);
  CHECK_FALSE(applyPayment(p, 2));  // plan A complete
  CHECK(p.status == PositionStatus::kPaid);
}

TEST_CASE("a receipt pays the position whatever its lifecycle status", "[unit]") {
  // Stand-in payments and cancellations racing a payment: the money arrived, the status says so.
  for (PositionStatus before : {PositionStatus::kInvalid, PositionStatus::kExpired,
                                PositionStatus::kDraft, PositionStatus::kPublished}) {
    DebtPosition p = singlePosition();
    p.status = before;
    CHECK_FALSE(applyPayment(p, 0));
    CHECK(p.status == PositionStatus::kPaid);
  }
}

TEST_CASE("statusFromPayments reports completed and reported plans", "[unit]") {
  DebtPosition p = plansPosition();
  p.options[1].status = OptionStatus::kReported;
  CHECK(statusFromPayments(p) == PositionStatus::kPartiallyPaid);
  p.options[2].status = OptionStatus::kPaid;
  CHECK(statusFromPayments(p) == PositionStatus::kPaid);
  p.options[2].status = OptionStatus::kPartiallyReported;
  CHECK(statusFromPayments(p) == PositionStatus::kPaid);
  p.options[2].status = OptionStatus::kReported;
  CHECK(statusFromPayments(p) == PositionStatus::kReported);

  DebtPosition single = singlePosition();
  single.options[0].status = OptionStatus::kReported;
  CHECK(statusFromPayments(single) == PositionStatus::kReported);
}

TEST_CASE("installments without a plan id form one plan", "[unit]") {
  DebtPosition p = plansPosition();
  p.options.erase(p.options.begin() + 3, p.options.end());  // single option + plan A
  p.options[1].payment_plan_id.clear();
  p.options[2].payment_plan_id.clear();
  CHECK_FALSE(applyPayment(p, 1));
  CHECK(p.status == PositionStatus::kPartiallyPaid);
  CHECK_FALSE(applyPayment(p, 2));
  CHECK(p.status == PositionStatus::kPaid);
}

TEST_CASE("the single payment and an installment of the same debt are a double payment", "[unit]") {
  DebtPosition p;
  p.status = PositionStatus::kValid;
  PaymentOption single;
  single.nav = "single";
  PaymentOption rata;
  rata.nav = "rata1";
  rata.is_partial_payment = true;
  rata.payment_plan_id = "plan";
  PaymentOption rata2 = rata;
  rata2.nav = "rata2";
  p.options = {single, rata, rata2};

  CHECK_FALSE(applyPayment(p, 1));  // an installment first
  CHECK(p.status == PositionStatus::kPartiallyPaid);
  const DebtPosition before = p;
  CHECK(applyPayment(p, 0));  // then the single payment: the debt is paid twice
  CHECK(p == before);

  DebtPosition q;
  q.options = {single, rata, rata2};
  CHECK_FALSE(applyPayment(q, 0));  // the single payment first
  CHECK(applyPayment(q, 2));        // then an installment
}
