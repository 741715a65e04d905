// A debtor's statement (JSON and CSV), receipts by date and by IUV with the original XML, and
// spontaneous payments answered with their notice number and QR-code text.
#include <catch2/catch.hpp>

#include "api_world.h"

using namespace ponte;
using namespace ponte::apitest;
using nlohmann::json;

namespace {

const std::string kPositions = "/organizations/80015010723/debtpositions";
const std::string kStatement =
    "/ponte/v1/organizations/80015010723/debtors/RSSMRA80A01H501U/statement";

// One open, one paid, one in coercive collection, one draft and one of another debtor.
void loadDebtor(ApiWorld& world) {
  REQUIRE(world
              .call("POST", kPositions + "?toPublish=true",
                    gpdPosition("ST-OPEN", iuvOf("01", 1), 10000).dump())
              .status == 201);
  REQUIRE(world
              .call("POST", kPositions + "?toPublish=true",
                    gpdPosition("ST-PAID", iuvOf("01", 2), 5000).dump())
              .status == 201);
  REQUIRE(world
              .call("POST", kPositions + "?toPublish=true",
                    gpdPosition("ST-COERC", iuvOf("01", 3), 20000, "RSSMRA80A01H501U",
                                "2027-03-31T23:59:59")
                        .dump())
              .status == 201);
  REQUIRE(
      world
          .call("PUT", "/ponte/v1" + kPositions + "/ST-COERC/coercive-collection",
                json{{"reference", "RUOLO-77"}, {"url", "https://riscossione.example/77"}}.dump())
          .status == 200);
  REQUIRE(world.call("POST", kPositions, gpdPosition("ST-DRAFT", iuvOf("01", 4)).dump()).status ==
          201);
  REQUIRE(world
              .call("POST", kPositions + "?toPublish=true",
                    gpdPosition("ST-OTHER", iuvOf("01", 5), 100, "VRDLGU70B02F205X").dump())
              .status == 201);
  world.payNotice(kValbruna, navOf(iuvOf("01", 2)), 5000, "RCPT-ST-1", "RSSMRA80A01H501U");
}

}  // namespace

