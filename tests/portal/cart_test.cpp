// Carts of 1..5 notices sent to a stand-in Checkout that checks them against checkout_v1.json,
// the refusals that never reach it, reading a cart back, and the full path to "paid".
#include <catch2/catch.hpp>

#include <future>

#include "core/amount_schedule.h"
#include "portal_world.h"
#include "store/sqlite_store.h"

using namespace ponte;
using namespace ponte::portaltest;
using namespace ponte::testing;
using nlohmann::json;

namespace {

const std::vector<std::string> kFive = {kSingle, kImuSingle, kFine, kTari, kPostal};

core::Receipt receiptFor(const std::string& nav, const std::string& id, core::Cents amount) {
  core::Receipt r;
  r.receipt_id = id;
  r.notice_number = nav;
  r.fiscal_code = kValbruna;
  r.outcome = "OK";
  r.creditor_reference_id = nav.substr(1);
  r.payment_amount = amount;
  r.description = "payment";
  r.company_name = "Comune di Valbruna";
  r.debtor.fiscal_code = "RSSMRA80A01H501U";
  r.debtor.full_name = "Mario Rossi";
  r.transfers.push_back({1,
                         amount,
                         kValbruna,
                         "",
                         "IT61X0306909606100000012345",
                         "",
                         "remittance",
                         "9/0101109SE/",
                         {}});
  r.id_psp = "BCITITMM";
  r.psp_company_name = "Banca";
  r.id_channel = "BCITITMM_01";
  r.channel_description = "app";
  r.payment_date_time = "2026-11-22T10:59:00";
  return r;
}

bool sendRt(Fixture& f, const core::Receipt& receipt) {
  std::promise<core::Answer<core::SendRtResult>> done;
  f.operations->sendRt({f.caller(), receipt, true}, "<raw/>",
                       [&](core::Answer<core::SendRtResult> a) { done.set_value(std::move(a)); });
  return std::holds_alternative<core::SendRtResult>(done.get_future().get());
}

bool getPayment(Fixture& f, const std::string& nav, const std::string& cart_id) {
  core::GetPaymentRequest r;
  r.caller = f.caller();
  r.qr = {kValbruna, nav};
  r.v2 = true;
  r.payment_note = cart_id;
  return std::holds_alternative<core::PaymentData>(f.operations->getPayment(r));
}

// The store's payment attempts are written in the background: wait (bounded) until the cart
// shows the expected notice state.
json cartUntil(PortalWorld& w, const std::string& id, std::size_t index, const std::string& state) {
  json cart;
  for (int i = 0; i < 500; ++i) {
    cart = w.call("GET", "/ponte/v1/carts/" + id).json;
    if (cart["notices"][index]["state"] == state) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cart;
}

}  // namespace

TEST_CASE("a cart of 1 and of 5 notices gets Checkout's redirect and is recorded", "[portal]") {
  PortalWorld w;
  for (std::size_t n : {std::size_t(1), std::size_t(5)}) {
    std::vector<std::string> navs(kFive.begin(), kFive.begin() + long(n));
    Answer a = w.call("POST", "/ponte/v1/carts",
                      cartBody(navs, kValbruna, {{"email", "mario.rossi@example.org"}}));
    INFO(a.body);
    REQUIRE(a.status == 201);
    CHECK(a.json["checkoutUrl"] == "https://checkout.pagopa.example/c/abc123");
    const std::string id = a.json["cartId"];
    CHECK(id.size() == 32);
    CHECK(a.location == "/ponte/v1/carts/" + id);
    REQUIRE(a.json["notices"].size() == n);

    const auto sent = json::parse(w.checkout.requests().back().body);
    CHECK(w.checkout.requests().back().target == "/carts");
    CHECK(w.checkout.requests().back().header("Ocp-Apim-Subscription-Key") ==
          "checkout-subscription-key");
    CHECK(sent["idCart"] == id);
    CHECK(sent["emailNotice"] == "mario.rossi@example.org");
    CHECK(sent["returnUrls"]["returnOkUrl"] == "https://portale.valbruna.example/ok");
    REQUIRE(sent["paymentNotices"].size() == n);
    std::int64_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(sent["paymentNotices"][i]["noticeNumber"] == navs[i]);
      CHECK(sent["paymentNotices"][i]["fiscalCode"] == kValbruna);
      CHECK(sent["paymentNotices"][i]["companyName"] == "Comune di Valbruna");
      // The amount due today, the same the node will be answered in paGetPayment.
      auto match = w.fixture.store->findByNotice(kValbruna, navs[i]);
      const auto& option = match.value()->position.options[match.value()->option_index];
      CHECK(sent["paymentNotices"][i]["amount"] ==
            core::amountDue(option, core::romeDate(w.fixture.clock.nowUnixMs())).amount);
      CHECK(a.json["notices"][i]["amount"] == sent["paymentNotices"][i]["amount"]);
      total += sent["paymentNotices"][i]["amount"].get<std::int64_t>();
    }
    CHECK(a.json["amount"] == total);
    CHECK(sent["paymentNotices"][0]["amount"] == 12000);
    if (n == 5) CHECK(sent["paymentNotices"][2]["amount"] == 2940);  // kFine's reduced amount today

    Answer back = w.call("GET", "/ponte/v1/carts/" + id);
    REQUIRE(back.status == 200);
    CHECK(back.json["state"] == "open");
    CHECK(back.json["email"] == "mario.rossi@example.org");
    CHECK(back.json["notices"].size() == n);
  }
  CHECK(w.checkout.calls() == 2);
  CHECK(w.checkout.schemaErrors().empty());
}

