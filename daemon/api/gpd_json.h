// Debt positions in GPD's JSON model (PaymentPositionModel of GPD v1), to and from core values,
// with every validation error named by its JSON path. Payloads made for GPD load unchanged.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/directory.h"
#include "core/position.h"

namespace ponte::api {

// A rejected field: path as in "paymentOption[0].transfer[1].iban", and why.
struct FieldError {
  std::string path;
  std::string message;
};

// What a position is read against: its EC and how that EC numbers its notices.
struct GpdContext {
  std::string ec_fiscal_code;
  int aux_digit = 3;
  std::string application_code;  // aux 0 only
  std::string default_company_name;
  // Honour the read-only "status" and option "status" fields (ponte's CLI import of data moved
  // from another system); the API leaves it off and sets the status itself.
  bool accept_status = false;
};

// Reads one PaymentPositionModel. The notice number of each option is `nav` when given, else
// computed from the IUV and the EC's aux digit; IUV check digits must be right. ponte's own
// additions are read when present: option "amountSchedule" [{until, amount, transferAmounts,
// label}] and position "coerciveCollection" {reference, url}. All errors are returned.
std::variant<core::DebtPosition, std::vector<FieldError>> positionFromGpd(const nlohmann::json& json,
                                                                          const GpdContext& context);

// How positions of this EC are read: its aux digit and application code, its name. An EC that
// is not in the directory gets the defaults (aux digit 3, no name).
GpdContext gpdContextFor(const core::Directory& directory, const std::string& ec_fiscal_code);

// Reads an option's "amountSchedule" list ([{until, amount, transferAmounts, label}]) into
// option.schedule, errors under `path` ("amountSchedule" or "paymentOption[0].amountSchedule").
// An empty list clears the schedule. The schedule is checked against the option's amounts and
// transfers (core::checkSchedule).
std::vector<FieldError> scheduleFromGpd(const nlohmann::json& list, const std::string& path,
                                        core::PaymentOption& option);

// Writes a position as GPD's PaymentPositionModel (with status fields and ponte's additions).
nlohmann::json positionToGpd(const core::DebtPosition& position);

}  // namespace ponte::api
