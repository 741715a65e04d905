// Debt position routes: GPD v1's semantics and status codes over the store.
#include "api/debt_positions.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/bulk_import.h"
#include "api/lifecycle.h"
#include "api/problem.h"
#include "core/amount_schedule.h"
#include "core/payability.h"

namespace ponte::api {
namespace {

using nlohmann::json;

// The stored position named by the path, or nullopt with the answer already sent.
std::optional<core::DebtPosition> loadPosition(ApiCall& call, const Respond& respond) {
  auto found = call.store.getPosition(call.ec, call.param("iupd"));
  if (!found) {
    respond(unavailable());
    return std::nullopt;
  }
  if (!found.value()) {
    respond(notFound());
    return std::nullopt;
  }
  return std::move(*found.value());
}

// Options whose notice number already belongs to another position of the EC, by field path.
std::vector<FieldError> takenNotices(ApiCall& call, const core::DebtPosition& position) {
  std::vector<FieldError> errors;
  for (std::size_t i = 0; i < position.options.size(); ++i) {
    auto found = call.store.findByNotice(call.ec, position.options[i].nav);
    if (found && found.value() && found.value()->position.iupd != position.iupd) {
      errors.push_back({"paymentOption[" + std::to_string(i) + "].iuv",
                        "belongs to debt position " + found.value()->position.iupd});
    }
  }
  return errors;
}

// The answer to a failed write.
net::HttpResponse writeFailure(const store::Error& error) {
  switch (error.kind) {
    case store::ErrorKind::kConflict:
      return problemResponse(409, "the debt position " + storeRefusal(error));
    case store::ErrorKind::kInvalid:
      return problemResponse(400, "the debt position " + storeRefusal(error));
    case store::ErrorKind::kNotFound:
      return notFound();
    case store::ErrorKind::kUnavailable:
    case store::ErrorKind::kFatal:
      break;
  }
  return unavailable();
}

// Stores a changed position and answers it (200), or the failure.
void saveAndAnswer(ApiCall& call, const core::DebtPosition& position, const Respond& respond) {
  auto stored = call.store.upsertPosition(position);
  if (!stored) return respond(writeFailure(stored.error()));
  respond(jsonResponse(200, positionToGpd(position)));
}

net::HttpResponse wrongState(const core::DebtPosition& position, std::string_view action) {
  return problemResponse(409, "the debt position is " + std::string(core::toString(position.status)) +
                                  ": it cannot be " + std::string(action));
}

// Reads a position body for create and update: the model, the date rules, the notice numbers.
std::optional<core::DebtPosition> readBody(ApiCall& call, bool to_publish, const Respond& respond) {
  auto body = jsonBody(call, respond);
  if (!body) return std::nullopt;
  auto parsed = positionFromGpd(*body, call.gpdContext());
  if (auto* errors = std::get_if<std::vector<FieldError>>(&parsed)) {
    respond(problemResponse(400, "the debt position is not valid", *errors));
    return std::nullopt;
  }
  core::DebtPosition position = std::move(std::get<core::DebtPosition>(parsed));
  if (auto errors = prepareForApi(position, to_publish, call.today); !errors.empty()) {
    respond(problemResponse(400, "the debt position is not valid", errors));
    return std::nullopt;
  }
  return position;
}

json pageInfo(std::int64_t page, std::int64_t limit, std::size_t items, std::int64_t total) {
  const std::int64_t pages = (total + limit - 1) / limit;
  return {{"page", page}, {"limit", limit}, {"items_found", items}, {"total_pages", pages}};
}

}  // namespace

void listPositionsRoute(ApiCall& call, const Respond& respond) {
  std::vector<FieldError> errors;
  const std::int64_t limit = queryInteger(call, "limit", 10, 1, 50, errors);
  const std::int64_t page = queryInteger(call, "page", 0, 0, 1'000'000, errors);
  store::PositionFilter filter;
  filter.due_from = queryDate(call, "due_date_from", errors);
  filter.due_to = queryDate(call, "due_date_to", errors);
  // GPD: a range given by one end spans 30 days from it.
  if (filter.due_from && !filter.due_to) filter.due_to = filter.due_from->plusDays(30);
  if (filter.due_to && !filter.due_from) filter.due_from = filter.due_to->plusDays(-30);
  if (auto status = call.queryValue("status")) {
    filter.status = core::parsePositionStatus(*status);
    if (!filter.status) errors.push_back({"status", "is not a debt position status"});
  }
  filter.debtor_fiscal_code = call.queryValue("debtor").value_or("");
  for (const char* name : {"payment_date_from", "payment_date_to"}) {
    if (call.queryValue(name)) {
      errors.push_back({name, "is not offered by ponte: list receipts by date with "
                              "/payments/{organizationfiscalcode}/receipts"});
    }
  }
  if (auto order = call.queryValue("orderby"); order && *order != "INSERTED_DATE") {
    errors.push_back({"orderby", "ponte orders debt positions by INSERTED_DATE only"});
  }
  const std::string ordering = call.queryValue("ordering").value_or("DESC");
  if (ordering != "ASC" && ordering != "DESC") errors.push_back({"ordering", "must be ASC or DESC"});
  if (!errors.empty()) return respond(problemResponse(400, "bad query parameters", errors));

  auto total = call.store.countMatchingPositions(call.ec, filter);
  if (!total) return respond(unavailable());
  // The store pages in insertion order; a DESC page is the mirror slice of the ASC order.
  const std::int64_t n = total.value();
  std::int64_t begin = page * limit, end = std::min(n, begin + limit);
  if (ordering == "DESC") {
    end = n - page * limit;
    begin = std::max<std::int64_t>(0, end - limit);
  }
  std::vector<core::DebtPosition> rows;
  if (begin < end) {
    filter.limit = static_cast<int>(limit);
    for (std::int64_t p = begin / limit; p <= (end - 1) / limit; ++p) {
      filter.page = static_cast<int>(p);
      auto chunk = call.store.listPositions(call.ec, filter);
      if (!chunk) return respond(unavailable());
      const std::int64_t first = p * limit;
      for (std::size_t k = 0; k < chunk.value().size(); ++k) {
        const std::int64_t at = first + static_cast<std::int64_t>(k);
        if (at >= begin && at < end) rows.push_back(std::move(chunk.value()[k]));
      }
    }
    if (ordering == "DESC") std::reverse(rows.begin(), rows.end());
  }
  json list = json::array();
  for (const auto& position : rows) list.push_back(positionToGpd(position));
  respond(jsonResponse(200, {{"payment_position_list", std::move(list)},
                             {"page_info", pageInfo(page, limit, rows.size(), n)}}));
}

void createPositionRoute(ApiCall& call, const Respond& respond) {
  std::vector<FieldError> errors;
  const bool to_publish = queryBoolean(call, "toPublish", false, errors);
  if (!errors.empty()) return respond(problemResponse(400, "bad query parameters", errors));
  auto position = readBody(call, to_publish, respond);
  if (!position) return;
  auto existing = call.store.getPosition(call.ec, position->iupd);
  if (!existing) return respond(unavailable());
  if (existing.value()) {
    return respond(problemResponse(409, "a debt position with this iupd already exists",
                                   {{"iupd", "already exists"}}));
  }
  if (auto taken = takenNotices(call, *position); !taken.empty()) {
    return respond(problemResponse(409, "a notice of the debt position belongs to another one", taken));
  }
  auto stored = call.store.createPosition(*position);
  if (!stored) return respond(writeFailure(stored.error()));
  respond(jsonResponse(201, positionToGpd(*position)));
}

void getPositionRoute(ApiCall& call, const Respond& respond) {
  auto position = loadPosition(call, respond);
  if (position) respond(jsonResponse(200, positionToGpd(*position)));
}

void updatePositionRoute(ApiCall& call, const Respond& respond) {
  std::vector<FieldError> errors;
  const bool to_publish = queryBoolean(call, "toPublish", false, errors);
  if (!errors.empty()) return respond(problemResponse(400, "bad query parameters", errors));
  auto stored = loadPosition(call, respond);
  if (!stored) return;
  if (!mayUpdate(stored->status) || hasPayments(*stored)) {
    return respond(wrongState(*stored, "updated"));
  }
  auto position = readBody(call, to_publish, respond);
  if (!position) return;
  if (position->iupd != stored->iupd) {
    return respond(problemResponse(400, "the debt position is not valid",
                                   {{"iupd", "must be the iupd of the path"}}));
  }
  if (auto taken = takenNotices(call, *position); !taken.empty()) {
    return respond(problemResponse(409, "a notice of the debt position belongs to another one", taken));
  }
  saveAndAnswer(call, *position, respond);
}

void deletePositionRoute(ApiCall& call, const Respond& respond) {
  auto deleted = call.store.deletePosition(call.ec, call.param("iupd"), core::PositionStatus::kDraft);
  if (deleted) return respond(jsonResponse(200, "OK"));
  switch (deleted.error().kind) {
    case store::ErrorKind::kNotFound:
      return respond(notFound());
    case store::ErrorKind::kConflict:
      return respond(problemResponse(409, "only a DRAFT debt position can be deleted"));
    case store::ErrorKind::kInvalid:
      return respond(problemResponse(500, "this storage engine cannot delete debt positions"));
    default:
      return respond(unavailable());
  }
}

void publishPositionRoute(ApiCall& call, const Respond& respond) {
  auto position = loadPosition(call, respond);
  if (!position) return;
  if (!mayPublish(position->status)) return respond(wrongState(*position, "published"));
  if (position->validity_date && *position->validity_date < call.today) {
    return respond(problemResponse(409, "the validityDate of the debt position has passed: update it first"));
  }
  position->status = publishedStatus(*position, call.today);
  saveAndAnswer(call, *position, respond);
}

void invalidatePositionRoute(ApiCall& call, const Respond& respond) {
  auto position = loadPosition(call, respond);
  if (!position) return;
  if (!mayInvalidate(position->status) || hasPayments(*position)) {
    return respond(wrongState(*position, "invalidated"));
  }
  position->status = core::PositionStatus::kInvalid;
  saveAndAnswer(call, *position, respond);
}

void putAmountScheduleRoute(ApiCall& call, const Respond& respond) {
  auto position = loadPosition(call, respond);
  if (!position) return;
  auto option = std::find_if(position->options.begin(), position->options.end(),
                             [&](const core::PaymentOption& o) { return o.iuv == call.param("iuv"); });
  if (option == position->options.end()) return respond(notFound());
  if (!mayAmend(position->status) || core::isPaid(option->status)) {
    return respond(problemResponse(409, "the payment option is paid, or its debt position is " +
                                            std::string(core::toString(position->status))));
  }
  auto body = jsonBody(call, respond);
  if (!body) return;
  if (auto errors = scheduleFromGpd(*body, "amountSchedule", *option); !errors.empty()) {
    return respond(problemResponse(400, "the amount schedule is not valid", errors));
  }
  saveAndAnswer(call, *position, respond);
}

void putCoerciveCollectionRoute(ApiCall& call, const Respond& respond) {
  auto position = loadPosition(call, respond);
  if (!position) return;
  if (!mayAmend(position->status)) return respond(wrongState(*position, "sent to coercive collection"));
  auto body = jsonBody(call, respond);
  if (!body) return;
  // The same reader as the position model's coerciveCollection field.
  json probe = positionToGpd(*position);
  probe["coerciveCollection"] = *body;
  GpdContext context = call.gpdContext();
  context.accept_status = true;
  auto parsed = positionFromGpd(probe, context);
  if (auto* errors = std::get_if<std::vector<FieldError>>(&parsed)) {
    std::vector<FieldError> own;
    for (auto& e : *errors) {
      if (e.path.rfind("coerciveCollection", 0) == 0) own.push_back(std::move(e));
    }
    if (own.empty()) own.push_back({"", "the stored debt position cannot be amended"});
    return respond(problemResponse(400, "the coercive collection is not valid", own));
  }
  position->coercive = std::get<core::DebtPosition>(parsed).coercive;
  saveAndAnswer(call, *position, respond);
}

void deleteCoerciveCollectionRoute(ApiCall& call, const Respond& respond) {
  auto position = loadPosition(call, respond);
  if (!position) return;
  if (!position->coercive.sent) {
    return respond(problemResponse(409, "the debt position is not in coercive collection"));
  }
  position->coercive = {};
  saveAndAnswer(call, *position, respond);
}

void payabilityRoute(ApiCall& call, const Respond& respond) {
  auto position = loadPosition(call, respond);
  if (!position) return;
  json options = json::array();
  for (std::size_t i = 0; i < position->options.size(); ++i) {
    const core::PaymentOption& o = position->options[i];
    const core::DueAmount due = core::amountDue(o, call.today);
    json item = {{"nav", o.nav},
                 {"iuv", o.iuv},
                 {"isPartialPayment", o.is_partial_payment},
                 {"dueDate", o.due_date.iso()},
                 {"status", std::string(core::toString(o.status))},
                 {"amountDueToday", due.amount}};
    if (!o.payment_plan_id.empty()) item["paymentPlanId"] = o.payment_plan_id;
    if (!due.label.empty()) item["amountLabel"] = due.label;
    if (auto fault = core::checkPayable(*position, i, call.today)) {
      item["payable"] = false;
      item["fault"] = {{"code", std::string(core::faultCodeName(fault->code))},
                       {"description", fault->description}};
    } else {
      item["payable"] = true;
    }
    options.push_back(std::move(item));
  }
  respond(jsonResponse(200, {{"iupd", position->iupd},
                             {"status", std::string(core::toString(position->status))},
                             {"date", call.today.iso()},
                             {"paymentOption", std::move(options)}}));
}

}  // namespace ponte::api
