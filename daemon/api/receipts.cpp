// Receipts by date and by IUV, read from the store as the node delivered them.
#include "api/receipts.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "core/clock.h"
#include "core/notice_number.h"
#include "store/receipt_json.h"

namespace ponte::api {
namespace {

using nlohmann::json;

constexpr std::int64_t kHourMs = 3'600'000;

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The receipts of an IUV, in the order received; nullopt with the answer sent on failure.
std::optional<std::vector<store::StoredReceipt>> receiptsOfIuv(ApiCall& call, const Respond& respond) {
  auto nav = noticeOfIuv(call, call.param("iuv"));
  if (!nav) {
    respond(notFound());
    return std::nullopt;
  }
  auto receipts = call.store.listReceiptsByNotice(call.ec, *nav);
  if (!receipts) {
    respond(unavailable());
    return std::nullopt;
  }
  if (receipts.value().empty()) {
    respond(notFound());
    return std::nullopt;
  }
  return std::move(receipts.value());
}

}  // namespace

std::optional<std::string> noticeOfIuv(const ApiCall& call, const std::string& iuv) {
  const core::EcInfo* ec = call.directory->ec(call.ec);
  const core::StationInfo* station = ec ? call.directory->station(ec->station_id) : nullptr;
  if (!station) return std::nullopt;
  return core::noticeFromIuv(station->aux_digit, station->code, iuv);
}

json receiptJson(const store::StoredReceipt& r, bool with_xml) {
  json out = {{"organizationFiscalCode", r.ec_fiscal_code},
              {"iuv", r.iuv},
              {"noticeNumber", r.notice_number},
              {"receiptId", r.receipt_id},
              {"paymentAmount", r.amount_cents},
              {"paymentDateTime", r.payment_date_time},
              {"idPSP", r.psp},
              {"receivedAt", r.received_at_unix_ms},
              {"doublePayment", r.double_payment},
              {"unmatched", r.unmatched}};
  if (auto parsed = store::receiptFromJson(r.receipt_json)) {
    out["pspCompanyName"] = parsed->psp_company_name;
    if (parsed->fee) out["fee"] = *parsed->fee;
    if (!parsed->payment_method.empty()) out["paymentMethod"] = parsed->payment_method;
    out["debtor"] = {{"fiscalCode", parsed->debtor.fiscal_code},
                     {"fullName", parsed->debtor.full_name}};
    if (parsed->payer) {
      out["payer"] = {{"fiscalCode", parsed->payer->fiscal_code},
                      {"fullName", parsed->payer->full_name}};
    }
    out["description"] = parsed->description;
  }
  if (with_xml) out["xml"] = r.raw_xml;
  return out;
}

void listReceiptsRoute(ApiCall& call, const Respond& respond) {
  std::vector<FieldError> errors;
  const std::int64_t page = queryInteger(call, "pageNum", 0, 0, 1'000'000, errors);
  const std::int64_t size = queryInteger(call, "pageSize", 20, 1, 100, errors);
  const core::Date to = queryDate(call, "to", errors).value_or(call.today);
  const core::Date from = queryDate(call, "from", errors).value_or(to.plusDays(-30));
  if (from > to) errors.push_back({"from", "must not be after to"});
  if (to.days() - from.days() > 366) errors.push_back({"from", "the range may span at most 366 days"});
  std::vector<std::string> segregation;
  if (auto codes = call.queryValue("segregationCodes")) {
    for (std::size_t at = 0; at <= codes->size(); at += 3) {
      const std::string code = codes->substr(at, 2);
      const bool ok = code.size() == 2 && std::isdigit(static_cast<unsigned char>(code[0])) &&
                      std::isdigit(static_cast<unsigned char>(code[1])) &&
                      (at + 2 == codes->size() || (*codes)[at + 2] == ',');
      if (!ok) {
        errors.push_back({"segregationCodes", "must be two-digit codes separated by commas"});
        break;
      }
      segregation.push_back(code);
    }
  }
  if (!errors.empty()) return respond(problemResponse(400, "bad query parameters", errors));
  const std::string debtor = call.queryValue("debtor").value_or("");
  const std::string debtor_or_iuv = call.queryValue("debtorOrIuv").value_or("");
  const std::string service = call.queryValue("service").value_or("");

  // Rome days: a little more is read on both sides, then cut by the Rome date of each receipt.
  auto all = call.store.listReceipts(call.ec, core::unixMsOf(from) - 2 * kHourMs,
                                     core::unixMsOf(to.plusDays(1)) + kHourMs);
  if (!all) return respond(unavailable());
  std::vector<json> matched;
  for (const auto& r : all.value()) {
    const core::Date day = core::romeDate(r.received_at_unix_ms);
    if (day < from || day > to) continue;
    if (!segregation.empty() &&
        std::none_of(segregation.begin(), segregation.end(),
                     [&](const std::string& code) { return startsWith(r.iuv, code); })) {
      continue;
    }
    auto parsed = store::receiptFromJson(r.receipt_json);
    const std::string debtor_code = parsed ? parsed->debtor.fiscal_code : std::string();
    if (!debtor.empty() && debtor_code != debtor) continue;
    if (!debtor_or_iuv.empty() && !startsWith(debtor_code, debtor_or_iuv) &&
        !startsWith(r.iuv, debtor_or_iuv)) {
      continue;
    }
    if (!service.empty() &&
        (!parsed || std::none_of(parsed->transfers.begin(), parsed->transfers.end(),
                                 [&](const core::ReceiptTransfer& t) {
                                   return startsWith(t.category, service);
                                 }))) {
      continue;
    }
    matched.push_back(receiptJson(r, false));
  }
  // GPD answers 404 when no receipt matches.
  if (matched.empty()) return respond(notFound());
  const std::int64_t total_pages = (static_cast<std::int64_t>(matched.size()) + size - 1) / size;
  json results = json::array();
  for (std::int64_t i = page * size; i < std::min<std::int64_t>(matched.size(), (page + 1) * size); ++i) {
    results.push_back(std::move(matched[static_cast<std::size_t>(i)]));
  }
  const std::size_t length = results.size();
  respond(jsonResponse(200, {{"currentPageNumber", page},
                             {"length", length},
                             {"totalPages", total_pages},
                             {"results", std::move(results)}}));
}

void getReceiptXmlRoute(ApiCall& call, const Respond& respond) {
  auto receipts = receiptsOfIuv(call, respond);
  if (!receipts) return;
  // The receipt that paid the notice; a later double payment has its own in the JSON detail.
  auto first = std::find_if(receipts->begin(), receipts->end(),
                            [](const store::StoredReceipt& r) { return !r.double_payment; });
  const store::StoredReceipt& chosen = first != receipts->end() ? *first : receipts->front();
  net::HttpResponse r;
  r.status = 200;
  r.content_type = "application/xml";
  r.body = chosen.raw_xml;
  respond(std::move(r));
}

void getReceiptDetailRoute(ApiCall& call, const Respond& respond) {
  auto receipts = receiptsOfIuv(call, respond);
  if (!receipts) return;
  json list = json::array();
  for (const auto& r : *receipts) list.push_back(receiptJson(r, true));
  respond(jsonResponse(200, {{"iuv", call.param("iuv")},
                             {"noticeNumber", receipts->front().notice_number},
                             {"receipts", std::move(list)}}));
}

}  // namespace ponte::api
