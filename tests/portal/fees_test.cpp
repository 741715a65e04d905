// PSP fees for a notice, an amount and a cart from a stand-in fee calculator that checks every
// request against openapi-v2.json; its failures; and the offline PSP catalogue's band edges.
#include <catch2/catch.hpp>

#include <chrono>

#include "portal_world.h"

using namespace ponte;
using namespace ponte::portaltest;
using namespace ponte::testing;
using nlohmann::json;

namespace {

// Deliberately out of order: ponte sorts by fee, then PSP name.
const char* kAnswer = R"({"belowThreshold": false, "bundleOptions": [
  {"taxPayerFee": 150, "actualPayerFee": 150, "paymentMethod": "CP", "touchpoint": "CHECKOUT",
   "idBundle": "b-zeta", "idPsp": "ZETAIT22", "pspBusinessName": "Zeta Bank", "onUs": false},
  {"taxPayerFee": 90, "actualPayerFee": 90, "paymentMethod": "PPAL", "touchpoint": "CHECKOUT",
   "idBundle": "b-beta", "idPsp": "BETAIT22", "pspBusinessName": "Beta", "onUs": false},
  {"taxPayerFee": 150, "actualPayerFee": 150, "paymentMethod": "CP", "touchpoint": "IO",
   "idBundle": "b-alfa", "idPsp": "ALFAIT22", "pspBusinessName": "Alfa Pay", "onUs": true}]})";

std::vector<std::string> names(const json& answer) {
  std::vector<std::string> out;
  for (const auto& p : answer["psps"]) out.push_back(p["pspName"]);
  return out;
}

std::vector<std::int64_t> fees(const json& answer) {
  std::vector<std::int64_t> out;
  for (const auto& p : answer["psps"]) out.push_back(p["fee"]);
  return out;
}

std::string singleFees() {
  return std::string("/ponte/v1/fees?noticeNumber=") + kSingle + "&fiscalCode=" + kValbruna;
}

}  // namespace

TEST_CASE("fees for one notice are sorted by fee then PSP name, with the total to pay",
          "[portal]") {
  PortalWorld w;
  w.calculator.answer({200, kAnswer, {}, 0});
  Answer a = w.call("GET", singleFees() + "&touchpoint=CHECKOUT");
  INFO(a.body);
  REQUIRE(a.status == 200);
  CHECK(names(a.json) == std::vector<std::string>{"Beta", "Alfa Pay", "Zeta Bank"});
  CHECK(fees(a.json) == std::vector<std::int64_t>{90, 150, 150});
  CHECK(a.json["amount"] == 12000);
  CHECK(a.json["psps"][0]["total"] == 12090);
  CHECK(a.json["psps"][0]["paymentMethod"] == "PPAL");
  CHECK(a.json["psps"][1]["touchpoint"] == "IO");
  CHECK(a.json["psps"][1]["onUs"] == true);
  CHECK(a.json["source"] == "calculator");
  CHECK(a.json["stale"] == false);

  REQUIRE(w.calculator.calls() == 1);
  CHECK(w.calculator.schemaErrors().empty());
  const auto request = w.calculator.requests().back();
  CHECK(request.header("Ocp-Apim-Subscription-Key") == "calculator-subscription-key");
  CHECK(request.target.find("/fees?") == 0);
  const json sent = json::parse(request.body);
  CHECK(sent["touchpoint"] == "CHECKOUT");
  REQUIRE(sent["paymentNotice"].size() == 1);
  CHECK(sent["paymentNotice"][0]["paymentAmount"] == 12000);
  CHECK(sent["paymentNotice"][0]["primaryCreditorInstitution"] == kValbruna);
  // The transfers' ECs and taxonomy codes, as the position has them.
  auto match = w.fixture.store->findByNotice(kValbruna, kSingle);
  const auto& transfers = match.value()->position.options[match.value()->option_index].transfers;
  REQUIRE(sent["paymentNotice"][0]["transferList"].size() == transfers.size());
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    CHECK(sent["paymentNotice"][0]["transferList"][i]["creditorInstitution"] ==
          transfers[i].organization_fiscal_code);
    CHECK(sent["paymentNotice"][0]["transferList"][i]["transferCategory"] == transfers[i].category);
  }

  // Asked again within the cache's time: no second call.
  CHECK(w.call("GET", singleFees() + "&touchpoint=CHECKOUT").status == 200);
  CHECK(w.calculator.calls() == 1);
}

