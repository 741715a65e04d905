// pagoPA Checkout's EC API: POST /carts with up to 5 notices, answered by a 302 whose Location
// is where the citizen's browser goes to pay (checkout_v1.json, checkout_v2.json).
#pragma once

#include <string>
#include <vector>

#include "core/money.h"
#include "upstream/http_call.h"

namespace ponte::upstream {

struct CheckoutOptions {
  std::string base_url;          // e.g. https://api.platform.pagopa.it/checkout/ec/v1 (or .../v2)
  int version = 1;               // 2 adds returnWaitingUrl, required there
  std::string subscription_key;  // Ocp-Apim-Subscription-Key (read from a file by the caller)
  long timeout_ms = 5000;
  TlsSettings tls;
};

struct CartNotice {
  std::string notice_number;  // 18 digits
  std::string fiscal_code;    // the EC, 11 digits
  core::Cents amount = 0;     // >= 1
  std::string company_name;   // <= 140
  std::string description;    // <= 140
};

struct CartRequest {
  std::vector<CartNotice> notices;  // 1..5
  std::string email_notice;         // optional
  std::string id_cart;              // optional: comes back as paymentNote in paGetPayment
  std::string return_ok_url;
  std::string return_cancel_url;
  std::string return_error_url;
  std::string return_waiting_url;  // v2 only, required there
  bool all_ccp = false;            // every transfer can be credited to a postal account
};

struct CartOutcome {
  enum class Kind {
    kRedirect,     // 302 with a Location: send the browser there
    kRejected,     // 4xx: Checkout refused the cart (detail says why)
    kUnavailable,  // 5xx, timeout, connection or TLS failure, or an answer that makes no sense
  };
  Kind kind = Kind::kUnavailable;
  std::string redirect_url;
  long http_status = 0;
  std::string detail;  // for the log: Checkout's ProblemJson detail or the transport error
};

// The JSON body of POST /carts for the options' version.
std::string cartJson(const CartRequest& request, int version);

// Posts the cart. Blocking (see http_call.h). Never throws.
CartOutcome createCart(const CheckoutOptions& options, const CartRequest& request);

}  // namespace ponte::upstream