TEST_CASE("a debtor's statement: open, paid with its receipt, coercive, and filters",
          "[api][e2e]") {
  ApiWorld world;
  loadDebtor(world);
  Answer a = world.call("GET", kStatement);
  REQUIRE(a.status == 200);
  CHECK(a.json["debtorFiscalCode"] == "RSSMRA80A01H501U");
  CHECK(a.json["summary"]["open"] == 1);
  CHECK(a.json["summary"]["paid"] == 1);
  CHECK(a.json["summary"]["coercive"] == 1);
  CHECK(a.json["summary"]["totalPaid"] == 5000);
  REQUIRE(a.json["positions"].size() == 3);  // not the draft, not the other debtor's
  for (const auto& p : a.json["positions"]) {
    const json& o = p["paymentOption"][0];
    if (p["iupd"] == "ST-OPEN") {
      CHECK(p["category"] == "open");
      CHECK(o["payable"] == true);
      CHECK(o["amountDueToday"] == 10000);
    } else if (p["iupd"] == "ST-PAID") {
      CHECK(p["category"] == "paid");
      CHECK(o["receipt"]["idPSP"] == "BCITITMM");
      CHECK(o["receipt"]["paymentAmount"] == 5000);
      CHECK(o["receipt"]["fee"] == 150);
      CHECK(o["receipt"]["paymentDateTime"] == "2026-11-22T10:30:00");
    } else {
      CHECK(p["iupd"] == "ST-COERC");
      CHECK(p["coerciveCollection"]["reference"] == "RUOLO-77");
      CHECK(o["payable"] == false);
    }
  }
  Answer paid = world.call("GET", kStatement + "?status=paid");
  REQUIRE(paid.json["positions"].size() == 1);
  CHECK(paid.json["positions"][0]["iupd"] == "ST-PAID");
  Answer y2027 = world.call("GET", kStatement + "?year=2027");
  REQUIRE(y2027.json["positions"].size() == 1);
  CHECK(y2027.json["positions"][0]["iupd"] == "ST-COERC");
  CHECK(world.call("GET", kStatement + "?status=bogus").status == 400);
  // A debtor without positions in the EC is a 404, like any missing resource.
  CHECK(world.call("GET", "/ponte/v1/organizations/80015010723/debtors/BNCGVN90A01H501X/statement")
            .status == 404);

  // CSV for offices: a header and one line per option.
  Answer csv = world.call("GET", kStatement + "?format=csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type.find("text/csv") == 0);
  CHECK(csv.body.rfind(
            "iupd,positionStatus,category,nav,iuv,description,isPartialPayment,paymentPlanId,"
            "dueDate,amount,optionStatus,payable,amountDueToday,paymentDateTime,idPSP,"
            "pspCompanyName,paidAmount,fee,coerciveReference,coerciveUrl\r\n",
            0) == 0);
  CHECK(std::count(csv.body.begin(), csv.body.end(), '\n') == 4);
  CHECK(csv.body.find("ST-PAID,PAID,paid,") != std::string::npos);
  CHECK(csv.body.find("BCITITMM,Intesa Sanpaolo,5000,150") != std::string::npos);
  CHECK(csv.body.find("RUOLO-77,https://riscossione.example/77") != std::string::npos);
  CallOptions accept;
  accept.headers = {{"Accept", "text/csv"}};
  CHECK(world.call("GET", kStatement, "", accept).body == csv.body);
}

TEST_CASE("receipts by date range and by IUV, with the original XML, per gpd_payments.json",
          "[api][e2e]") {
  ApiWorld world;
  loadDebtor(world);
  const std::string iuv = iuvOf("01", 2);
  const std::string list_target = "/payments/80015010723/receipts?from=2026-11-01&to=2026-11-30";
  Answer list = world.call("GET", list_target);
  REQUIRE(list.status == 200);
  {
    const auto problems = checkAgainstDocument(gpdPaymentsDocument(), "GET", list_target, list);
    INFO("gpd_payments.json: " << joined(problems));
    CHECK(problems.empty());
  }
  REQUIRE(list.json["results"].size() == 1);
  CHECK(list.json["results"][0]["iuv"] == iuv);
  CHECK(list.json["results"][0]["debtor"]["fiscalCode"] == "RSSMRA80A01H501U");
  CHECK(world.call("GET", "/payments/80015010723/receipts?debtor=VRDLGU70B02F205X").status == 404);
  CHECK(world.call("GET", "/payments/80015010723/receipts?from=2026-10-01&to=2026-10-31").status ==
        404);
  CHECK(world.call("GET", "/payments/80015010723/receipts?from=2026-12-01&to=2026-11-01").status ==
        400);

  Answer xml = world.call("GET", "/payments/80015010723/receipts/" + iuv);
  REQUIRE(xml.status == 200);
  CHECK(xml.content_type.find("application/xml") == 0);
  CHECK(xml.body.find("<receiptId>RCPT-ST-1</receiptId>") != std::string::npos);
  {
    const auto problems = checkAgainstDocument(gpdPaymentsDocument(), "GET",
                                               "/payments/80015010723/receipts/" + iuv, xml);
    INFO("gpd_payments.json: " << joined(problems));
    CHECK(problems.empty());
  }
  Answer detail = world.call("GET", "/ponte/v1/organizations/80015010723/receipts/" + iuv);
  REQUIRE(detail.status == 200);
  CHECK(detail.json["noticeNumber"] == navOf(iuv));
  CHECK(detail.json["receipts"][0]["xml"] == xml.body);
  CHECK(detail.json["receipts"][0]["pspCompanyName"] == "Intesa Sanpaolo");
  CHECK(world.call("GET", "/payments/80015010723/receipts/" + iuvOf("01", 1)).status == 404);
}

TEST_CASE("a spontaneous payment gets a notice number and its QR-code text", "[api][e2e]") {
  ApiWorld world;
  const std::string target = "/ponte/v1/organizations/80015010723/spontaneous-payments";
  const json request = {{"idServizio", "00002"},
                        {"idSoggettoServizio", "00001"},
                        {"amount", 4250},
                        {"reason", "Sanzione verbale 123/2026"},
                        {"payer",
                         {{"fiscalCode", "RSSMRA80A01H501U"},
                          {"fullName", "Mario Rossi"},
                          {"email", "mario.rossi@example.it"}}}};
  Answer a = world.call("POST", target, request.dump());
  REQUIRE(a.status == 201);
  const std::string nav = a.json["nav"];
  CHECK(nav.size() == 18);
  CHECK(nav.rfind("301", 0) == 0);
  CHECK(a.json["amount"] == 4250);
  CHECK(a.json["qrCode"] == "PAGOPA|002|" + nav + "|80015010723|4250");
  CHECK(a.json["dueDate"] == "2026-12-02");  // due_days 10
  // The position is there, payable, for the payer.
  Answer position = world.call("GET", kPositions + "/" + a.json["iupd"].get<std::string>());
  REQUIRE(position.status == 200);
  CHECK(position.json["fiscalCode"] == "RSSMRA80A01H501U");
  CHECK(position.json["email"] == "mario.rossi@example.it");
  CHECK(position.json["paymentOption"][0]["nav"] == nav);
  // Another one gets the next number.
  Answer b = world.call("POST", target, request.dump());
  REQUIRE(b.status == 201);
  CHECK(b.json["nav"] != nav);

  // The fixed-amount service: its amount, whatever is asked; the QR text zero-pads cents.
  Answer fixed = world.call("POST", target,
                            json{{"idServizio", "00001"}, {"idSoggettoServizio", "00001"}}.dump());
  REQUIRE(fixed.status == 201);
  CHECK(fixed.json["amount"] == 1600);
  CHECK(fixed.json["qrCode"].get<std::string>().ends_with("|80015010723|1600"));

  // The rules of paDemandPaymentNotice: a service of the catalogue, an amount in its bounds.
  Answer unknown = world.call(
      "POST", target, json{{"idServizio", "00009"}, {"idSoggettoServizio", "00001"}}.dump());
  CHECK(unknown.status == 400);
  CHECK(unknown.errorPaths() == std::vector<std::string>{"idServizio"});
  json too_much = request;
  too_much["amount"] = 500001;
  Answer over = world.call("POST", target, too_much.dump());
  CHECK(over.status == 400);
  CHECK(over.errorPaths() == std::vector<std::string>{"amount"});
  json no_payer_name = request;
  no_payer_name["payer"].erase("fullName");
  CHECK(world.call("POST", target, no_payer_name.dump()).errorPaths() ==
        std::vector<std::string>{"payer.fullName"});
}