TEST_CASE("fees for a cart and for an amount ask for every notice's amount", "[portal]") {
  PortalWorld w;
  w.calculator.answer({200, kAnswer, {}, 0});
  Answer cart = w.call("POST", "/ponte/v1/carts", cartBody({kSingle, kTari, kFine}));
  REQUIRE(cart.status == 201);
  const std::int64_t total = cart.json["amount"];

  Answer a = w.call("GET", "/ponte/v1/fees?cartId=" + std::string(cart.json["cartId"]));
  REQUIRE(a.status == 200);
  CHECK(names(a.json) == std::vector<std::string>{"Beta", "Alfa Pay", "Zeta Bank"});
  CHECK(a.json["amount"] == total);
  CHECK(a.json["psps"][2]["total"] == total + 150);
  json sent = json::parse(w.calculator.requests().back().body);
  REQUIRE(sent["paymentNotice"].size() == 3);
  CHECK(sent["paymentNotice"][1]["paymentAmount"] == cart.json["notices"][1]["amount"]);

  Answer posted = w.call("POST", "/ponte/v1/fees",
                         json{{"notices",
                               {{{"noticeNumber", kSingle}, {"fiscalCode", kValbruna}},
                                {{"noticeNumber", kTari}, {"fiscalCode", kValbruna}}}},
                              {"paymentMethod", "CP"}}
                             .dump());
  REQUIRE(posted.status == 200);
  sent = json::parse(w.calculator.requests().back().body);
  CHECK(sent["paymentNotice"].size() == 2);
  CHECK(sent["paymentMethod"] == "CP");

  Answer amount = w.call("GET", "/ponte/v1/fees?amount=5000&transferCategory=9%2F0101108TS%2F");
  REQUIRE(amount.status == 200);
  CHECK(amount.json["amount"] == 5000);
  CHECK(amount.json["psps"][0]["total"] == 5090);
  sent = json::parse(w.calculator.requests().back().body);
  CHECK(sent["paymentNotice"][0]["primaryCreditorInstitution"] == kValbruna);
  CHECK(sent["paymentNotice"][0]["transferList"][0]["transferCategory"] == "9/0101108TS/");
  CHECK(w.calculator.schemaErrors().empty());

  // The partner key acts for two ECs: an amount needs its EC.
  CHECK(w.call("GET", "/ponte/v1/fees?amount=5000", "", kPartnerKey).status == 400);
  CHECK(w.call("GET", std::string("/ponte/v1/fees?amount=5000&fiscalCode=") + kMonteverde, "",
               kPartnerKey)
            .status == 200);
}

TEST_CASE("bad fee queries, hidden ECs and paid notices never reach the calculator", "[portal]") {
  PortalWorld w;
  w.calculator.answer({200, kAnswer, {}, 0});
  CHECK(w.call("GET", "/ponte/v1/fees").status == 400);
  CHECK(w.call("GET", "/ponte/v1/fees?amount=12.50").status == 400);
  CHECK(w.call("GET", singleFees() + "&amount=100").status == 400);
  CHECK(w.call("GET", "/ponte/v1/fees?colour=blue").status == 400);
  CHECK(w.call("GET", "/ponte/v1/fees?cartId=%zz").status == 400);
  CHECK(w.call("POST", "/ponte/v1/fees", "[1]").status == 400);
  Answer paid = w.call(
      "GET", std::string("/ponte/v1/fees?noticeNumber=") + kPaid + "&fiscalCode=" + kValbruna);
  CHECK(paid.status == 422);
  CHECK(paid.json["errors"][0]["path"] == "notices[0]");
  Answer hidden = w.call("GET", std::string("/ponte/v1/fees?noticeNumber=") + kMonteverde1 +
                                    "&fiscalCode=" + kMonteverde);
  CHECK(hidden.status == 404);
  CHECK(w.call("GET", std::string("/ponte/v1/fees?amount=100&fiscalCode=") + kMonteverde).status ==
        404);
  CHECK(w.call("GET", "/ponte/v1/fees?cartId=0123456789abcdef0123456789abcdef").status == 404);
  CHECK(w.call("PUT", "/ponte/v1/fees").status == 405);
  CHECK(w.call("GET", singleFees(), "", "").status == 401);
  CHECK(w.calculator.calls() == 0);
}

