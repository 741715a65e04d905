// The JSON of a parsed receipt: round trip, and refusal of malformed documents.
#include "store/receipt_json.h"

#include <catch2/catch.hpp>

#include "store_fixtures.h"

namespace ponte::store::testing {

TEST_CASE("store codec: receipt JSON round-trips the parsed receipt", "[unit][store]") {
  core::Receipt r = receiptFor(kEcA, notice(1).nav, "TOKEN", 1).receipt;
  r.transfers[0].mbd_attachment = "PG1hcmNhPg==";
  r.transfers[0].iban.clear();
  std::string json = receiptToJson(r);
  auto back = receiptFromJson(json);
  REQUIRE(back.has_value());
  CHECK(receiptToJson(*back) == json);
  CHECK(back->receipt_id == "TOKEN");
  CHECK(back->payment_amount == 10000);
  CHECK(back->fee == 150);
  CHECK(back->primary_ci_incurred_fee == 50);
  CHECK(back->stand_in == false);
  REQUIRE(back->payer.has_value());
  CHECK(back->payer->full_name == "Mario Rossi");
  REQUIRE(back->transfers.size() == 1);
  CHECK(back->transfers[0].mbd_attachment == "PG1hcmNhPg==");
  CHECK(back->transfers[0].metadata == std::vector<core::MapEntry>{{"k", "v"}});
  CHECK_THAT(json, Catch::Contains("\"payment_amount_cents\":10000"));

  core::Receipt bare;
  bare.receipt_id = "B";
  auto bare_back = receiptFromJson(receiptToJson(bare));
  REQUIRE(bare_back.has_value());
  CHECK_FALSE(bare_back->payer.has_value());
  CHECK_FALSE(bare_back->fee.has_value());
  CHECK_FALSE(bare_back->stand_in.has_value());
}

TEST_CASE("store codec: malformed receipt JSON is refused, unknown keys are ignored",
          "[unit][store]") {
  CHECK_FALSE(receiptFromJson("").has_value());
  CHECK_FALSE(receiptFromJson("{").has_value());
  CHECK_FALSE(receiptFromJson("[]").has_value());
  CHECK_FALSE(receiptFromJson(R"({"receipt_id": 5})").has_value());
  CHECK_FALSE(receiptFromJson(R"({"payment_amount_cents": "10.00"})").has_value());
  CHECK_FALSE(receiptFromJson(R"({"transfers": [{"amount_cents": true}]})").has_value());
  CHECK_FALSE(receiptFromJson(R"({"debtor": {"type": "FG"}})").has_value());
  auto later = receiptFromJson(R"({"receipt_id": "X", "added_in_v9": {"a": 1}})");
  REQUIRE(later.has_value());
  CHECK(later->receipt_id == "X");
}

TEST_CASE("store codec: receipt JSON survives invalid UTF-8 from a PSP", "[unit][store]") {
  core::Receipt r;
  r.receipt_id = "U";
  r.description = "caff\xe8";  // Latin-1, not UTF-8
  std::string json = receiptToJson(r);
  auto back = receiptFromJson(json);
  REQUIRE(back.has_value());
  CHECK(back->receipt_id == "U");
  CHECK(back->description != r.description);  // replaced, not thrown
}

}  // namespace ponte::store::testing