TEST_CASE("the portal's own return URLs win over the EC's defaults", "[portal]") {
  PortalWorld w;
  Answer a = w.call("POST", "/ponte/v1/carts",
                    cartBody({kSingle}, kValbruna,
                             {{"returnUrls",
                               {{"returnOkUrl", "https://p.example/ok"},
                                {"returnCancelUrl", "https://p.example/ko"},
                                {"returnErrorUrl", "https://p.example/err"}}}}));
  REQUIRE(a.status == 201);
  const auto sent = json::parse(w.checkout.requests().back().body);
  CHECK(sent["returnUrls"]["returnOkUrl"] == "https://p.example/ok");
  CHECK(sent["returnUrls"]["returnErrorUrl"] == "https://p.example/err");
  CHECK(w.checkout.schemaErrors().empty());

  PortalWorld bare(WorldOptions{true, true, false, 400, false});
  Answer none = bare.call("POST", "/ponte/v1/carts", cartBody({kSingle}));
  CHECK(none.status == 400);
  CHECK(none.json["errors"][0]["path"] == "returnUrls");
  CHECK(bare.checkout.calls() == 0);
}

TEST_CASE(
    "a sixth notice, a paid, expired or cancelled notice, or a hidden EC never reaches Checkout",
    "[portal]") {
  PortalWorld w;
  std::vector<std::string> six = kFive;
  six.push_back(kStamp);
  Answer a = w.call("POST", "/ponte/v1/carts", cartBody(six));
  CHECK(a.status == 400);
  CHECK(a.content_type == "application/problem+json");
  CHECK(a.json["errors"][0]["path"] == "notices");
  CHECK(a.json["errors"][1]["path"] == "notices[5]");

  Answer empty = w.call("POST", "/ponte/v1/carts", cartBody({}));
  CHECK(empty.status == 400);

  Answer paid = w.call("POST", "/ponte/v1/carts", cartBody({kSingle, kPaid}));
  CHECK(paid.status == 422);
  REQUIRE(paid.json["errors"].size() == 1);
  CHECK(paid.json["errors"][0]["path"] == "notices[1]");
  CHECK(paid.json["errors"][0]["message"] == std::string("notice ") + kPaid + " is already paid");

  Answer expired = w.call("POST", "/ponte/v1/carts", cartBody({kExpired, kSingle, kCancelled}));
  CHECK(expired.status == 422);
  REQUIRE(expired.json["errors"].size() == 2);
  CHECK(expired.json["errors"][0]["path"] == "notices[0]");
  CHECK(expired.json["errors"][0]["message"].get<std::string>().find("expired") !=
        std::string::npos);
  CHECK(expired.json["errors"][1]["path"] == "notices[2]");
  CHECK(expired.json["errors"][1]["message"].get<std::string>().find("cancelled") !=
        std::string::npos);

  Answer unknown = w.call("POST", "/ponte/v1/carts", cartBody({"301000000000999921"}));
  CHECK(unknown.status == 422);
  CHECK(unknown.json["errors"][0]["message"].get<std::string>().find("unknown") !=
        std::string::npos);

  Answer twice = w.call("POST", "/ponte/v1/carts", cartBody({kSingle, kSingle}));
  CHECK(twice.status == 400);
  CHECK(twice.json["errors"][0]["path"] == "notices[1]");

  // An EC ponte does not serve, and one it serves but not for this key: the API's one 404.
  Answer foreign = w.call("POST", "/ponte/v1/carts", cartBody({kSingle}, "01234567890"));
  CHECK(foreign.status == 404);
  Answer hidden = w.call("POST", "/ponte/v1/carts",
                         json{{"notices",
                               {{{"noticeNumber", kSingle}, {"fiscalCode", kValbruna}},
                                {{"noticeNumber", kMonteverde1}, {"fiscalCode", kMonteverde}}}}}
                             .dump());
  CHECK(hidden.status == 404);
  CHECK(hidden.body == foreign.body);

  CHECK(w.call("POST", "/ponte/v1/carts", "{not json").status == 400);
  CHECK(w.call("POST", "/ponte/v1/carts", cartBody({kSingle}), "").status == 401);
  CHECK(w.call("POST", "/ponte/v1/carts", cartBody({kSingle}), "wrong-key").status == 401);
  CHECK(w.call("DELETE", "/ponte/v1/carts").status == 405);
  CHECK(w.checkout.calls() == 0);

  // The partner key may put both ECs' notices in one cart.
  Answer both = w.call("POST", "/ponte/v1/carts",
                       json{{"notices",
                             {{{"noticeNumber", kSingle}, {"fiscalCode", kValbruna}},
                              {{"noticeNumber", kMonteverde1}, {"fiscalCode", kMonteverde}}}}}
                           .dump(),
                       kPartnerKey);
  CHECK(both.status == 201);
  CHECK(w.checkout.calls() == 1);
}

