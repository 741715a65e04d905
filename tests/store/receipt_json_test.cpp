// The JSON of a parsed receipt: round trip, and refusal of malformed documents.
#include "store/receipt_json.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

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

TEST_CASE("store codec: receipt JSON is in nlohmann::json's canonical form", "[unit][store]") {
  // The form every stored receipt has had: sorted keys, no blanks, nlohmann's escaping. Any
  // receipt written here must come out unchanged when nlohmann reads and writes it again.
  auto canonical = [](const std::string& text) { return nlohmann::json::parse(text).dump(); };
  core::Receipt r = receiptFor(kEcA, notice(1).nav, "TOKEN", 1).receipt;
  CHECK(receiptToJson(r) == canonical(receiptToJson(r)));

  r.description = "quote \" backslash \\ slash / tab \t newline \n cr \r bs \b ff \f";
  using namespace std::string_literals;
  r.company_name = "nul \0 bell \x07 us \x1f del \x7f"s;
  r.office_name = "Citt\xc3\xa0 di Sant\xe2\x80\x99" "Angelo \xf0\x9f\x98\x80";  // a, quote, emoji
  r.transfers[0].metadata = {{"k\"ey", "v\\al"}, {"", ""}};
  r.metadata = {{"chiave", "valore"}};
  r.debtor.type = 'G';
  r.payer.reset();
  r.fee.reset();
  r.stand_in = true;
  const std::string json = receiptToJson(r);
  CHECK(json == canonical(json));
  CHECK_THAT(json, Catch::Contains(R"("description":"quote \" backslash \\ slash / tab \t)"));
  CHECK_THAT(json, Catch::Contains(R"(nul \u0000 bell \u0007 us \u001f del )"));
  auto back = receiptFromJson(json);
  REQUIRE(back.has_value());
  CHECK(back->company_name == r.company_name);
  CHECK(back->office_name == r.office_name);
  CHECK(back->transfers[0].metadata == r.transfers[0].metadata);
  CHECK(receiptToJson(*back) == json);

  // Not UTF-8 anywhere in the receipt, down to a transfer's metadata: each bad byte becomes
  // U+FFFD, well-formed characters around it are kept, and the result is still canonical.
  for (int place = 0; place < 3; ++place) {
    core::Receipt bad = r;
    const std::string latin1 = "caff\xe8";
    if (place == 0) bad.payment_note = latin1;
    if (place == 1) bad.debtor.city = latin1;
    if (place == 2) bad.transfers[0].metadata[0].value = latin1;
    const std::string replaced = receiptToJson(bad);
    CHECK(replaced == canonical(replaced));
    CHECK_THAT(replaced, Catch::Contains("caff\xef\xbf\xbd"));
  }
  core::Receipt truncated = r;
  truncated.description = "a\xe2\x82" "b \xc3\xa0 \xed\xa0\x80";  // cut euro sign; a; a surrogate
  auto back_truncated = receiptFromJson(receiptToJson(truncated));
  REQUIRE(back_truncated.has_value());
  CHECK(back_truncated->description ==
        "a\xef\xbf\xbd\xef\xbf\xbd" "b \xc3\xa0 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace ponte::store::testing
