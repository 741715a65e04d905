// PSP fees from a stand-in calculator that checks every request against openapi-v2.json:
// ranking, cache, and a stale list or a clear failure when the calculator misbehaves.
#include <catch2/catch.hpp>

#include "loopback_service.h"
#include "upstream/fee_calculator.h"

using namespace ponte;
using namespace ponte::upstream;

namespace {

const char* kAnswer = R"({"belowThreshold": false, "bundleOptions": [
  {"taxPayerFee": 150, "actualPayerFee": 150, "paymentMethod": "CP", "touchpoint": "CHECKOUT",
   "idBundle": "b-zeta", "idPsp": "ZETAIT22", "pspBusinessName": "Zeta Bank", "onUs": false},
  {"taxPayerFee": 90, "actualPayerFee": 90, "paymentMethod": "PPAL", "touchpoint": "CHECKOUT",
   "idBundle": "b-beta", "idPsp": "BETAIT22", "pspBusinessName": "Beta", "onUs": false},
  {"taxPayerFee": 150, "actualPayerFee": 150, "paymentMethod": "CP", "touchpoint": "CHECKOUT",
   "idBundle": "b-alfa", "idPsp": "ALFAIT22", "pspBusinessName": "Alfa Pay", "onUs": true}]})";

FeeQuery cartQuery(int notices) {
  FeeQuery q;
  for (int i = 0; i < notices; ++i) {
    q.notices.push_back(
        {12000 + i,
         "80015010723",
         {{"80015010723", "9/0101100IM/", false}, {"80011470731", "9/0301109AP/", false}}});
  }
  q.touchpoint = "CHECKOUT";
  return q;
}

struct World {
  test::LoopbackService calculator{
      test::officialOpenApi("pagopa-afm-calculator/openapi/openapi-v2.json"), "PaymentOptionMulti"};
  std::int64_t now = 1'000'000;
  FeeCalculator fees{{calculator.baseUrl(), "key", 300, 60'000, 3'600'000, 10, {}},
                     [this] { return now; }};
};

}  // namespace

TEST_CASE("fees are listed cheapest first, then by PSP name", "[upstream]") {
  World w;
  w.calculator.answer({200, kAnswer, {}, 0});
  for (int notices : {1, 5}) {
    auto result = w.fees.fees(cartQuery(notices));
    REQUIRE(std::holds_alternative<FeeListing>(result));
    const auto& offers = std::get<FeeListing>(result).offers;
    REQUIRE(offers.size() == 3);
    CHECK(offers[0].psp_name == "Beta");
    CHECK(offers[1].psp_name == "Alfa Pay");
    CHECK(offers[1].on_us);
    CHECK(offers[2].psp_name == "Zeta Bank");
    CHECK_FALSE(std::get<FeeListing>(result).stale);
  }
  CHECK(w.calculator.schemaErrors().empty());
  const auto request = w.calculator.requests().back();
  CHECK(request.target.find("orderBy=fee") != std::string::npos);
  CHECK(request.header("Ocp-Apim-Subscription-Key") == "key");
  CHECK(nlohmann::json::parse(request.body)["paymentNotice"].size() == 5);
}

TEST_CASE("a fresh answer is reused from the cache", "[upstream]") {
  World w;
  w.calculator.answer({200, kAnswer, {}, 0});
  REQUIRE(std::holds_alternative<FeeListing>(w.fees.fees(cartQuery(1))));
  w.now += 30'000;
  REQUIRE(std::holds_alternative<FeeListing>(w.fees.fees(cartQuery(1))));
  CHECK(w.calculator.calls() == 1);
  w.now += 31'000;  // past the 60 s TTL
  REQUIRE(std::holds_alternative<FeeListing>(w.fees.fees(cartQuery(1))));
  CHECK(w.calculator.calls() == 2);
}

TEST_CASE("a failing calculator gets the last list, marked stale, or a clear failure",
          "[upstream]") {
  World w;
  // Nothing cached yet: each failure is a failure, quickly.
  for (const auto& bad :
       {test::LoopbackService::Answer{500, "{}", {}, 0},
        test::LoopbackService::Answer{200, "{not json", {}, 0},
        test::LoopbackService::Answer{200, R"({"bundleOptions": [{"idPsp": 3}]})", {}, 0},
        test::LoopbackService::Answer{200, kAnswer, {}, 1500}}) {
    w.calculator.answer(bad);
    const auto start = std::chrono::steady_clock::now();
    auto result = w.fees.fees(cartQuery(1));
    CHECK(std::holds_alternative<FeeFailure>(result));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1000));
  }
  // A good answer, then the cache expires and the calculator fails in each way: stale list.
  w.calculator.answer({200, kAnswer, {}, 0});
  REQUIRE(std::holds_alternative<FeeListing>(w.fees.fees(cartQuery(2))));
  for (const auto& bad : {test::LoopbackService::Answer{500, "{}", {}, 0},
                          test::LoopbackService::Answer{200, "[]", {}, 0},
                          test::LoopbackService::Answer{200, kAnswer, {}, 1500}}) {
    w.now += 61'000;
    w.calculator.answer(bad);
    auto result = w.fees.fees(cartQuery(2));
    REQUIRE(std::holds_alternative<FeeListing>(result));
    CHECK(std::get<FeeListing>(result).stale);
    CHECK(std::get<FeeListing>(result).offers.size() == 3);
  }
  // Too old even to be stale: a failure.
  w.now += 3'600'001;
  w.calculator.answer({500, "{}", {}, 0});
  CHECK(std::holds_alternative<FeeFailure>(w.fees.fees(cartQuery(2))));
}
