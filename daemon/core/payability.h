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
// description. option_index must be valid. The first matching rule answers:
//   position DRAFT or PUBLISHED, or validity_date after today        -> SCONOSCIUTO
//   position PAID or REPORTED, or this option already paid           -> DUPLICATO
//   installment plans: the single option paid (asked: an installment),
//     any installment paid (asked: the single option), or an
//     installment of another plan paid (asked: an installment)        -> DUPLICATO
//   position INVALID                                                  -> ANNULLATO
//   position sent to coercive collection                              -> ANNULLATO
//   position EXPIRED                                                  -> SCADUTO
//   switch_to_expired, today after the option's last payable day and
//     no open-ended schedule step                                     -> SCADUTO
//   position VALID or PARTIALLY_PAID                                  -> payable
// The GPD states follow the GPD -> SOAP mapping of gpd-payments. The rest is ponte's: answering
// ANNULLATO for coercive collection is an inference (the debt is no longer collected through
// pagoPA, as if cancelled there), with the collector's reference in the description so the payer
// knows where to turn. The last payable day is the due date, or the last schedule step's end when
// that is later (the EC priced those days, so they stay payable). A paid-before-expiry check comes
// first because telling a payer "already paid" is more useful than "expired".
std::optional<Fault> checkPayable(const DebtPosition& position, std::size_t option_index,
                                  Date today);

}  // namespace ponte::core
