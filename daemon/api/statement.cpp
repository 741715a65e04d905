// A debtor's statement built from the positions and the receipts of the EC.
#include "api/statement.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "api/receipts.h"
#include "core/amount_schedule.h"
#include "core/money.h"
#include "core/payability.h"

namespace ponte::api {
namespace {

using nlohmann::json;

// A debtor with more positions than this in one EC is cut here (and the statement says so).
constexpr std::size_t kMaxPositions = 10'000;

// Where a position stands for its debtor.
std::string categoryOf(const core::DebtPosition& p) {
  if (p.coercive.sent) return "coercive";
  switch (p.status) {
    case core::PositionStatus::kPaid:
    case core::PositionStatus::kReported:
      return "paid";
    case core::PositionStatus::kInvalid:
      return "cancelled";
    case core::PositionStatus::kExpired:
      return "expired";
    default:
      return "open";
  }
}

bool dueInYear(const core::DebtPosition& p, int year) {
  return std::any_of(p.options.begin(), p.options.end(),
                     [&](const core::PaymentOption& o) { return o.due_date.year() == year; });
}

json optionJson(ApiCall& call, const core::DebtPosition& p, std::size_t index, bool& failed) {
  const core::PaymentOption& o = p.options[index];
  json item = {{"nav", o.nav},
               {"iuv", o.iuv},
               {"description", o.description},
               {"isPartialPayment", o.is_partial_payment},
               {"dueDate", o.due_date.iso()},
               {"amount", o.amount},
               {"status", std::string(core::toString(o.status))}};
  if (!o.payment_plan_id.empty()) item["paymentPlanId"] = o.payment_plan_id;
  if (core::isPaid(o.status)) {
    auto receipts = call.store.listReceiptsByNotice(call.ec, o.nav);
    if (!receipts) {
      failed = true;
      return item;
    }
    auto paid = std::find_if(receipts.value().begin(), receipts.value().end(),
                             [](const store::StoredReceipt& r) { return !r.double_payment; });
    if (paid != receipts.value().end()) item["receipt"] = receiptJson(*paid, false);
    return item;
  }
  if (auto fault = core::checkPayable(p, index, call.today)) {
    item["payable"] = false;
    item["notPayableBecause"] = std::string(core::faultCodeName(fault->code));
  } else {
    item["payable"] = true;
    item["amountDueToday"] = core::amountDue(o, call.today).amount;
  }
  return item;
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::string toCsv(const json& statement) {
  std::string out;
  const auto& columns = statementCsvColumns();
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + columns[i];
  out += "\r\n";
  for (const auto& p : statement["positions"]) {
    const json coercive = p.value("coerciveCollection", json::object());
    for (const auto& o : p["paymentOption"]) {
      const json receipt = o.value("receipt", json::object());
      const std::vector<std::string> row = {
          text(p, "iupd"), text(p, "status"), text(p, "category"), text(o, "nav"), text(o, "iuv"),
          text(o, "description"), text(o, "isPartialPayment"), text(o, "paymentPlanId"),
          text(o, "dueDate"), text(o, "amount"), text(o, "status"), text(o, "payable"),
          text(o, "amountDueToday"), text(receipt, "paymentDateTime"), text(receipt, "idPSP"),
          text(receipt, "pspCompanyName"), text(receipt, "paymentAmount"), text(receipt, "fee"),
          text(coercive, "reference"), text(coercive, "url")};
      for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + csvField(row[i]);
      out += "\r\n";
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& statementCsvColumns() {
  static const std::vector<std::string> columns = {
      "iupd", "positionStatus", "category", "nav", "iuv", "description", "isPartialPayment",
      "paymentPlanId", "dueDate", "amount", "optionStatus", "payable", "amountDueToday",
      "paymentDateTime", "idPSP", "pspCompanyName", "paidAmount", "fee", "coerciveReference",
      "coerciveUrl"};
  return columns;
}

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

void statementRoute(ApiCall& call, const Respond& respond) {
  std::vector<FieldError> errors;
  const std::int64_t year = queryInteger(call, "year", 0, 1900, 9999, errors);
  const std::string status = call.queryValue("status").value_or("");
  static const std::vector<std::string> kCategories = {"open", "paid", "coercive", "cancelled",
                                                       "expired"};
  const bool is_category =
      std::find(kCategories.begin(), kCategories.end(), status) != kCategories.end();
  if (!status.empty() && !is_category && !core::parsePositionStatus(status)) {
    errors.push_back({"status", "must be open, paid, coercive, cancelled, expired or a debt "
                                "position status"});
  }
  std::string format = call.queryValue("format").value_or("");
  if (format.empty()) {
    format = call.request.header("Accept").find("text/csv") != std::string::npos ? "csv" : "json";
  }
  if (format != "json" && format != "csv") errors.push_back({"format", "must be json or csv"});
  if (!errors.empty()) return respond(problemResponse(400, "bad query parameters", errors));

  const std::string& debtor = call.param("fiscalCode");
  store::PositionFilter filter;
  filter.debtor_fiscal_code = debtor;
  filter.limit = 1000;
  std::vector<core::DebtPosition> positions;
  bool truncated = false;
  for (filter.page = 0;; ++filter.page) {
    auto page = call.store.listPositions(call.ec, filter);
    if (!page) return respond(unavailable());
    for (auto& p : page.value()) positions.push_back(std::move(p));
    if (page.value().size() < static_cast<std::size_t>(filter.limit)) break;
    if (positions.size() >= kMaxPositions) {
      truncated = true;
      break;
    }
  }
  // Drafts are not issued yet: they are not part of what the debtor owes.
  std::erase_if(positions, [](const core::DebtPosition& p) {
    return p.status == core::PositionStatus::kDraft;
  });
  if (positions.empty()) return respond(notFound());

  json list = json::array();
  std::size_t open = 0, paid = 0, coercive = 0;
  core::Cents total_paid = 0;
  bool failed = false;
  for (const auto& p : positions) {
    const std::string category = categoryOf(p);
    if (year != 0 && !dueInYear(p, static_cast<int>(year))) continue;
    if (!status.empty() && status != category && status != core::toString(p.status)) continue;
    json options = json::array();
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      json o = optionJson(call, p, i, failed);
      if (o.contains("receipt")) total_paid += o["receipt"].value("paymentAmount", core::Cents{0});
      options.push_back(std::move(o));
    }
    if (failed) return respond(unavailable());
    json item = {{"iupd", p.iupd},
                 {"status", std::string(core::toString(p.status))},
                 {"category", category},
                 {"companyName", p.company_name},
                 {"paymentOption", std::move(options)}};
    if (p.coercive.sent) {
      item["coerciveCollection"] = {{"reference", p.coercive.collector_reference},
                                    {"url", p.coercive.collector_url}};
    }
    open += category == "open";
    paid += category == "paid";
    coercive += category == "coercive";
    list.push_back(std::move(item));
  }
  json statement = {{"organizationFiscalCode", call.ec},
                    {"debtorFiscalCode", debtor},
                    {"date", call.today.iso()},
                    {"summary",
                     {{"open", open}, {"paid", paid}, {"coercive", coercive}, {"totalPaid", total_paid}}},
                    {"truncated", truncated},
                    {"positions", std::move(list)}};
  if (format == "json") return respond(jsonResponse(200, statement));
  net::HttpResponse r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  r.body = toCsv(statement);
  respond(std::move(r));
}

}  // namespace ponte::api
