// The amount due for a payment option on a given day: plain amounts, or a schedule of steps
// (a traffic fine: reduced within 5 days of notification, ordinary within 60, increased after).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "civil_date.h"
#include "money.h"
#include "position.h"

namespace ponte::core {

// What to ask on one day: the total and its split over the option's transfers, in order.
struct DueAmount {
  Cents amount = 0;
  std::vector<Cents> transfer_amounts;  // same size and order as PaymentOption::transfers
  std::string label;                    // the step's label; empty with no schedule
  friend bool operator==(const DueAmount&, const DueAmount&) = default;
};

// The amount due for `option` on `day`. With an empty schedule: the option's amount and its
// transfers' amounts, whatever the day. Otherwise the first step whose `until` is on or after
// `day`, a step without `until` matching every day. When `day` is after every step (no open
// step), the last step still applies: whether the option may still be paid then is decided by
// checkPayable, not here. Never fails; the result is only coherent for an option that
// checkSchedule accepts.
DueAmount amountDue(const PaymentOption& option, Date day);

// nullopt when the option's amounts are coherent, else a short message for the operator saying
// what is wrong. With an empty schedule: the option amount is in 1..kMaxCents and, when it has
// transfers, their amounts are positive and add up to it. With a schedule: every step's amount is
// in 1..kMaxCents, has one positive transfer amount per transfer of the option, adding up to the
// step amount; the `until` dates strictly increase; only the last step may be open-ended.
std::optional<std::string> checkSchedule(const PaymentOption& option);

}  // namespace ponte::core
