// Carts posted to a stand-in Checkout that checks every request against checkout_v1/v2.json.
#include <catch2/catch.hpp>

#include "loopback_service.h"
#include "support/tls_client.h"
#include "upstream/checkout_client.h"

using namespace ponte;
using namespace ponte::upstream;

namespace {

CartRequest cartOf(int notices) {
  CartRequest cart;
  for (int i = 0; i < notices; ++i) {
    cart.notices.push_back({"30100000000001237" + std::to_string(i), "80015010723", 1000 + i,
                            "Comune di Valbruna", "Tassa " + std::to_string(i + 1)});
  }
  cart.email_notice = "mario.rossi@example.org";
  cart.id_cart = "cart-42";
  cart.return_ok_url = "https://portale.example.org/ok";
  cart.return_cancel_url = "https://portale.example.org/cancel";
  cart.return_error_url = "https://portale.example.org/error";
  cart.return_waiting_url = "https://portale.example.org/waiting";
  return cart;
}

}  // namespace

TEST_CASE("a cart of 1 and of 5 notices gets Checkout's redirect", "[upstream]") {
  test::LoopbackService checkout(test::officialOpenApi("pagopa-api/openapi/checkout_v1.json"),
                                 "CartRequest");
  checkout.answer({302, "", {{"Location", "https://checkout.example.org/c/abc"}}, 0});
  CheckoutOptions options{checkout.baseUrl(), 1, "key-1", 2000, {}};
  for (int n : {1, 5}) {
    CartOutcome outcome = createCart(options, cartOf(n));
    CHECK(outcome.kind == CartOutcome::Kind::kRedirect);
    CHECK(outcome.redirect_url == "https://checkout.example.org/c/abc");
  }
  CHECK(checkout.calls() == 2);
  CHECK(checkout.schemaErrors().empty());
  const auto requests = checkout.requests();
  CHECK(requests.back().target == "/carts");
  CHECK(requests.back().header("Ocp-Apim-Subscription-Key") == "key-1");
  const auto body = nlohmann::json::parse(requests.back().body);
  CHECK(body["paymentNotices"].size() == 5);
  CHECK(body["idCart"] == "cart-42");
  CHECK_FALSE(body["returnUrls"].contains("returnWaitingUrl"));
}

TEST_CASE("Checkout v2 carries the waiting URL its contract requires", "[upstream]") {
  test::LoopbackService checkout(test::officialOpenApi("pagopa-api/openapi/checkout_v2.json"),
                                 "CartRequestV2");
  checkout.answer({302, "", {{"Location", "https://checkout.example.org/v2/x"}}, 0});
  CartOutcome outcome = createCart({checkout.baseUrl(), 2, "k", 2000, {}}, cartOf(2));
  CHECK(outcome.kind == CartOutcome::Kind::kRedirect);
  CHECK(checkout.schemaErrors().empty());
  CHECK(nlohmann::json::parse(checkout.requests().back().body)["returnUrls"]["returnWaitingUrl"] ==
        "https://portale.example.org/waiting");
}

TEST_CASE("Checkout's refusals and failures are told apart", "[upstream]") {
  test::LoopbackService checkout(nullptr, "");
  checkout.answer({400,
                   R"({"title":"Bad Request","status":400,"detail":"Invalid payment notice data"})",
                   {},
                   0});
  CheckoutOptions options{checkout.baseUrl(), 1, "k", 500, {}};
  CartOutcome rejected = createCart(options, cartOf(1));
  CHECK(rejected.kind == CartOutcome::Kind::kRejected);
  CHECK(rejected.detail == "Invalid payment notice data");

  checkout.answer({500, "oops", {}, 0});
  CHECK(createCart(options, cartOf(1)).kind == CartOutcome::Kind::kUnavailable);

  checkout.answer({302, "", {}, 2000});  // slower than the 500 ms deadline
  const auto start = std::chrono::steady_clock::now();
  CartOutcome slow = createCart(options, cartOf(1));
  CHECK(slow.kind == CartOutcome::Kind::kUnavailable);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));

  options.base_url = "http://127.0.0.1:1";  // nothing listens there
  CHECK(createCart(options, cartOf(1)).kind == CartOutcome::Kind::kUnavailable);
}

TEST_CASE("Checkout over TLS is verified against the configured CA", "[upstream]") {
  test::LoopbackService checkout(nullptr, "", /*tls=*/true);
  checkout.answer({302, "", {{"Location", "https://checkout.example.org/t"}}, 0});
  const std::string certs = test::testCertificatesDir();
  CheckoutOptions options{
      "https://localhost:" + checkout.baseUrl().substr(checkout.baseUrl().rfind(':') + 1),
      1,
      "k",
      2000,
      {certs + "/ca.crt", "", ""}};
  CHECK(createCart(options, cartOf(1)).kind == CartOutcome::Kind::kRedirect);
  options.tls.ca_file = certs + "/other-ca.crt";  // a CA that did not sign the server
  CartOutcome refused = createCart(options, cartOf(1));
  CHECK(refused.kind == CartOutcome::Kind::kUnavailable);
  CHECK(checkout.calls() == 1);
}
