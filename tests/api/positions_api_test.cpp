// Debt positions through the API as GPD clients use them: GPD's own request shapes accepted
// unchanged and answered per gpd.json, the lifecycle, paging and filters, and what ponte adds
// (amount schedules, coercive collection, installment plans kept coherent).
#include <catch2/catch.hpp>

#include "api_world.h"
#include "support/openapi_check.h"

using namespace ponte;
using namespace ponte::apitest;
using nlohmann::json;

namespace {

std::string positions(const char* ec = kValbruna) {
  return std::string("/organizations/") + ec + "/debtpositions";
}
std::string ponteBase(const char* ec = kValbruna) {
  return std::string("/ponte/v1/organizations/") + ec + "/debtpositions";
}

// A successful GPD answer must also be what gpd.json says.
void checkGpd(const std::string& method, const std::string& target, const Answer& answer) {
  const auto problems = checkAgainstDocument(gpdDocument(), method, target, answer);
  INFO(method << " " << target << " -> " << answer.body.substr(0, 400));
  INFO("gpd.json: " << joined(problems));
  CHECK(problems.empty());
}

// A request with every field of gpd.json's PaymentPositionModel a client may send, using the
// document's own example values where it gives one (its IBAN example is not a valid IBAN).
json fullGpdRequest(const std::string& iupd, const std::string& iuv1, const std::string& iuv2,
                    const std::string& iuv3) {
  json p = gpdPosition(iupd, iuv1, 12000);
  p["payStandIn"] = true;
  p["streetName"] = "Via Roma";
  p["civicNumber"] = "1";
  p["postalCode"] = "00100";
  p["city"] = "Roma";
  p["province"] = "RM";
  p["region"] = "Lazio";
  p["country"] = "IT";
  p["email"] = "email@domain.com";
  p["phone"] = "3330000000";
  p["officeName"] = "Ufficio Tributi";
  p["validityDate"] = "2026-11-30T00:00:00";
  json& o = p["paymentOption"][0];
  o["retentionDate"] = "2027-03-31T23:59:59";
  o["fee"] = 0;
  o["paymentOptionMetadata"] = json::array({{{"key", "anno"}, {"value", "2026"}}});
  o["transfer"][1]["transferMetadata"] = json::array({{{"key", "capitolo"}, {"value", "1201"}}});
  o["transfer"][1]["companyName"] = "Provincia";
  // An installment plan beside the single payment: two halves.
  const json single = o;  // (o does not survive the push_backs)
  for (int i = 0; i < 2; ++i) {
    json rata = single;
    rata["iuv"] = i == 0 ? iuv2 : iuv3;
    rata["amount"] = 6000;
    rata["isPartialPayment"] = true;
    rata["transfer"][0]["amount"] = 4800;
    rata["transfer"][1]["amount"] = 1200;
    p["paymentOption"].push_back(rata);
  }
  return p;
}

}  // namespace

