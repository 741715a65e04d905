// POST /carts to Checkout.
#include "upstream/checkout_client.h"

#include <nlohmann/json.hpp>

namespace ponte::upstream {

std::string cartJson(const CartRequest& request, int version) {
  nlohmann::json notices = nlohmann::json::array();
  for (const auto& n : request.notices) {
    notices.push_back({{"noticeNumber", n.notice_number},
                       {"fiscalCode", n.fiscal_code},
                       {"amount", n.amount},
                       {"companyName", n.company_name},
                       {"description", n.description}});
  }
  nlohmann::json urls = {{"returnOkUrl", request.return_ok_url},
                         {"returnCancelUrl", request.return_cancel_url},
                         {"returnErrorUrl", request.return_error_url}};
  if (version >= 2) urls["returnWaitingUrl"] = request.return_waiting_url;
  nlohmann::json body = {{"paymentNotices", std::move(notices)}, {"returnUrls", std::move(urls)}};
  if (!request.email_notice.empty()) body["emailNotice"] = request.email_notice;
  if (!request.id_cart.empty()) body["idCart"] = request.id_cart;
  if (request.all_ccp) body["allCCP"] = true;
  return body.dump();
}

CartOutcome createCart(const CheckoutOptions& options, const CartRequest& request) {
  HttpCall call;
  call.url = options.base_url + "/carts";
  call.headers = {{"Content-Type", "application/json"},
                  {"Accept", "application/json"},
                  {"Ocp-Apim-Subscription-Key", options.subscription_key}};
  call.body = cartJson(request, options.version);
  call.timeout_ms = options.timeout_ms;
  call.tls = options.tls;
  const HttpReply reply = perform(call);

  CartOutcome outcome;
  outcome.http_status = reply.status;
  if (reply.error != CallError::kNone) {
    outcome.kind = CartOutcome::Kind::kUnavailable;
    outcome.detail = reply.error_text;
    return outcome;
  }
  if (reply.status == 302 && !reply.location.empty()) {
    outcome.kind = CartOutcome::Kind::kRedirect;
    outcome.redirect_url = reply.location;
    return outcome;
  }
  // A ProblemJson's detail (or title) says what Checkout disliked; anything else is kept short.
  const auto problem = nlohmann::json::parse(reply.body, nullptr, false);
  if (problem.is_object()) {
    outcome.detail = problem.value("detail", problem.value("title", std::string()));
  }
  if (outcome.detail.empty()) outcome.detail = reply.body.substr(0, 200);
  outcome.kind = reply.status >= 400 && reply.status < 500 ? CartOutcome::Kind::kRejected
                                                           : CartOutcome::Kind::kUnavailable;
  return outcome;
}

}  // namespace ponte::upstream
