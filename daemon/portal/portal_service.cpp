// The portal's carts and fees.
#include "portal/portal_service.h"

#include <ctime>
#include <random>

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "portal/cart_state.h"
#include "portal/notice_check.h"
#include "upstream/checkout_client.h"

namespace ponte::portal {
namespace {

using api::FieldError;
using nlohmann::json;

constexpr std::string_view kCarts = "/ponte/v1/carts";
constexpr std::string_view kFees = "/ponte/v1/fees";

// A problem+json answer; the titles of the statuses the API's helper does not name are ours.
net::HttpResponse problem(int status, std::string_view detail,
                          const std::vector<FieldError>& errors = {}) {
  net::HttpResponse r = api::problemResponse(status, detail, errors);
  if (status == 422 || status == 502) {
    json body = json::parse(r.body, nullptr, false);
    body["title"] = status == 422 ? "Unprocessable Content" : "Bad Gateway";
    r.body = body.dump();
  }
  return r;
}

net::HttpResponse retryLater(std::string_view detail, int seconds) {
  net::HttpResponse r = problem(503, detail);
  r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of a query component ('+' is a space); nullopt when malformed.
std::optional<std::string> decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hexValue(text[i + 1]), lo = hexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += char(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// "2026-11-22T10:15:30.250Z"
std::string isoTime(std::int64_t unix_ms) {
  const std::time_t seconds = std::time_t(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(unix_ms % 1000));
  return text;
}

// 128 random bits as 32 hex digits: cart ids can be neither guessed nor enumerated.
std::string newCartId() {
  std::random_device random;
  std::string id;
  char part[9];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(part, sizeof part, "%08x", unsigned(random()));
    id += part;
  }
  return id;
}

// An engine without carts answers kInvalid to any cart read (store.h's default); asking once at
// start keeps a cart from reaching Checkout when it could not be recorded after.
bool recordsCarts(store::Store& store) {
  auto probe = store.getCart(std::string(32, '0'));
  return probe.ok() || probe.error().kind != store::ErrorKind::kInvalid;
}

}  // namespace

// One authenticated request, as the worker sees it.
struct PortalService::Call {
  net::HttpRequest request;
  api::ApiCaller caller;
  std::shared_ptr<const Settings> settings;
  std::string path;
  std::map<std::string, std::string, std::less<>> query;
  bool query_ok = true;
};

PortalService::PortalService(std::shared_ptr<const core::Directory> directory,
                             std::shared_ptr<const api::AccessTable> access,
                             std::map<std::string, ReturnUrls> return_urls, store::Store& store,
                             const core::Clock& clock, PortalOptions options, ops::Logger* log)
    : store_(store),
      clock_(clock),
      log_(log),
      options_(options),
      carts_recorded_(recordsCarts(store)),
      fee_source_(options.fee_calculator, options.catalogue,
                  [&clock] { return clock.nowUnixMs(); }),
      settings_(std::make_shared<Settings>(
          Settings{std::move(directory), std::move(access), std::move(return_urls)})),
      queue_(std::make_unique<WorkQueue>(options.workers, options.max_waiting)) {}

PortalService::~PortalService() { queue_.reset(); }

bool PortalService::handles(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  for (std::string_view root : {kCarts, kFees}) {
    if (path.substr(0, root.size()) == root &&
        (path.size() == root.size() || path[root.size()] == '/')) {
      return true;
    }
  }
  return false;
}

void PortalService::reload(std::shared_ptr<const core::Directory> directory,
                           std::shared_ptr<const api::AccessTable> access,
                           std::map<std::string, ReturnUrls> return_urls) {
  auto next = std::make_shared<const Settings>(
      Settings{std::move(directory), std::move(access), std::move(return_urls)});
  std::lock_guard lock(settings_mutex_);
  settings_ = std::move(next);
}

std::shared_ptr<const PortalService::Settings> PortalService::settings() const {
  std::lock_guard lock(settings_mutex_);
  return settings_;
}

void PortalService::logEvent(ops::LogLevel level, std::string_view event, std::string_view detail) {
  if (log_ != nullptr) log_->log(level, event, {{"detail", detail}});
}

void PortalService::handle(net::HttpRequest&& request, net::Reply reply) {
  auto call = std::make_shared<Call>();
  call->settings = settings();
  auto caller = call->settings->access->authenticate(request);
  if (!caller) {
    net::HttpResponse r = api::problemResponse(
        401, "send a valid key in Ocp-Apim-Subscription-Key or Authorization: Bearer");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ponte\"");
    return reply(std::move(r));
  }
  call->caller = std::move(*caller);
  const std::string& target = request.target;
  const std::size_t mark = target.find('?');
  call->path = target.substr(0, mark);
  if (mark != std::string::npos) {
    std::string_view rest = std::string_view(target).substr(mark + 1);
    while (!rest.empty()) {
      const std::string_view pair = rest.substr(0, rest.find('&'));
      rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
      if (pair.empty()) continue;
      const std::size_t eq = pair.find('=');
      auto key = decode(pair.substr(0, eq));
      auto value = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      if (!key || !value) {
        call->query_ok = false;
        continue;
      }
      call->query[*key] = *value;
    }
  }
  call->request = std::move(request);
  const bool queued = queue_->submit([this, call, reply]() { reply(route(*call)); });
  if (!queued) {
    logEvent(ops::LogLevel::kWarning, "portal.queue_full",
             "a portal request was refused: every worker is busy");
    reply(retryLater("ponte is busy with other portal requests: try again in a few seconds", 5));
  }
}

net::HttpResponse PortalService::route(const Call& call) {
  const std::string& method = call.request.method;
  const auto notAllowed = [](const char* allow) {
    net::HttpResponse r = api::problemResponse(405, std::string("use ") + allow);
    r.headers.emplace_back("Allow", allow);
    return r;
  };
  if (!call.query_ok) return problem(400, "the query string is not correctly percent-encoded");
  if (call.path == kCarts) {
    return method == "POST" ? postCart(call) : notAllowed("POST");
  }
  if (call.path.size() > kCarts.size() + 1 && call.path.rfind(std::string(kCarts) + "/", 0) == 0) {
    const std::string id = call.path.substr(kCarts.size() + 1);
    return method == "GET" ? getCart(call, id) : notAllowed("GET");
  }
  if (call.path == kFees) {
    return method == "GET" || method == "POST" ? fees(call) : notAllowed("GET, POST");
  }
  return api::notFound();
}

net::HttpResponse PortalService::postCart(const Call& call) {
  const json body = json::parse(call.request.body, nullptr, false);
  if (body.is_discarded()) return problem(400, "the body is not JSON");
  auto parsed = parseCartAsk(body);
  if (auto* errors = std::get_if<std::vector<FieldError>>(&parsed)) {
    return problem(400, "the cart is not valid", *errors);
  }
  CartAsk& ask = std::get<CartAsk>(parsed);
  const core::Directory& directory = *call.settings->directory;
  // Isolation first: a notice of an EC the caller may not see is answered like any unknown
  // resource of the API, before anything else about the cart is told.
  for (const NoticeRef& n : ask.notices) {
    if (directory.ec(n.fiscal_code) == nullptr || !call.caller.mayActFor(n.fiscal_code)) {
      return api::notFound();
    }
  }
  const std::int64_t now = clock_.nowUnixMs();
  const core::Date today = core::romeDate(now);
  std::vector<PayableNotice> notices;
  std::vector<FieldError> refused;
  for (std::size_t i = 0; i < ask.notices.size(); ++i) {
    auto checked = checkNotice(store_, directory, call.caller, ask.notices[i].fiscal_code,
                               ask.notices[i].notice_number, today);
    if (auto* refusal = std::get_if<NoticeRefusal>(&checked)) {
      if (refusal->kind == NoticeRefusal::Kind::kHidden) return api::notFound();
      if (refusal->kind == NoticeRefusal::Kind::kUnavailable) {
        logEvent(ops::LogLevel::kError, "portal.store_failed", refusal->message);
        return retryLater("the notices cannot be read now: try again in a minute", 60);
      }
      refused.push_back({"notices[" + std::to_string(i) + "]", refusal->message});
      continue;
    }
    notices.push_back(std::get<PayableNotice>(std::move(checked)));
  }
  if (!refused.empty()) {
    return problem(422,
                   refused.size() == 1
                       ? "a notice of the cart cannot be paid"
                       : std::to_string(refused.size()) + " notices of the cart cannot be paid",
                   refused);
  }
  ReturnUrls urls;
  if (ask.return_urls) {
    urls = *ask.return_urls;
  } else {
    const auto& defaults = call.settings->return_urls;
    auto it = defaults.find(ask.notices.front().fiscal_code);
    if (it == defaults.end()) {
      return problem(400, "the cart needs return URLs",
                     {{"returnUrls", "is required: EC " + ask.notices.front().fiscal_code +
                                         " has no default return_urls in ponte's configuration"}});
    }
    urls = it->second;
  }
  if (!options_.checkout) {
    return retryLater("carts are not available: pagoPA Checkout is not configured in ponte", 3600);
  }
  if (!carts_recorded_) {
    return retryLater("carts are not available: this storage engine does not record them", 3600);
  }

  upstream::CartRequest cart;
  cart.id_cart = newCartId();
  cart.email_notice = ask.email;
  cart.return_ok_url = urls.ok;
  cart.return_cancel_url = urls.cancel;
  cart.return_error_url = urls.error;
  cart.return_waiting_url = urls.waiting.empty() ? urls.ok : urls.waiting;
  cart.all_ccp = true;
  for (const PayableNotice& n : notices) {
    cart.notices.push_back({n.nav, n.ec, n.amount, n.company_name, n.description});
    cart.all_ccp = cart.all_ccp && n.all_postal;
  }
  const upstream::CartOutcome outcome = upstream::createCart(*options_.checkout, cart);
  if (outcome.kind == upstream::CartOutcome::Kind::kRejected) {
    logEvent(ops::LogLevel::kWarning, "portal.checkout_refused",
             "HTTP " + std::to_string(outcome.http_status) + ": " + outcome.detail);
    return problem(502, "pagoPA Checkout refused the cart: " + outcome.detail);
  }
  if (outcome.kind != upstream::CartOutcome::Kind::kRedirect) {
    logEvent(ops::LogLevel::kWarning, "portal.checkout_unavailable", outcome.detail);
    return retryLater("pagoPA Checkout is not answering: try again in a minute", 60);
  }

  store::CartRecord record;
  record.id = cart.id_cart;
  record.caller = call.caller.name;
  record.created_unix_ms = now;
  record.email = ask.email;
  record.checkout_url = outcome.redirect_url;
  for (const PayableNotice& n : notices) {
    record.notices.push_back({n.ec, n.nav, n.amount, n.description, 0});
  }
  if (auto stored = store_.createCart(record); !stored) {
    // Checkout has the cart, but without the record its state could not be read back: the
    // portal must not send the citizen there.
    logEvent(ops::LogLevel::kError, "portal.cart_not_recorded",
             record.id + ": " + stored.error().message);
    return retryLater("the cart cannot be recorded now: try again in a minute", 60);
  }
  if (log_ != nullptr) {
    log_->info("portal.cart_created", {{"cart", record.id},
                                       {"caller", record.caller},
                                       {"notices", std::to_string(record.notices.size())}});
  }
  json answer = {{"cartId", record.id}, {"checkoutUrl", record.checkout_url}};
  json list = json::array();
  core::Cents total = 0;
  for (const auto& n : record.notices) {
    list.push_back({{"noticeNumber", n.nav},
                    {"fiscalCode", n.ec},
                    {"amount", n.amount_cents},
                    {"description", n.description}});
    total += n.amount_cents;
  }
  answer["amount"] = total;
  answer["notices"] = std::move(list);
  net::HttpResponse r = api::jsonResponse(201, answer);
  r.headers.emplace_back("Location", std::string(kCarts) + "/" + record.id);
  return r;
}

net::HttpResponse PortalService::getCart(const Call& call, const std::string& id) {
  if (!isCartId(id)) return api::notFound();
  auto found = store_.getCart(id);
  if (!found) {
    logEvent(ops::LogLevel::kError, "portal.store_failed", found.error().message);
    return retryLater("the cart cannot be read now: try again in a minute", 60);
  }
  if (!found.value()) return api::notFound();
  const store::CartRecord& cart = *found.value();
  // A cart is shown only to a caller who may act for every EC in it.
  for (const auto& n : cart.notices) {
    if (!call.caller.mayActFor(n.ec)) return api::notFound();
  }
  json list = json::array();
  std::vector<NoticeState> states;
  core::Cents total = 0;
  for (const auto& n : cart.notices) {
    auto receipts = store_.listReceiptsByNotice(n.ec, n.nav);
    if (!receipts) {
      logEvent(ops::LogLevel::kError, "portal.store_failed", receipts.error().message);
      return retryLater("the cart cannot be read now: try again in a minute", 60);
    }
    json item = {{"noticeNumber", n.nav},
                 {"fiscalCode", n.ec},
                 {"amount", n.amount_cents},
                 {"description", n.description}};
    NoticeState state = NoticeState::kOpen;
    if (n.tied_unix_ms != 0) {
      state = NoticeState::kInProgress;
      item["paymentStartedAt"] = isoTime(n.tied_unix_ms);
    }
    if (!receipts.value().empty()) {
      // The first receipt paid it; a later one is a double payment the back office sees.
      const store::StoredReceipt& paid = receipts.value().front();
      state = NoticeState::kPaid;
      item["receiptId"] = paid.receipt_id;
      item["paidAt"] = isoTime(paid.received_at_unix_ms);
    }
    item["state"] = toString(state);
    states.push_back(state);
    total += n.amount_cents;
    list.push_back(std::move(item));
  }
  json answer = {{"cartId", cart.id},
                 {"state", toString(cartStateOf(states))},
                 {"createdAt", isoTime(cart.created_unix_ms)},
                 {"checkoutUrl", cart.checkout_url},
                 {"amount", total},
                 {"notices", std::move(list)}};
  if (!cart.email.empty()) answer["email"] = cart.email;
  return api::jsonResponse(200, answer);
}

net::HttpResponse PortalService::fees(const Call& call) {
  std::variant<FeeAsk, std::vector<FieldError>> parsed;
  if (call.request.method == "POST") {
    const json body = json::parse(call.request.body, nullptr, false);
    if (body.is_discarded()) return problem(400, "the body is not JSON");
    parsed = parseFeeAsk(body);
  } else {
    parsed = parseFeeQuery(call.query);
  }
  if (auto* errors = std::get_if<std::vector<FieldError>>(&parsed)) {
    return problem(400, "the fee query is not valid", *errors);
  }
  FeeAsk& ask = std::get<FeeAsk>(parsed);
  const core::Directory& directory = *call.settings->directory;
  const core::Date today = core::romeDate(clock_.nowUnixMs());

  std::vector<NoticeRef> refs = ask.notices;
  if (!ask.cart_id.empty()) {
    auto found = store_.getCart(ask.cart_id);
    if (!found) {
      logEvent(ops::LogLevel::kError, "portal.store_failed", found.error().message);
      return retryLater("the cart cannot be read now: try again in a minute", 60);
    }
    if (!found.value()) return api::notFound();
    for (const auto& n : found.value()->notices) refs.push_back({n.nav, n.ec});
  }
  for (const NoticeRef& n : refs) {
    if (directory.ec(n.fiscal_code) == nullptr || !call.caller.mayActFor(n.fiscal_code)) {
      return api::notFound();
    }
  }

  upstream::FeeQuery query;
  query.payment_method = ask.payment_method;
  query.touchpoint = ask.touchpoint;
  core::Cents total = 0;
  std::vector<FieldError> refused;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    auto checked = checkNotice(store_, directory, call.caller, refs[i].fiscal_code,
                               refs[i].notice_number, today);
    if (auto* refusal = std::get_if<NoticeRefusal>(&checked)) {
      if (refusal->kind == NoticeRefusal::Kind::kHidden) return api::notFound();
      if (refusal->kind == NoticeRefusal::Kind::kUnavailable) {
        logEvent(ops::LogLevel::kError, "portal.store_failed", refusal->message);
        return retryLater("the notices cannot be read now: try again in a minute", 60);
      }
      refused.push_back({"notices[" + std::to_string(i) + "]", refusal->message});
      continue;
    }
    const PayableNotice& n = std::get<PayableNotice>(checked);
    upstream::FeeNotice fee_notice{n.amount, n.ec, {}};
    for (const auto& t : n.transfers) {
      fee_notice.transfers.push_back({t.ec, t.category, t.digital_stamp});
    }
    query.notices.push_back(std::move(fee_notice));
    total += n.amount;
  }
  if (!refused.empty()) return problem(422, "fees are listed only for payable notices", refused);
  if (ask.amount) {
    std::string ec = ask.fiscal_code;
    if (ec.empty()) {
      if (call.caller.ecs.size() != 1) {
        return problem(400, "the fee query is not valid",
                       {{"fiscalCode", "is required with amount: this key acts for several ECs"}});
      }
      ec = call.caller.ecs.front();
    }
    if (directory.ec(ec) == nullptr || !call.caller.mayActFor(ec)) return api::notFound();
    query.notices.push_back({*ask.amount, ec, {{ec, ask.category, false}}});
    total = *ask.amount;
  }
  if (!fee_source_.configured()) {
    return retryLater(
        "PSP fees are not configured in ponte: set fee_calculator or "
        "psp_catalogue_file",
        3600);
  }
  auto result = fee_source_.fees(query, total);
  if (auto* failure = std::get_if<FeeUnavailable>(&result)) {
    logEvent(ops::LogLevel::kWarning, "portal.fees_unavailable", failure->detail);
    return retryLater(
        "the PSP fees cannot be listed now: pagoPA's fee calculator is not "
        "answering; try again in a minute",
        60);
  }
  const FeeAnswer& answer = std::get<FeeAnswer>(result);
  if (answer.stale) {
    logEvent(ops::LogLevel::kWarning, "portal.fees_stale",
             "the fee calculator failed: answering the list of " + isoTime(answer.fetched_at_ms));
  }
  json psps = json::array();
  for (const core::FeeOffer& o : answer.offers) {
    psps.push_back({{"pspId", o.psp_id},
                    {"pspName", o.psp_name},
                    {"bundleId", o.bundle_id},
                    {"paymentMethod", o.payment_method},
                    {"touchpoint", o.touchpoint},
                    {"fee", o.fee},
                    {"total", total + o.fee},
                    {"onUs", o.on_us}});
  }
  json body = {{"amount", total},
               {"source", answer.source},
               {"stale", answer.stale},
               {"fetchedAt", isoTime(answer.fetched_at_ms)},
               {"belowThreshold", answer.below_threshold},
               {"psps", std::move(psps)}};
  return api::jsonResponse(200, body);
}

}  // namespace ponte::portal
