// Whether a notice can be paid today, and otherwise which PAA_* fault answers the node.
#pragma once

#include <cstddef>
#include <optional>

#include "civil_date.h"
#include "fault.h"
#include "position.h"

namespace ponte::core {

// nullopt when options[option_index] of the position is payable on `today`, else the fault to
// answer (PAA_PAGAMENTO_SCONOSCIUTO / _SCADUTO / _ANNULLATO / _DUPLICATO) with a short factual
// description. option_index must be valid.
std::optional<Fault> checkPayable(const DebtPosition& position, std::size_t option_index, Date today);

}  // namespace ponte::core
