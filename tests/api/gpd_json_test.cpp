// GPD debt positions read and written: what GPD accepts loads, what the wire cannot carry is
// refused with the path of the field.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "api/gpd_json.h"

using namespace ponte;
using nlohmann::json;

namespace {

json validPosition() {
  return json::parse(R"({
    "iupd": "IUPD-1", "type": "F", "fiscalCode": "RSSMRA80A01H501U", "fullName": "Mario Rossi",
    "companyName": "Comune di Valbruna", "switchToExpired": false,
    "paymentOption": [{
      "iuv": "01000000000012373", "amount": 10000, "description": "Tassa",
      "isPartialPayment": false, "dueDate": "2026-12-31T23:59:59.999Z",
      "transfer": [
        {"idTransfer": "1", "amount": 8000, "remittanceInformation": "Tassa", "category": "9/0101100IM/",
         "iban": "IT61X0306909606100000012345"},
        {"idTransfer": "2", "amount": 2000, "organizationFiscalCode": "80011470731",
         "remittanceInformation": "Quota", "category": "9/0301109AP/", "iban": "IT38C0200805364000101010101",
         "transferMetadata": [{"key": "k", "value": "v"}]}]
    }]
  })");
}

api::GpdContext context() { return {"80015010723", 3, "", "Comune di Valbruna", false}; }

std::vector<api::FieldError> errorsOf(const json& j) {
  auto r = api::positionFromGpd(j, context());
  REQUIRE(std::holds_alternative<std::vector<api::FieldError>>(r));
  return std::get<std::vector<api::FieldError>>(r);
}

bool hasError(const std::vector<api::FieldError>& errors, const std::string& path) {
  for (const auto& e : errors) {
    if (e.path == path) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a GPD position loads with its notice number computed from the IUV", "[unit]") {
  auto r = api::positionFromGpd(validPosition(), context());
  REQUIRE(std::holds_alternative<core::DebtPosition>(r));
  const auto& p = std::get<core::DebtPosition>(r);
  CHECK(p.ec_fiscal_code == "80015010723");
  CHECK(p.status == core::PositionStatus::kValid);
  REQUIRE(p.options.size() == 1);
  CHECK(p.options[0].nav == "301000000000012373");
  CHECK(p.options[0].due_date == core::Date::parse("2026-12-31"));
  CHECK(p.options[0].transfers[0].organization_fiscal_code == "80015010723");
  CHECK(p.options[0].transfers[1].metadata.size() == 1);

  // Written back and read again, it is the same position.
  json back = api::positionToGpd(p);
  auto again = api::positionFromGpd(back, api::GpdContext{"80015010723", 3, "", "", true});
  REQUIRE(std::holds_alternative<core::DebtPosition>(again));
  CHECK(std::get<core::DebtPosition>(again) == p);
}

TEST_CASE("invalid positions are refused with the path of each field", "[unit]") {
  json j = validPosition();
  j["paymentOption"][0]["transfer"][1]["amount"] = 1999;
  CHECK(hasError(errorsOf(j), "paymentOption[0].transfer"));

  j = validPosition();
  for (int i = 3; i <= 6; ++i) {
    j["paymentOption"][0]["transfer"].push_back(j["paymentOption"][0]["transfer"][0]);
  }
  CHECK(hasError(errorsOf(j), "paymentOption[0].transfer"));

  j = validPosition();
  j["paymentOption"][0]["transfer"][0]["iban"] = "IT61 X030";
  CHECK(hasError(errorsOf(j), "paymentOption[0].transfer[0].iban"));

  j = validPosition();
  j["validityDate"] = "2027-01-10T00:00:00";
  CHECK(hasError(errorsOf(j), "paymentOption[0].dueDate"));

  j = validPosition();
  j["paymentOption"][0]["iuv"] = "01000000000012374";  // wrong check digits
  CHECK(hasError(errorsOf(j), "paymentOption[0].iuv"));

  j = validPosition();
  j["paymentOption"].push_back(j["paymentOption"][0]);
  j["paymentOption"][1]["isPartialPayment"] = true;
  CHECK(hasError(errorsOf(j), "paymentOption[1].iuv"));

  j = validPosition();
  j.erase("fullName");
  j["type"] = "X";
  j["paymentOption"][0]["amount"] = "100.00";
  auto errors = errorsOf(j);
  CHECK(hasError(errors, "fullName"));
  CHECK(hasError(errors, "type"));
  CHECK(hasError(errors, "paymentOption[0].amount"));
}

TEST_CASE("a stamp excludes an IBAN and needs a province", "[unit]") {
  json j = validPosition();
  j["paymentOption"][0]["transfer"][1]["stamp"] = {{"hashDocument", "wHpFSLCGZjIvNSXxqtGbxg7275t446DRTk5ZrsdUQ6E="},
                                                   {"stampType", "01"},
                                                   {"provincialResidence", "rm"}};
  auto errors = errorsOf(j);
  CHECK(hasError(errors, "paymentOption[0].transfer[1].iban"));
  CHECK(hasError(errors, "paymentOption[0].transfer[1].stamp.provincialResidence"));
}