TEST_CASE("Checkout refusing or failing leaves no cart and says what to do", "[portal]") {
  PortalWorld w;
  w.checkout.answer(
      {400, R"({"title":"Bad Request","status":400,"detail":"Invalid notice"})", {}, 0});
  Answer refused = w.call("POST", "/ponte/v1/carts", cartBody({kSingle}));
  CHECK(refused.status == 502);
  CHECK(refused.json["detail"] == "pagoPA Checkout refused the cart: Invalid notice");

  w.checkout.answer({500, "boom", {}, 0});
  Answer failed = w.call("POST", "/ponte/v1/carts", cartBody({kSingle}));
  CHECK(failed.status == 503);
  CHECK(failed.retry_after == "60");

  w.checkout.answer({302, "", {{"Location", "https://x.example/"}}, 3000});  // beyond 2 s
  const auto start = std::chrono::steady_clock::now();
  Answer slow = w.call("POST", "/ponte/v1/carts", cartBody({kSingle}));
  CHECK(slow.status == 503);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2900));

  PortalWorld unconfigured(WorldOptions{false, true, false, 400, true});
  Answer off = unconfigured.call("POST", "/ponte/v1/carts", cartBody({kSingle}));
  CHECK(off.status == 503);
  CHECK(off.json["detail"].get<std::string>().find("not configured") != std::string::npos);
}

TEST_CASE("a cart is read back only by a key of its ECs", "[portal]") {
  PortalWorld w;
  Answer a = w.call("POST", "/ponte/v1/carts", cartBody({kSingle}));
  REQUIRE(a.status == 201);
  const std::string id = a.json["cartId"];
  CHECK(w.call("GET", "/ponte/v1/carts/" + id).status == 200);
  CHECK(w.call("GET", "/ponte/v1/carts/" + id, "", kPartnerKey).status == 200);
  Answer other = w.call("GET", "/ponte/v1/carts/" + id, "", kMonteverdeKey);
  CHECK(other.status == 404);
  Answer missing = w.call("GET", "/ponte/v1/carts/0123456789abcdef0123456789abcdef");
  CHECK(missing.status == 404);
  CHECK(other.body == missing.body);
  CHECK(w.call("GET", "/ponte/v1/carts/not-an-id").status == 404);
  CHECK(w.call("POST", "/ponte/v1/carts/" + id).status == 405);
}

