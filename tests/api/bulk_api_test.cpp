// Bulk import over HTTP: a JSON array, NDJSON and CSV, each bad record reported with its line
// and field, the good ones stored, the same body again changing nothing; and a large import.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>

#include "api_world.h"

using namespace ponte;
using namespace ponte::apitest;
using nlohmann::json;

namespace {

const std::string kBulk = "/organizations/80015010723/debtpositions/bulk";

json position(int i) { return gpdPosition("BULK-" + std::to_string(i), iuvOf("01", 10'000 + i)); }

std::int64_t stored(ApiWorld& world) {
  auto n = world.store->countMatchingPositions(kValbruna, {});
  REQUIRE(n);
  return n.value();
}

// A rejection of the report by its first line.
json rejectionAt(const Answer& a, int line) {
  for (const auto& r : a.json["rejections"]) {
    if (r["line"] == line) return r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a bulk JSON array stores the good positions and reports each bad one", "[api][e2e]") {
  ApiWorld world;
  // One position per line of the array, so line numbers are 2..11.
  std::string body = "[\n";
  for (int i = 0; i < 10; ++i) {
    json p = position(i);
    if (i == 3) p["paymentOption"][0]["transfer"][0]["iban"] = "IT00BAD";
    if (i == 7) p.erase("fullName");
    body += p.dump() + (i < 9 ? ",\n" : "\n");
  }
  body += "]\n";
  Answer a = world.call("POST", kBulk, body);
  REQUIRE(a.status == 200);
  CHECK(a.json["format"] == "json");
  CHECK(a.json["records"] == 10);
  CHECK(a.json["created"] == 8);
  CHECK(a.json["rejected"] == 2);
  REQUIRE(a.json["rejections"].size() == 2);
  json bad_iban = rejectionAt(a, 5);
  REQUIRE(bad_iban.is_object());
  CHECK(bad_iban["iupd"] == "BULK-3");
  CHECK(bad_iban["errors"][0]["path"] == "paymentOption[0].transfer[0].iban");
  json no_name = rejectionAt(a, 9);
  REQUIRE(no_name.is_object());
  CHECK(no_name["errors"][0]["path"] == "fullName");
  CHECK(stored(world) == 8);

  // The same body again: nothing changes, the same lines are reported.
  Answer again = world.call("POST", kBulk, body);
  REQUIRE(again.status == 200);
  CHECK(again.json["created"] == 0);
  CHECK(again.json["updated"] == 0);
  CHECK(again.json["unchanged"] == 8);
  CHECK(again.json["rejected"] == 2);
  CHECK(stored(world) == 8);
}

TEST_CASE("a bulk NDJSON body reports broken lines and goes on", "[api][e2e]") {
  ApiWorld world;
  std::string body;
  for (int i = 0; i < 6; ++i) {
    if (i == 2) {
      body += "{\"iupd\": \"BULK-2\", broken\n";
      continue;
    }
    json p = position(i);
    if (i == 4) p["paymentOption"][0]["dueDate"] = "2026-01-01T00:00:00";  // in the past
    body += p.dump() + "\n";
  }
  CallOptions ndjson;
  ndjson.content_type = "application/x-ndjson";
  Answer a = world.call("POST", kBulk + "?toPublish=true", body, ndjson);
  REQUIRE(a.status == 200);
  CHECK(a.json["format"] == "ndjson");
  CHECK(a.json["created"] == 4);
  CHECK(a.json["rejected"] == 2);
  CHECK(rejectionAt(a, 3).is_object());
  REQUIRE(rejectionAt(a, 5).is_object());
  CHECK(rejectionAt(a, 5)["errors"][0]["path"] == "paymentOption[0].dueDate");
  CHECK(stored(world) == 4);
  Answer one = world.call("GET", "/organizations/80015010723/debtpositions/BULK-5");
  CHECK(one.json["status"] == "VALID");  // toPublish
}

TEST_CASE("a bulk CSV body: one line per transfer, bad lines reported", "[api][e2e]") {
  ApiWorld world;
  const std::string iuv1 = iuvOf("01", 1), iuv2 = iuvOf("01", 2), iuv3 = iuvOf("01", 3);
  std::string body =
      "iupd;type;fiscalCode;fullName;iuv;amount;description;dueDate;transferAmount;category;iban;"
      "organizationFiscalCode\n";
  // Two transfers of one option on two lines.
  body += "CSV-1;F;RSSMRA80A01H501U;Mario Rossi;" + iuv1 +
          ";10000;TARI 2026;2026-12-31;8000;9/0101100IM/;IT61X0306909606100000012345;\n";
  body += "CSV-1;F;RSSMRA80A01H501U;Mario Rossi;" + iuv1 +
          ";10000;TARI 2026;2026-12-31;2000;9/0301109AP/;IT38C0200805364000101010101;"
          "80011470731\n";
  // A position whose amount is not a number.
  body += "CSV-2;F;VRDLGU70B02F205X;\"Verdi; Luigi\";" + iuv2 +
          ";dieci;Mensa;2026-12-31;;9/0101100IM/;IT61X0306909606100000012345;\n";
  body += "CSV-3;G;01234567890;\"Bar \"\"Da Gino\"\"\";" + iuv3 +
          ";2500;Occupazione suolo;2026-12-31;;9/0101100IM/;IT61X0306909606100000012345;\n";
  CallOptions csv;
  csv.content_type = "text/csv; charset=utf-8";
  Answer a = world.call("POST", kBulk, body, csv);
  REQUIRE(a.status == 200);
  CHECK(a.json["format"] == "csv");
  CHECK(a.json["created"] == 2);
  CHECK(a.json["rejected"] == 1);
  REQUIRE(rejectionAt(a, 4).is_object());
  CHECK(rejectionAt(a, 4)["iupd"] == "CSV-2");
  Answer one = world.call("GET", "/organizations/80015010723/debtpositions/CSV-1");
  REQUIRE(one.status == 200);
  CHECK(one.json["paymentOption"][0]["transfer"].size() == 2);
  CHECK(one.json["paymentOption"][0]["transfer"][1]["organizationFiscalCode"] == "80011470731");
  CHECK(world.call("GET", "/organizations/80015010723/debtpositions/CSV-3").json["fullName"] ==
        "Bar \"Da Gino\"");
  // Again: unchanged.
  Answer again = world.call("POST", kBulk, body, csv);
  CHECK(again.json["unchanged"] == 2);
  CHECK(stored(world) == 2);

  // A header without a required column is refused as a whole.
  Answer header = world.call("POST", kBulk, "iupd;type\nX;F\n", csv);
  CHECK(header.status == 400);
  CHECK(stored(world) == 2);
}

TEST_CASE("a bulk body of another type is 415", "[api][e2e]") {
  ApiWorld world;
  CallOptions xml;
  xml.content_type = "application/xml";
  CHECK(world.call("POST", kBulk, "<positions/>", xml).status == 415);
}

TEST_CASE("bulk imports sent one after the other are all taken", "[api][e2e]") {
  ApiWorld world;
  // The worker is free once an import is answered, not a moment later.
  for (int i = 0; i < 30; ++i) {
    Answer a = world.call("POST", kBulk, json::array({position(i)}).dump());
    INFO("import " << i << ": " << a.body);
    REQUIRE(a.status == 200);
  }
  CHECK(stored(world) == 30);
}

TEST_CASE("20 000 positions with 1 percent bad lines in one NDJSON import", "[api][e2e][slow]") {
  ApiWorld world;
  std::string body;
  body.reserve(20'000 * 700);
  const json base = position(0);
  for (int i = 0; i < 20'000; ++i) {
    json p = base;
    p["iupd"] = "LOAD-" + std::to_string(i);
    p["paymentOption"][0]["iuv"] = iuvOf("01", 100'000 + i);
    if (i % 100 == 42) p["paymentOption"][0]["transfer"][1]["amount"] = 1;  // bad sum
    body += p.dump() + "\n";
  }
  CallOptions ndjson;
  ndjson.content_type = "application/x-ndjson";
  const auto started = std::chrono::steady_clock::now();
  Answer a = world.call("POST", kBulk + "?toPublish=true", body, ndjson);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  WARN("20 000 positions imported over HTTP in " << seconds << " s");
  REQUIRE(a.status == 200);
  CHECK(a.json["records"] == 20'000);
  CHECK(a.json["created"] == 19'800);
  CHECK(a.json["rejected"] == 200);
  REQUIRE(a.json["rejections"].size() == 200);
  CHECK(a.json["rejections"][0]["line"] == 43);
  CHECK(a.json["rejections"][0]["iupd"] == "LOAD-42");
  CHECK(a.json["rejections"][0]["errors"][0]["path"] == "paymentOption[0].transfer");
  CHECK(stored(world) == 19'800);
  CHECK(world.call("GET", "/organizations/80015010723/debtpositions/LOAD-19999").status == 200);
  CHECK(world.call("GET", "/organizations/80015010723/debtpositions/LOAD-42").status == 404);
}

TEST_CASE("a second bulk import while one runs is answered 429 with Retry-After",
          "[api][e2e][slow]") {
  ApiWorld world;
  std::string body;
  for (int i = 0; i < 20'000; ++i) {
    json p = position(0);
    p["iupd"] = "BUSY-" + std::to_string(i);
    p["paymentOption"][0]["iuv"] = iuvOf("01", 200'000 + i);
    body += p.dump() + "\n";
  }
  CallOptions ndjson;
  ndjson.content_type = "application/x-ndjson";
  auto first =
      std::async(std::launch::async, [&] { return world.rawCall("POST", kBulk, body, ndjson); });
  // Small imports until one meets the big one running, or the big one ends. Which of two
  // overlapping imports is refused depends on which reached the worker first: the big one
  // may also be the one refused, when it arrives while a small one runs.
  Answer refused;
  int tries = 0;
  while (first.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
    ++tries;
    Answer small = world.call("POST", kBulk, position(1).dump() + "\n", ndjson);
    CHECK((small.status == 200 || small.status == 429));
    if (small.status == 429) {
      refused = small;
      break;
    }
  }
  const Answer big = first.get();
  CHECK((big.status == 200 || big.status == 429));
  if (big.status == 429) refused = big;
  INFO(tries << " small imports sent");
  REQUIRE(refused.status == 429);
  CHECK(refused.header("Retry-After") == "10");
  CHECK(refused.content_type.find("application/problem+json") == 0);
}
