// The account statement of a debtor within an EC: open positions with the amount due today and
// their installments, paid ones with their receipt (date, PSP, amount, fee), positions sent to
// coercive collection with the collector's reference and URL. As JSON or CSV.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/api_call.h"
#include "core/civil_date.h"
#include "core/position.h"
#include "store/store.h"

namespace ponte::api {

// GET /ponte/v1/organizations/{organizationfiscalcode}/debtors/{fiscalCode}/statement
//   ?year=YYYY  positions with an option due in that year
//   &status=open|paid|coercive|cancelled|expired, or a GPD status (VALID, PAID, ...)
//   &format=json|csv (default: json, or csv when Accept asks for text/csv)
void statementRoute(ApiCall& call, const Respond& respond);

// The CSV header of a statement, one line per payment option.
const std::vector<std::string>& statementCsvColumns();

// Quotes a CSV field when it holds a separator, a quote or a line break.
std::string csvField(const std::string& text);

}  // namespace ponte::api