TEST_CASE("the full path: cart, paGetPayment with the cart id, paSendRT of each notice, paid",
          "[portal]") {
  PortalWorld w;
  Answer created = w.call("POST", "/ponte/v1/carts", cartBody({kSingle, kTari, kFine}));
  REQUIRE(created.status == 201);
  const std::string id = created.json["cartId"];
  const std::int64_t single = created.json["notices"][0]["amount"];
  const std::int64_t tari = created.json["notices"][1]["amount"];
  const std::int64_t fine = created.json["notices"][2]["amount"];

  // A paGetPayment of a notice with another note (paid some other way) does not tie it to the
  // cart. Attempts are written in order, so once the last tie shows this one is written too.
  REQUIRE(getPayment(w.fixture, kFine, "another-note"));
  // Checkout has the citizen pay: the node asks for each notice's data with the cart id.
  REQUIRE(getPayment(w.fixture, kSingle, id));
  REQUIRE(getPayment(w.fixture, kTari, id));
  json cart = cartUntil(w, id, 1, "in_progress");
  CHECK(cart["state"] == "open");
  CHECK(cart["notices"][0]["state"] == "in_progress");
  CHECK(cart["notices"][1]["state"] == "in_progress");
  CHECK(cart["notices"][2]["state"] == "open");
  CHECK(cart["notices"][0].contains("paymentStartedAt"));
  CHECK_FALSE(cart["notices"][2].contains("paymentStartedAt"));

  REQUIRE(sendRt(w.fixture, receiptFor(kSingle, "rcpt-single-1", single)));
  cart = w.call("GET", "/ponte/v1/carts/" + id).json;
  CHECK(cart["state"] == "partly_paid");
  CHECK(cart["notices"][0]["state"] == "paid");
  CHECK(cart["notices"][0]["receiptId"] == "rcpt-single-1");
  CHECK(cart["notices"][1]["state"] == "in_progress");

  REQUIRE(sendRt(w.fixture, receiptFor(kTari, "rcpt-tari-1", tari)));
  cart = w.call("GET", "/ponte/v1/carts/" + id).json;
  CHECK(cart["state"] == "partly_paid");
  REQUIRE(sendRt(w.fixture, receiptFor(kFine, "rcpt-fine-1", fine)));
  cart = w.call("GET", "/ponte/v1/carts/" + id).json;
  CHECK(cart["state"] == "paid");
  CHECK(cart["notices"][1]["state"] == "paid");
  CHECK(cart["notices"][2]["state"] == "paid");
  CHECK(cart["notices"][1]["paidAt"] == "2026-11-22T11:00:00.000Z");

  // Paid notices cannot go into another cart.
  CHECK(w.call("POST", "/ponte/v1/carts", cartBody({kTari})).status == 422);
}

TEST_CASE("carts are stored durably, once per id, and read back after a restart", "[portal]") {
  Fixture f;
  store::CartRecord cart{
      "00112233445566778899aabbccddeeff",
      "key:partner",
      kFixtureNowMs,
      "a@b.example",
      "https://checkout.example/c/1",
      {{kValbruna, kSingle, 12000, "Mensa", 0}, {kMonteverde, kMonteverde1, 1650, "Acqua", 0}}};
  REQUIRE(f.store->createCart(cart));
  auto again = f.store->createCart(cart);
  REQUIRE_FALSE(again);
  CHECK(again.error().kind == store::ErrorKind::kConflict);
  store::CartRecord empty = cart;
  empty.id = "ffeeddccbbaa99887766554433221100";
  empty.notices.clear();
  CHECK(f.store->createCart(empty).error().kind == store::ErrorKind::kInvalid);
  CHECK_FALSE(f.store->getCart(empty.id).value().has_value());

  f.store->recordPaymentAttempt(kValbruna, kSingle, cart.id, kFixtureNowMs + 5);
  f.store->recordPaymentAttempt(kValbruna, kSingle, cart.id, kFixtureNowMs + 9);
  // The same notice number under another EC, or another note, is not this cart's.
  f.store->recordPaymentAttempt(kMonteverde, kSingle, cart.id, kFixtureNowMs + 6);
  f.store->recordPaymentAttempt(kMonteverde, kMonteverde1, "other", kFixtureNowMs + 7);
  f.store.reset();  // drains the writer: every attempt is written
  store::Error error;
  store::SqliteOptions options;
  options.path = f.config.storage.path;
  f.store = store::openSqliteStore(options, &error);
  REQUIRE(f.store);
  auto read = f.store->getCart(cart.id);
  REQUIRE(read);
  REQUIRE(read.value().has_value());
  store::CartRecord expected = cart;
  expected.notices[0].tied_unix_ms = kFixtureNowMs + 5;
  CHECK(*read.value() == expected);
}

TEST_CASE("a configuration reload changes the return URLs and the keys admitted", "[portal]") {
  PortalWorld w(WorldOptions{true, true, false, 400, false});
  CHECK(w.call("POST", "/ponte/v1/carts", cartBody({kSingle})).status == 400);
  for (auto& ec : w.fixture.config.creditor_institutions) {
    if (ec.fiscal_code == kValbruna) {
      ec.return_urls = ops::ReturnUrlsConfig{"https://new.example/ok", "https://new.example/ko",
                                             "https://new.example/err", ""};
    }
    if (ec.fiscal_code == kMonteverde) ec.api_keys.clear();
  }
  w.reload();
  Answer a = w.call("POST", "/ponte/v1/carts", cartBody({kSingle}));
  REQUIRE(a.status == 201);
  CHECK(json::parse(w.checkout.requests().back().body)["returnUrls"]["returnOkUrl"] ==
        "https://new.example/ok");
  CHECK(w.call("GET", "/ponte/v1/fees?amount=100", "", kMonteverdeKey).status == 401);
}
