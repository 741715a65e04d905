// What a receipt does to a position: the option becomes paid and the position status follows.
#pragma once

#include <cstddef>

#include "position.h"

namespace ponte::core {

// Marks options[option_index] PO_PAID and recomputes the position status: PAID when a plan (the
// single option, or every installment of one plan) is fully paid, PARTIALLY_PAID when only some
// installments are. Returns true when the option was already paid before (a double payment);
// the position is then left unchanged. option_index must be valid.
bool applyPayment(DebtPosition& position, std::size_t option_index);

}  // namespace ponte::core
