// Receipt routes: GPD's /payments/{organizationfiscalcode}/receipts (list by date, get the
// original XML by IUV) and ponte's JSON detail of every receipt of an IUV.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "api/api_call.h"

namespace ponte::api {

void listReceiptsRoute(ApiCall& call, const Respond& respond);
void getReceiptXmlRoute(ApiCall& call, const Respond& respond);
void getReceiptDetailRoute(ApiCall& call, const Respond& respond);

// A receipt as the API shows it: ids, amounts in cents, payment date, PSP, fee, debtor and payer
// (from the parsed receipt, when the store kept it) and, with with_xml, the original XML.
nlohmann::json receiptJson(const store::StoredReceipt& receipt, bool with_xml);

// The notice number of an IUV of the EC (its station's layout); nullopt when it does not fit.
std::optional<std::string> noticeOfIuv(const ApiCall& call, const std::string& iuv);

}  // namespace ponte::api