TEST_CASE("a GPD client's full request is accepted unchanged and answered per gpd.json",
          "[api][e2e]") {
  ApiWorld world;
  const json request =
      fullGpdRequest("GPD-FULL-1", iuvOf("01", 101), iuvOf("01", 102), iuvOf("01", 104));
  // The request itself is what gpd.json describes.
  CHECK(
      test::checkAgainstSchema(request, schemaRef("PaymentPositionModel"), gpdDocument()).empty());

  const std::string create = positions() + "?toPublish=true";
  Answer created = world.call("POST", create, request.dump());
  INFO(created.body);
  REQUIRE(created.status == 201);
  checkGpd("POST", create, created);
  CHECK(created.json["iupd"] == "GPD-FULL-1");
  CHECK(created.json["status"] == "PUBLISHED");  // validityDate 2026-11-30 is after today
  CHECK(created.json["paymentOption"][0]["nav"] == navOf(iuvOf("01", 101)));
  CHECK(created.json["email"] == "email@domain.com");

  Answer got = world.call("GET", positions() + "/GPD-FULL-1");
  REQUIRE(got.status == 200);
  checkGpd("GET", positions() + "/GPD-FULL-1", got);
  // Every field is kept but "region", which the node's messages have no place for either.
  for (const char* field :
       {"iupd", "type", "fiscalCode", "fullName", "streetName", "civicNumber", "postalCode", "city",
        "province", "country", "email", "phone", "companyName", "officeName"}) {
    INFO(field);
    CHECK(got.json[field] == request[field]);
  }
  REQUIRE(got.json["paymentOption"].size() == 3);
  CHECK(got.json["paymentOption"][0]["transfer"][1]["transferMetadata"][0]["value"] == "1201");
  CHECK(got.json["paymentOption"][0]["paymentOptionMetadata"][0]["key"] == "anno");

  // The same body, unchanged, for an update; GPD's PUT answers the model.
  json changed = request;
  changed["fullName"] = "Mario Rossi Bianchi";
  Answer updated = world.call("PUT", positions() + "/GPD-FULL-1", changed.dump());
  REQUIRE(updated.status == 200);
  checkGpd("PUT", positions() + "/GPD-FULL-1", updated);
  CHECK(updated.json["status"] == "DRAFT");  // PUT without toPublish: back to DRAFT, as in GPD

  Answer published = world.call("POST", positions() + "/GPD-FULL-1/publish");
  REQUIRE(published.status == 200);
  checkGpd("POST", positions() + "/GPD-FULL-1/publish", published);

  Answer list = world.call("GET", positions() + "?limit=5&page=0");
  REQUIRE(list.status == 200);
  checkGpd("GET", positions() + "?limit=5&page=0", list);

  Answer invalidated = world.call("POST", positions() + "/GPD-FULL-1/invalidate");
  REQUIRE(invalidated.status == 200);
  checkGpd("POST", positions() + "/GPD-FULL-1/invalidate", invalidated);
  CHECK(invalidated.json["status"] == "INVALID");

  REQUIRE(
      world.call("POST", positions(), gpdPosition("GPD-DRAFT", iuvOf("01", 103)).dump()).status ==
      201);
  Answer deleted = world.call("DELETE", positions() + "/GPD-DRAFT");
  REQUIRE(deleted.status == 200);
  checkGpd("DELETE", positions() + "/GPD-DRAFT", deleted);
}

TEST_CASE("the GPD lifecycle: draft, publish, valid on its date, invalidate, delete drafts only",
          "[api][e2e]") {
  ApiWorld world;
  json p = gpdPosition("LIFE-1", iuvOf("01", 201));
  p["validityDate"] = "2026-11-25T00:00:00";
  Answer created = world.call("POST", positions(), p.dump());
  REQUIRE(created.status == 201);
  CHECK(created.json["status"] == "DRAFT");

  // A draft is not payable, and can be changed and deleted.
  Answer pay = world.call("GET", ponteBase() + "/LIFE-1/payability");
  REQUIRE(pay.status == 200);
  CHECK(pay.json["paymentOption"][0]["payable"] == false);
  CHECK(pay.json["paymentOption"][0]["fault"]["code"] == "PAA_PAGAMENTO_SCONOSCIUTO");

  Answer published = world.call("POST", positions() + "/LIFE-1/publish");
  REQUIRE(published.status == 200);
  CHECK(published.json["status"] == "PUBLISHED");
  CHECK(world.call("POST", positions() + "/LIFE-1/publish").status == 409);
  CHECK(world.call("DELETE", positions() + "/LIFE-1").status == 409);
  CHECK(world.service->promoteDuePositions() == 0);

  // On its validity date it becomes VALID, and payable.
  world.clock.advanceMs(3 * 86'400'000LL);
  CHECK(world.service->promoteDuePositions() == 1);
  Answer valid = world.call("GET", positions() + "/LIFE-1");
  CHECK(valid.json["status"] == "VALID");
  pay = world.call("GET", ponteBase() + "/LIFE-1/payability");
  CHECK(pay.json["paymentOption"][0]["payable"] == true);

  Answer invalid = world.call("POST", positions() + "/LIFE-1/invalidate");
  REQUIRE(invalid.status == 200);
  CHECK(invalid.json["status"] == "INVALID");
  CHECK(world.call("POST", positions() + "/LIFE-1/invalidate").status == 409);
  CHECK(world.call("PUT", positions() + "/LIFE-1", p.dump()).status == 409);
  pay = world.call("GET", ponteBase() + "/LIFE-1/payability");
  CHECK(pay.json["paymentOption"][0]["fault"]["code"] == "PAA_PAGAMENTO_ANNULLATO");

  // Only a draft is deleted; then it is gone.
  REQUIRE(world.call("POST", positions(), gpdPosition("LIFE-2", iuvOf("01", 202)).dump()).status ==
          201);
  CHECK(world.call("DELETE", positions() + "/LIFE-1").status == 409);
  CHECK(world.call("DELETE", positions() + "/LIFE-2").status == 200);
  CHECK(world.call("GET", positions() + "/LIFE-2").status == 404);
  CHECK(world.call("DELETE", positions() + "/LIFE-2").status == 404);

  // toPublish=true without a validity date: VALID at once.
  Answer direct = world.call("POST", positions() + "?toPublish=true",
                             gpdPosition("LIFE-3", iuvOf("01", 203)).dump());
  CHECK(direct.json["status"] == "VALID");
  // An update keeps the iupd of the path.
  json other = gpdPosition("LIFE-X", iuvOf("01", 203));
  Answer wrong = world.call("PUT", positions() + "/LIFE-3", other.dump());
  CHECK(wrong.status == 400);
  CHECK(wrong.errorPaths() == std::vector<std::string>{"iupd"});
}

