// The payment state machine: an option becomes paid, the position status follows its plans.
#include "core/payment_state.h"

#include <cassert>
#include <map>
#include <string>

namespace ponte::core {

std::optional<PositionStatus> statusFromPayments(const DebtPosition& position) {
  struct Plan {
    bool complete = true;
    bool reported = true;
  };
  // A single option is a plan of its own; installments form one plan per payment_plan_id.
  std::map<std::string, Plan> plans;
  bool any_paid = false;
  bool paid_plan = false;
  bool reported_plan = false;
  for (const PaymentOption& option : position.options) {
    const bool paid = isPaid(option.status);
    const bool reported = option.status == OptionStatus::kReported;
    any_paid = any_paid || paid;
    if (!option.is_partial_payment) {
      paid_plan = paid_plan || paid;
      reported_plan = reported_plan || reported;
      continue;
    }
    Plan& plan = plans[option.payment_plan_id];
    plan.complete = plan.complete && paid;
    plan.reported = plan.reported && reported;
  }
  for (const auto& [id, plan] : plans) {
    paid_plan = paid_plan || plan.complete;
    reported_plan = reported_plan || (plan.complete && plan.reported);
  }
  if (reported_plan) return PositionStatus::kReported;
  if (paid_plan) return PositionStatus::kPaid;
  if (any_paid) return PositionStatus::kPartiallyPaid;
  return std::nullopt;
}

bool applyPayment(DebtPosition& position, std::size_t option_index) {
  assert(option_index < position.options.size());
  PaymentOption& option = position.options[option_index];
  if (isPaid(option.status)) return true;
  // The single payment settles the whole debt: paying it after an installment, or an
  // installment after it, is money received twice, and the EC must refund one of them.
  for (const PaymentOption& other : position.options) {
    if (isPaid(other.status) && other.is_partial_payment != option.is_partial_payment) return true;
  }
  // A receipt is a fact: it marks the option paid whatever the position's status was (stand-in
  // payments, or a cancellation that raced with the payment), so the status is recomputed from
  // the options alone.
  option.status = OptionStatus::kPaid;
  if (const auto status = statusFromPayments(position)) position.status = *status;
  return false;
}

}  // namespace ponte::core
