// Bad positions are refused with the path of each field at fault (400) or as a conflict (409),
// and nothing is written.
#include <catch2/catch.hpp>

#include <algorithm>

#include "api_world.h"

using namespace ponte;
using namespace ponte::apitest;
using nlohmann::json;

namespace {

const std::string kPositions = "/organizations/80015010723/debtpositions";

bool has(const std::vector<std::string>& paths, const std::string& path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

// How many positions the EC has.
std::size_t count(ApiWorld& world) {
  Answer a = world.call("GET", kPositions + "?limit=50");
  REQUIRE(a.status == 200);
  return a.json["payment_position_list"].size();
}

}  // namespace

TEST_CASE("invalid positions are refused with the path of each field and nothing is written",
          "[api][e2e]") {
  ApiWorld world;
  struct Case {
    const char* name;
    std::function<void(json&)> spoil;
    const char* path;
  };
  const std::vector<Case> cases = {
      {"transfers not summing to the amount",
       [](json& p) { p["paymentOption"][0]["transfer"][1]["amount"] = 1999; },
       "paymentOption[0].transfer"},
      {"more than 5 transfers",
       [](json& p) {
         json& t = p["paymentOption"][0]["transfer"];
         t = json::array();
         for (int i = 1; i <= 6; ++i) {
           t.push_back({{"idTransfer", std::to_string(i)},
                        {"amount", i < 6 ? 1700 : 1500},
                        {"remittanceInformation", "quota"},
                        {"category", "9/0101100IM/"},
                        {"iban", "IT61X0306909606100000012345"}});
         }
       },
       "paymentOption[0].transfer"},
      {"a bad IBAN",
       [](json& p) {
         p["paymentOption"][0]["transfer"][0]["iban"] = "IT61X0306909606100000012346";
       },
       "paymentOption[0].transfer[0].iban"},
      {"a due date before the validity date",
       [](json& p) { p["validityDate"] = "2027-02-01T00:00:00"; }, "paymentOption[0].dueDate"},
      {"a due date in the past",
       [](json& p) { p["paymentOption"][0]["dueDate"] = "2026-11-01T23:59:59"; },
       "paymentOption[0].dueDate"},
      {"a wrong IUV check digit",
       [](json& p) {
         std::string iuv = p["paymentOption"][0]["iuv"];
         iuv.back() = iuv.back() == '0' ? '1' : '0';
         p["paymentOption"][0]["iuv"] = iuv;
       },
       "paymentOption[0].iuv"},
      {"a missing fiscal code", [](json& p) { p.erase("fiscalCode"); }, "fiscalCode"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      json p = gpdPosition("BAD-1", iuvOf("01", 1));
      c.spoil(p);
      Answer a = world.call("POST", kPositions + "?toPublish=true", p.dump());
      INFO(a.body);
      CHECK(a.status == 400);
      CHECK(a.content_type.find("application/problem+json") == 0);
      const auto paths = a.errorPaths();
      const bool found = std::any_of(paths.begin(), paths.end(), [&](const std::string& path) {
        return path.rfind(c.path, 0) == 0;
      });
      CHECK(found);
      CHECK(count(world) == 0);
    }
  }
}

TEST_CASE("a duplicate iupd or IUV is a 409 naming the field, and nothing is written",
          "[api][e2e]") {
  ApiWorld world;
  REQUIRE(world.call("POST", kPositions, gpdPosition("DUP-1", iuvOf("01", 1)).dump()).status ==
          201);
  Answer same_iupd = world.call("POST", kPositions, gpdPosition("DUP-1", iuvOf("01", 2)).dump());
  CHECK(same_iupd.status == 409);
  CHECK(has(same_iupd.errorPaths(), "iupd"));
  Answer same_iuv = world.call("POST", kPositions, gpdPosition("DUP-2", iuvOf("01", 1)).dump());
  CHECK(same_iuv.status == 409);
  CHECK(has(same_iuv.errorPaths(), "paymentOption[0].iuv"));
  // Twice the same IUV within one position.
  json twice = gpdPosition("DUP-3", iuvOf("01", 3));
  twice["paymentOption"].push_back(twice["paymentOption"][0]);
  Answer within = world.call("POST", kPositions, twice.dump());
  CHECK((within.status == 400 || within.status == 409));
  CHECK(!within.errorPaths().empty());
  // An update that takes another position's IUV.
  REQUIRE(world.call("POST", kPositions, gpdPosition("DUP-4", iuvOf("01", 4)).dump()).status ==
          201);
  Answer taken =
      world.call("PUT", kPositions + "/DUP-4", gpdPosition("DUP-4", iuvOf("01", 1)).dump());
  CHECK(taken.status == 409);
  CHECK(has(taken.errorPaths(), "paymentOption[0].iuv"));
  CHECK(world.call("GET", kPositions + "/DUP-4").json["paymentOption"][0]["iuv"] == iuvOf("01", 4));
  CHECK(count(world) == 2);
}

TEST_CASE("a body that is not JSON, or too large, is refused", "[api][e2e]") {
  ApiWorld world;
  Answer a = world.call("POST", kPositions, "{\"iupd\": ");
  CHECK(a.status == 400);
  // PATCH is not an operation of the document: its 405 is checked apart.
  Answer wrong_method = world.rawCall("PATCH", kPositions + "/X", "", {});
  CHECK(wrong_method.status == 405);
  CHECK(!wrong_method.header("Allow").empty());
  std::string big(2 << 20, ' ');
  big.front() = '{';
  big.back() = '}';
  CHECK(world.call("POST", kPositions, big).status == 413);
  CHECK(count(world) == 0);
}