TEST_CASE("positions are listed in pages, filtered by status, due dates and debtor", "[api][e2e]") {
  ApiWorld world;
  for (int i = 0; i < 7; ++i) {
    const std::string debtor = i < 3 ? "RSSMRA80A01H501U" : "VRDLGU70B02F205X";
    const std::string due = i % 2 ? "2027-01-31T23:59:59" : "2026-12-15T23:59:59";
    const std::string target = positions() + (i < 4 ? "?toPublish=true" : "");
    REQUIRE(
        world
            .call("POST", target,
                  gpdPosition("PAGE-" + std::to_string(i), iuvOf("01", 300 + i), 5000, debtor, due)
                      .dump())
            .status == 201);
  }
  Answer first = world.call("GET", positions() + "?limit=3&page=0&ordering=ASC");
  REQUIRE(first.status == 200);
  CHECK(first.json["page_info"]["total_pages"] == 3);
  CHECK(first.json["page_info"]["items_found"] == 3);
  CHECK(first.json["payment_position_list"][0]["iupd"] == "PAGE-0");
  Answer last = world.call("GET", positions() + "?limit=3&page=2&ordering=ASC");
  REQUIRE(last.json["payment_position_list"].size() == 1);
  CHECK(last.json["payment_position_list"][0]["iupd"] == "PAGE-6");
  Answer newest = world.call("GET", positions() + "?limit=3&page=0");  // DESC by default
  CHECK(newest.json["payment_position_list"][0]["iupd"] == "PAGE-6");

  Answer drafts = world.call("GET", positions() + "?status=DRAFT&limit=50");
  CHECK(drafts.json["payment_position_list"].size() == 3);
  Answer valid = world.call("GET", positions() + "?status=VALID&limit=50");
  CHECK(valid.json["payment_position_list"].size() == 4);
  Answer debtor = world.call("GET", positions() + "?debtor=RSSMRA80A01H501U&limit=50");
  CHECK(debtor.json["payment_position_list"].size() == 3);
  Answer january =
      world.call("GET", positions() + "?due_date_from=2027-01-01&due_date_to=2027-01-31&limit=50");
  CHECK(january.json["payment_position_list"].size() == 3);

  Answer bad = world.call("GET", positions() + "?limit=500&status=SOMETHING");
  CHECK(bad.status == 400);
  const auto paths = bad.errorPaths();
  CHECK(std::find(paths.begin(), paths.end(), "limit") != paths.end());
  CHECK(std::find(paths.begin(), paths.end(), "status") != paths.end());
}