TEST_CASE("a slow, failing or malformed calculator gives the last list marked stale, or a 503",
          "[portal]") {
  PortalWorld w;  // the calculator's deadline is 400 ms
  // Nothing cached yet: a clear 503, at once.
  w.calculator.answer({500, "{}", {}, 0});
  Answer none = w.call("GET", singleFees());
  CHECK(none.status == 503);
  CHECK(none.retry_after == "60");
  CHECK(none.json["detail"].get<std::string>().find("fee calculator") != std::string::npos);

  w.calculator.answer({200, kAnswer, {}, 0});
  Answer fresh = w.call("GET", singleFees());
  REQUIRE(fresh.status == 200);
  CHECK(fresh.json["stale"] == false);

  for (const auto& bad : {test::LoopbackService::Answer{500, "{}", {}, 0},
                          test::LoopbackService::Answer{200, "{not json", {}, 0},
                          test::LoopbackService::Answer{200, R"({"bundleOptions": 7})", {}, 0},
                          test::LoopbackService::Answer{200, kAnswer, {}, 1500}}) {
    w.fixture.clock.advanceMs(61'000);  // past the cache's 60 s: the calculator is asked again
    w.calculator.answer(bad);
    const int calls = w.calculator.calls();
    const auto start = std::chrono::steady_clock::now();
    Answer a = w.call("GET", singleFees());
    const auto took = std::chrono::steady_clock::now() - start;
    INFO(a.body);
    CHECK(w.calculator.calls() == calls + 1);
    REQUIRE(a.status == 200);
    CHECK(a.json["stale"] == true);
    CHECK(a.json["psps"] == fresh.json["psps"]);
    CHECK(a.json["fetchedAt"] == fresh.json["fetchedAt"]);
    CHECK(took < std::chrono::milliseconds(1400));  // the 400 ms deadline, not the 1.5 s answer

    // Another query has no list to fall back on.
    Answer other = w.call(
        "GET", std::string("/ponte/v1/fees?noticeNumber=") + kTari + "&fiscalCode=" + kValbruna);
    CHECK(other.status == 503);
  }
}

TEST_CASE("fees from the legacy PSP catalogue match hand-computed values at band edges",
          "[portal]") {
  // tests/upstream/catalogue-sample.xml, by hand:
  //   Banca Alfa  CP : <= 100.00: 1.00;  <= 1000.00: 1.50 + 0.50;  <= 5000.00: 2.00 + 1.00
  //   Banca Alfa  BBT: any amount: 0.50
  //   Poste Beta  BP : <= 50.00: 0.80;   above: 1.80 + 0.20
  //   Gamma Pay   CP : <= 250.00: 0.90;  <= 2500.00: 1.90
  PortalWorld w(WorldOptions{true, false, true, 400, true});
  struct Edge {
    std::int64_t amount;
    std::vector<std::string> names;
    std::vector<std::int64_t> fees;
  };
  for (const Edge& e : {
           Edge{5000, {"Banca Alfa", "Poste Beta", "Gamma Pay", "Banca Alfa"}, {50, 80, 90, 100}},
           Edge{5001, {"Banca Alfa", "Gamma Pay", "Banca Alfa", "Poste Beta"}, {50, 90, 100, 200}},
           Edge{10000, {"Banca Alfa", "Gamma Pay", "Banca Alfa", "Poste Beta"}, {50, 90, 100, 200}},
           // Two PSPs at 2.00: by name.
           Edge{10001, {"Banca Alfa", "Gamma Pay", "Banca Alfa", "Poste Beta"}, {50, 90, 200, 200}},
           Edge{25000, {"Banca Alfa", "Gamma Pay", "Banca Alfa", "Poste Beta"}, {50, 90, 200, 200}},
           Edge{
               25001, {"Banca Alfa", "Gamma Pay", "Banca Alfa", "Poste Beta"}, {50, 190, 200, 200}},
       }) {
    Answer a = w.call("GET", "/ponte/v1/fees?amount=" + std::to_string(e.amount));
    INFO(e.amount << ": " << a.body);
    REQUIRE(a.status == 200);
    CHECK(a.json["source"] == "catalogue");
    CHECK(names(a.json) == e.names);
    CHECK(fees(a.json) == e.fees);
    CHECK(a.json["psps"][0]["total"] == e.amount + e.fees[0]);
  }
  Answer cp = w.call("GET", "/ponte/v1/fees?amount=10001&paymentMethod=CP");
  CHECK(names(cp.json) == std::vector<std::string>{"Gamma Pay", "Banca Alfa"});

  // With both sources, the catalogue answers when the calculator fails with nothing cached.
  PortalWorld both(WorldOptions{true, true, true, 400, true});
  both.calculator.answer({500, "{}", {}, 0});
  Answer fallback = both.call("GET", "/ponte/v1/fees?amount=10000");
  REQUIRE(fallback.status == 200);
  CHECK(fallback.json["source"] == "catalogue");
  CHECK(both.calculator.calls() == 1);

  PortalWorld neither(WorldOptions{true, false, false, 400, true});
  Answer off = neither.call("GET", "/ponte/v1/fees?amount=10000");
  CHECK(off.status == 503);
  CHECK(off.json["detail"].get<std::string>().find("not configured") != std::string::npos);
}
