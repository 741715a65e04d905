// What a receipt does to a position: the option becomes paid and the position status follows.
#pragma once

#include <cstddef>
#include <optional>

#include "position.h"

namespace ponte::core {

// Marks options[option_index] PO_PAID and recomputes the position status: PAID when a plan (the
// single option, or every installment of one plan) is fully paid, PARTIALLY_PAID when only some
// installments are. Returns true for a double payment: the option was already paid, or it is the
// single payment and an installment is paid (or the reverse), so the debt is paid twice; the
// position is then left unchanged. option_index must be valid.
bool applyPayment(DebtPosition& position, std::size_t option_index);

// The status the position's paid options imply: REPORTED when a complete plan is all reported
// (PO_REPORTED), else PAID when a plan is complete (a single option paid, or every installment of
// one plan, grouped by payment_plan_id), else PARTIALLY_PAID when some option is paid; nullopt
// when no option is paid (the status is then whatever the lifecycle made it). Never fails.
std::optional<PositionStatus> statusFromPayments(const DebtPosition& position);

}  // namespace ponte::core