TEST_CASE("an amount schedule sets the amount due by date", "[api][e2e]") {
  ApiWorld world;
  const std::string iuv = iuvOf("01", 401);
  REQUIRE(
      world.call("POST", positions() + "?toPublish=true", gpdPosition("SCHED-1", iuv, 10000).dump())
          .status == 201);
  // Reduced until 2026-12-01, full until the due date, late after it (open-ended).
  const json schedule = json::array(
      {{{"until", "2026-12-01"},
        {"amount", 7000},
        {"transferAmounts", {5600, 1400}},
        {"label", "ridotto"}},
       {{"until", "2026-12-31"}, {"amount", 10000}, {"transferAmounts", {8000, 2000}}},
       {{"amount", 13000}, {"transferAmounts", {10400, 2600}}, {"label", "maggiorato"}}});
  const std::string target = ponteBase() + "/SCHED-1/paymentoptions/" + iuv + "/amount-schedule";
  Answer put = world.call("PUT", target, schedule.dump());
  REQUIRE(put.status == 200);
  CHECK(put.json["paymentOption"][0]["amountSchedule"].size() == 3);

  Answer today = world.call("GET", ponteBase() + "/SCHED-1/payability");
  CHECK(today.json["paymentOption"][0]["amountDueToday"] == 7000);
  CHECK(today.json["paymentOption"][0]["amountLabel"] == "ridotto");
  world.clock.advanceMs(15 * 86'400'000LL);  // 2026-12-07
  CHECK(world.call("GET", ponteBase() + "/SCHED-1/payability")
            .json["paymentOption"][0]["amountDueToday"] == 10000);
  world.clock.advanceMs(30 * 86'400'000LL);  // 2027-01-06
  Answer late = world.call("GET", ponteBase() + "/SCHED-1/payability");
  CHECK(late.json["paymentOption"][0]["amountDueToday"] == 13000);
  CHECK(late.json["paymentOption"][0]["payable"] == true);

  // Transfers that do not add up to the step are refused with the path, nothing changes.
  const json bad =
      json::array({{{"until", "2027-02-01"}, {"amount", 7000}, {"transferAmounts", {5000, 1000}}}});
  Answer refused = world.call("PUT", target, bad.dump());
  CHECK(refused.status == 400);
  REQUIRE(!refused.errorPaths().empty());
  CHECK(refused.errorPaths()[0].rfind("amountSchedule", 0) == 0);
  CHECK(world.call("GET", positions() + "/SCHED-1")
            .json["paymentOption"][0]["amountSchedule"]
            .size() == 3);
  CHECK(world
            .call("PUT",
                  ponteBase() + "/SCHED-1/paymentoptions/" + iuvOf("01", 499) + "/amount-schedule",
                  schedule.dump())
            .status == 404);
}

TEST_CASE("a position sent to coercive collection is not payable and says where to turn",
          "[api][e2e]") {
  ApiWorld world;
  REQUIRE(world
              .call("POST", positions() + "?toPublish=true",
                    gpdPosition("COERC-1", iuvOf("01", 501)).dump())
              .status == 201);
  const json mark = {{"reference", "ADER-2026-000123"},
                     {"url", "https://riscossione.example/avvisi/ADER-2026-000123"}};
  Answer put = world.call("PUT", ponteBase() + "/COERC-1/coercive-collection", mark.dump());
  REQUIRE(put.status == 200);
  CHECK(put.json["coerciveCollection"]["reference"] == "ADER-2026-000123");

  Answer pay = world.call("GET", ponteBase() + "/COERC-1/payability");
  CHECK(pay.json["paymentOption"][0]["payable"] == false);
  CHECK(pay.json["paymentOption"][0]["fault"]["code"] == "PAA_PAGAMENTO_ANNULLATO");
  CHECK(pay.json["paymentOption"][0]["fault"]["description"].get<std::string>().find(
            "ADER-2026-000123") != std::string::npos);

  Answer statement =
      world.call("GET", "/ponte/v1/organizations/80015010723/debtors/RSSMRA80A01H501U/statement");
  REQUIRE(statement.status == 200);
  CHECK(statement.json["summary"]["coercive"] == 1);
  CHECK(statement.json["positions"][0]["category"] == "coercive");
  CHECK(statement.json["positions"][0]["coerciveCollection"]["url"] ==
        "https://riscossione.example/avvisi/ADER-2026-000123");

  Answer missing = world.call("PUT", ponteBase() + "/COERC-1/coercive-collection",
                              json{{"url", "https://x.example"}}.dump());
  CHECK(missing.status == 400);
  CHECK(missing.errorPaths() == std::vector<std::string>{"coerciveCollection.reference"});

  CHECK(world.call("DELETE", ponteBase() + "/COERC-1/coercive-collection").status == 200);
  CHECK(world.call("DELETE", ponteBase() + "/COERC-1/coercive-collection").status == 409);
  CHECK(
      world.call("GET", ponteBase() + "/COERC-1/payability").json["paymentOption"][0]["payable"] ==
      true);
}

