// The status -> answer mapping for verify and get-payment requests.
#include "core/payability.h"

#include <cassert>
#include <string>

namespace ponte::core {
namespace {

Fault fault(FaultCode code, std::string description) {
  return Fault{code, std::move(description), std::nullopt};
}

// The last day the option can be paid when the position expires: its due date, pushed later by
// a schedule that prices later days. nullopt when an open-ended step keeps it payable forever.
std::optional<Date> lastPayableDay(const PaymentOption& option) {
  Date last = option.due_date;
  for (const AmountStep& step : option.schedule) {
    if (!step.until) return std::nullopt;
    if (*step.until > last) last = *step.until;
  }
  return last;
}

// Which other option, if any, already paid makes this one a second payment of the same debt.
std::optional<Fault> checkPlans(const DebtPosition& position, std::size_t option_index) {
  const PaymentOption& asked = position.options[option_index];
  for (std::size_t i = 0; i < position.options.size(); ++i) {
    const PaymentOption& other = position.options[i];
    if (i == option_index || !isPaid(other.status)) continue;
    if (!asked.is_partial_payment && other.is_partial_payment) {
      return fault(FaultCode::kPagamentoDuplicato,
                   "The debt is being paid in installments: the single payment is closed");
    }
    if (asked.is_partial_payment && !other.is_partial_payment) {
      return fault(FaultCode::kPagamentoDuplicato, "The debt has been paid in a single payment");
    }
    if (asked.is_partial_payment && other.payment_plan_id != asked.payment_plan_id) {
      return fault(FaultCode::kPagamentoDuplicato,
                   "The debt is being paid with another installment plan");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Fault> checkPayable(const DebtPosition& position, std::size_t option_index,
                                  Date today) {
  assert(option_index < position.options.size());
  const PaymentOption& option = position.options[option_index];

  if (position.status == PositionStatus::kDraft || position.status == PositionStatus::kPublished) {
    return fault(FaultCode::kPagamentoSconosciuto, "The notice is not yet payable");
  }
  if (position.validity_date && *position.validity_date > today) {
    return fault(FaultCode::kPagamentoSconosciuto,
                 "The notice is payable from " + position.validity_date->iso());
  }
  if (position.status == PositionStatus::kPaid || position.status == PositionStatus::kReported ||
      isPaid(option.status)) {
    return fault(FaultCode::kPagamentoDuplicato, "The notice has already been paid");
  }
  if (auto plan_fault = checkPlans(position, option_index)) return plan_fault;
  if (position.status == PositionStatus::kInvalid) {
    return fault(FaultCode::kPagamentoAnnullato, "The notice has been cancelled");
  }
  if (position.coercive.sent) {
    return fault(FaultCode::kPagamentoAnnullato,
                 "The debt has been sent to coercive collection, reference " +
                     (position.coercive.collector_reference.empty()
                          ? std::string("not given")
                          : position.coercive.collector_reference));
  }
  if (position.status == PositionStatus::kExpired) {
    return fault(FaultCode::kPagamentoScaduto, "The notice has expired");
  }
  if (position.switch_to_expired) {
    const auto last = lastPayableDay(option);
    if (last && today > *last) {
      return fault(FaultCode::kPagamentoScaduto, "The notice expired on " + last->iso());
    }
  }
  return std::nullopt;
}

}  // namespace ponte::core
