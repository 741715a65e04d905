// Amount schedules: which step applies on a day, and whether a schedule makes sense.
#include "core/amount_schedule.h"

namespace ponte::core {
namespace {

// nullopt when the parts are positive, within range and add up to total; else what is wrong.
std::optional<std::string> checkSplit(Cents total, const std::vector<Cents>& parts,
                                      const std::string& where) {
  if (total <= 0) return where + ": amount must be positive";
  if (total > kMaxCents) return where + ": amount exceeds 999999999.99 euro";
  Cents sum = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] <= 0) {
      return where + ": amount of transfer " + std::to_string(i + 1) + " must be positive";
    }
    // Bounded parts cannot overflow the sum: there are at most a handful of transfers.
    if (parts[i] > kMaxCents) {
      return where + ": amount of transfer " + std::to_string(i + 1) + " is too large";
    }
    sum += parts[i];
  }
  // An option without transfers has no split to check; it is refused where transfers are required.
  if (!parts.empty() && sum != total) {
    return where + ": transfer amounts add up to " + formatAmount(sum) + ", not " +
           formatAmount(total);
  }
  return std::nullopt;
}

}  // namespace

DueAmount amountDue(const PaymentOption& option, Date day) {
  if (option.schedule.empty()) {
    DueAmount due{option.amount, {}, {}};
    due.transfer_amounts.reserve(option.transfers.size());
    for (const Transfer& transfer : option.transfers)
      due.transfer_amounts.push_back(transfer.amount);
    return due;
  }
  for (const AmountStep& step : option.schedule) {
    if (!step.until || day <= *step.until) {
      return DueAmount{step.amount, step.transfer_amounts, step.label};
    }
  }
  const AmountStep& last = option.schedule.back();
  return DueAmount{last.amount, last.transfer_amounts, last.label};
}

std::optional<std::string> checkSchedule(const PaymentOption& option) {
  if (option.schedule.empty()) {
    std::vector<Cents> parts;
    for (const Transfer& transfer : option.transfers) parts.push_back(transfer.amount);
    return checkSplit(option.amount, parts, "payment option");
  }
  for (std::size_t i = 0; i < option.schedule.size(); ++i) {
    const AmountStep& step = option.schedule[i];
    const std::string where = "schedule step " + std::to_string(i + 1) +
                              (step.label.empty() ? "" : " (" + step.label + ")");
    if (!step.until && i + 1 != option.schedule.size()) {
      return where + ": only the last step may have no end date";
    }
    // Equal dates are refused too: the later step could never apply.
    if (i > 0 && step.until && *step.until <= *option.schedule[i - 1].until) {
      return where + ": end date " + step.until->iso() + " is not after the previous step's " +
             option.schedule[i - 1].until->iso();
    }
    if (step.transfer_amounts.size() != option.transfers.size()) {
      return where + ": has " + std::to_string(step.transfer_amounts.size()) +
             " transfer amounts for " + std::to_string(option.transfers.size()) + " transfers";
    }
    if (auto problem = checkSplit(step.amount, step.transfer_amounts, where)) return problem;
  }
  return std::nullopt;
}

}  // namespace ponte::core