TEST_CASE("paying the single option closes the installments, and the other way round",
          "[api][e2e]") {
  ApiWorld world;
  auto plan = [](const std::string& iupd, std::uint64_t base) {
    json p = gpdPosition(iupd, iuvOf("01", base), 30000);
    json single = p["paymentOption"][0];
    for (int i = 1; i <= 2; ++i) {
      json rata = single;
      rata["iuv"] = iuvOf("01", base + i);
      rata["amount"] = 15000;
      rata["isPartialPayment"] = true;
      rata["paymentPlanId"] = "rate";
      rata["dueDate"] = i == 1 ? "2026-12-16T23:59:59" : "2027-06-16T23:59:59";
      rata["transfer"][0]["amount"] = 12000;
      rata["transfer"][1]["amount"] = 3000;
      p["paymentOption"].push_back(rata);
    }
    return p;
  };
  REQUIRE(world.call("POST", positions() + "?toPublish=true", plan("PLAN-1", 600).dump()).status ==
          201);
  REQUIRE(world.call("POST", positions() + "?toPublish=true", plan("PLAN-2", 610).dump()).status ==
          201);

  // PLAN-1: the single option is paid: the installments are no longer payable.
  world.payNotice(kValbruna, navOf(iuvOf("01", 600)), 30000, "RCPT-PLAN-1", "RSSMRA80A01H501U");
  Answer one = world.call("GET", ponteBase() + "/PLAN-1/payability");
  REQUIRE(one.json["paymentOption"].size() == 3);
  CHECK(one.json["paymentOption"][0]["status"] == "PO_PAID");
  for (int i = 1; i <= 2; ++i) {
    CHECK(one.json["paymentOption"][i]["payable"] == false);
    CHECK(one.json["paymentOption"][i]["fault"]["code"] == "PAA_PAGAMENTO_DUPLICATO");
  }
  // PLAN-2: an installment is paid: the single option is not, the other installment is.
  world.payNotice(kValbruna, navOf(iuvOf("01", 611)), 15000, "RCPT-PLAN-2", "RSSMRA80A01H501U");
  Answer two = world.call("GET", ponteBase() + "/PLAN-2/payability");
  CHECK(two.json["paymentOption"][0]["payable"] == false);
  CHECK(two.json["paymentOption"][0]["fault"]["code"] == "PAA_PAGAMENTO_DUPLICATO");
  CHECK(two.json["paymentOption"][2]["payable"] == true);
  CHECK(two.json["status"] == "PARTIALLY_PAID");
  // A position with a payment is neither updated nor invalidated.
  CHECK(world.call("PUT", positions() + "/PLAN-2", plan("PLAN-2", 610).dump()).status == 409);
  CHECK(world.call("POST", positions() + "/PLAN-2/invalidate").status == 409);
}

// The node listener answers 405 to every method but GET and POST before any handler runs; the
// API's listener lets GPD's PUT and DELETE (and PATCH, for the service's own 405) through.
TEST_CASE("the listener passes PUT and DELETE to the service", "[api][e2e]") {
  ApiWorld world;
  REQUIRE(world.call("POST", positions(), gpdPosition("WIRE-1", iuvOf("01", 701)).dump()).status ==
          201);
  json changed = gpdPosition("WIRE-1", iuvOf("01", 701), 20000);
  Answer put = world.wireCall("PUT", positions() + "/WIRE-1", changed.dump(), {});
  CHECK(put.status == 200);
  Answer del = world.wireCall("DELETE", positions() + "/WIRE-1", "", {});
  CHECK(del.status == 200);
}
