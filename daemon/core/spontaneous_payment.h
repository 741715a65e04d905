// Spontaneous payments: a position made on request from a service of the EC's catalogue, by the
// node (paDemandPaymentNotice) or by a citizen portal through the API. One set of rules for both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/civil_date.h"
#include "core/directory.h"
#include "core/money.h"
#include "core/notice_number.h"
#include "core/position.h"

namespace ponte::core {

// The amount of a request for `service`: its fixed amount, or `asked` within the service's
// bounds. Returns the amount, or a short reason naming `field` (where the amount was asked) when
// a variable-amount service gets no amount or one out of its bounds, or a fixed-amount service
// gets a different one.
std::variant<Cents, std::string> spontaneousAmount(const ServiceInfo& service,
                                                   std::optional<Cents> asked,
                                                   std::string_view field);

// The notice number of a station's seq-th spontaneous payment: "7" followed by seq, zero-padded,
// inside the station's layout (aux digit and segregation or application code), so spontaneous
// notices stay apart from imported IUVs. nullopt when seq does not fit.
std::optional<NoticeNumber> spontaneousNotice(const StationInfo& station, std::uint64_t seq);

// The name of the durable counter spontaneous notices of a station are numbered from.
std::string spontaneousCounter(const StationInfo& station);

// What a spontaneous position is made of. The references must outlive the call.
struct SpontaneousRequest {
  const StationInfo& station;
  const EcInfo& ec;
  const ServiceInfo& service;
  Cents amount = 0;     // from spontaneousAmount
  Subject debtor;       // the payer; "ANONIMO" when unknown
  Date today;           // the Rome day of the request: the due date counts from it
  std::string reason;   // the payment's description; empty: the service's description
};

// The VALID position of a station's seq-th spontaneous payment: iupd
// "ponte-spontaneous-<station>-<seq>", one option due today + the service's due_days, one
// transfer to the EC's accounts. The option has no notice number when seq does not fit
// (spontaneousNotice); callers treat that as a failure. Never fails otherwise.
DebtPosition spontaneousPosition(const SpontaneousRequest& request, std::uint64_t seq);

// The debtor of a spontaneous payment whose payer is not known.
Subject anonymousDebtor();

}  // namespace ponte::core
