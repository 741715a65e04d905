// Who may reach which EC: an EC's key reaches its EC only, and any other EC's resources answer
// exactly like missing ones on every route; an intermediary key reaches its ECs only; a client
// certificate stands for the ECs it is mapped to; no key or a wrong key is 401.
#include <catch2/catch.hpp>

#include <regex>

#include "api_world.h"

using namespace ponte;
using namespace ponte::apitest;
using nlohmann::json;

namespace {

// Every route of the service with its parameters filled for `ec`, with a body that would be
// accepted, so that only the caller's rights can make the answer a 404.
struct Probe {
  std::string method;
  std::string target;
  std::string body;
  std::string content_type = "application/json";
};

std::vector<Probe> probesFor(const std::string& ec, const std::string& iupd, const std::string& iuv,
                             const std::string& debtor) {
  std::vector<Probe> out;
  for (const auto& route : api::ApiService::routes()) {
    std::string target(route.path);
    if (target == "/openapi.json") continue;
    target = std::regex_replace(target, std::regex("\\{organizationfiscalcode\\}"), ec);
    target = std::regex_replace(target, std::regex("\\{iupd\\}"), iupd);
    target = std::regex_replace(target, std::regex("\\{iuv\\}"), iuv);
    target = std::regex_replace(target, std::regex("\\{fiscalCode\\}"), debtor);
    Probe p{std::string(route.method), target, ""};
    if (route.method == "POST" && target.ends_with("/debtpositions")) {
      p.body = gpdPosition("NEW-" + ec, iuvOf("02", 999)).dump();
    } else if (route.method == "PUT" && target.ends_with("/amount-schedule")) {
      p.body = json::array({{{"amount", 10000}, {"transferAmounts", {8000, 2000}}}}).dump();
    } else if (route.method == "PUT" && target.ends_with("/coercive-collection")) {
      p.body = json{{"reference", "R-1"}}.dump();
    } else if (route.method == "PUT") {
      p.body = gpdPosition(iupd, iuv).dump();
    } else if (target.ends_with("/bulk")) {
      p.body = "[]";
    } else if (target.ends_with("/spontaneous-payments")) {
      p.body = json{{"idServizio", "00001"}, {"idSoggettoServizio", "00001"}}.dump();
    }
    out.push_back(p);
  }
  return out;
}

}  // namespace

TEST_CASE("a key of EC A gets the same 404 as a missing resource on every route of EC B",
          "[api][e2e]") {
  ApiWorld world;
  // Monteverde has a position, a paid notice and a receipt: everything a route could show.
  const std::string iuv = iuvOf("02", 1);
  CallOptions monteverde;
  monteverde.key = kMonteverdeKey;
  REQUIRE(world
              .call("POST", "/organizations/83000390019/debtpositions?toPublish=true",
                    gpdPosition("MV-1", iuv).dump(), monteverde)
              .status == 201);
  world.payNotice(kMonteverde, navOf(iuv), 10000, "RCPT-MV-1", "RSSMRA80A01H501U");
  // What a missing resource answers to Valbruna's own key, for comparison.
  const Answer missing = world.call("GET", "/organizations/80015010723/debtpositions/NOPE");
  REQUIRE(missing.status == 404);

  const auto probes = probesFor(kMonteverde, "MV-1", iuv, "RSSMRA80A01H501U");
  REQUIRE(probes.size() + 1 == api::ApiService::routes().size());
  for (const auto& p : probes) {
    for (const char* key : {kValbrunaKey, kAltopianoKey}) {
      CallOptions as;
      as.key = key;
      as.content_type = p.content_type;
      const Answer a = world.call(p.method, p.target, p.body, as);
      INFO(p.method << " " << p.target << " with the key of another EC: " << a.body);
      CHECK(a.status == 404);
      CHECK(a.body == missing.body);
      CHECK(a.content_type == missing.content_type);
    }
  }
  // The owner reaches them (the routes that read answer 200).
  CHECK(world.call("GET", "/organizations/83000390019/debtpositions/MV-1", "", monteverde).status ==
        200);
  CHECK(world.call("GET", "/organizations/83000390019/debtpositions", "", monteverde).status ==
        200);
  CHECK(world
            .call("GET", "/ponte/v1/organizations/83000390019/debtors/RSSMRA80A01H501U/statement",
                  "", monteverde)
            .status == 200);
  CHECK(world.call("GET", "/payments/83000390019/receipts/" + iuv, "", monteverde).status == 200);
  // Nothing was written by the refused calls.
  Answer list =
      world.call("GET", "/organizations/83000390019/debtpositions?limit=50", "", monteverde);
  CHECK(list.json["payment_position_list"].size() == 1);
  CHECK(list.json["payment_position_list"][0]["status"] == "PAID");
}

TEST_CASE("an intermediary key reaches the ECs it is enabled for and no other", "[api][e2e]") {
  ApiWorld world;
  CallOptions partner;
  partner.key = kPartnerKey;
  partner.bearer = true;
  for (const char* ec : {kValbruna, kMonteverde}) {
    const std::string segregation = std::string(ec) == kValbruna ? "01" : "02";
    Answer created = world.call("POST", std::string("/organizations/") + ec + "/debtpositions",
                                gpdPosition("P-1", iuvOf(segregation, 7)).dump(), partner);
    CHECK(created.status == 201);
  }
  Answer other = world.call("GET", std::string("/organizations/") + kAltopiano + "/debtpositions",
                            "", partner);
  CHECK(other.status == 404);
  // An EC that does not exist at all answers the same.
  Answer unknown = world.call("GET", "/organizations/99999999999/debtpositions", "", partner);
  CHECK(unknown.status == 404);
  CHECK(unknown.body == other.body);
  // Altopiano's own key sees none of the partner's positions.
  CallOptions altopiano;
  altopiano.key = kAltopianoKey;
  Answer own = world.call("GET", std::string("/organizations/") + kAltopiano + "/debtpositions", "",
                          altopiano);
  CHECK(own.status == 200);
  CHECK(own.json["payment_position_list"].empty());
}

TEST_CASE("a client certificate mapped to an EC is admitted for that EC only", "[api][e2e]") {
  ApiWorld world;
  CallOptions cert;
  cert.key = "";
  cert.certificate = "node-client";  // CN=pagopa-node-dev, mapped to Monteverde
  CHECK(world.call("GET", "/organizations/83000390019/debtpositions", "", cert).status == 200);
  CHECK(world.call("GET", "/organizations/80015010723/debtpositions", "", cert).status == 404);
  // A key, when sent, decides alone: a wrong key on a mapped certificate is refused.
  cert.key = "not-a-key";
  CHECK(world.call("GET", "/organizations/83000390019/debtpositions", "", cert).status == 401);
  // A certificate of another CA is not accepted (TLS refuses it, or the request is not served).
  CallOptions stranger;
  stranger.key = "";
  stranger.certificate = "other-client";
  bool refused = false;
  try {
    refused =
        world.rawCall("GET", "/organizations/83000390019/debtpositions", "", stranger).status ==
        401;
  } catch (const std::exception&) {
    refused = true;
  }
  CHECK(refused);
}

TEST_CASE("no key or a wrong key is 401, with either header", "[api][e2e]") {
  ApiWorld world;
  CallOptions none;
  none.key = "";
  Answer a = world.call("GET", "/organizations/80015010723/debtpositions", "", none);
  CHECK(a.status == 401);
  CHECK(a.header("WWW-Authenticate").find("Bearer") != std::string::npos);
  CHECK(a.content_type.find("application/problem+json") == 0);
  CallOptions wrong;
  wrong.key = "valbruna-tributi-kez";
  CHECK(world.call("GET", "/organizations/80015010723/debtpositions", "", wrong).status == 401);
  wrong.bearer = true;
  CHECK(world.call("GET", "/organizations/80015010723/debtpositions", "", wrong).status == 401);
  CallOptions bearer;
  bearer.bearer = true;
  CHECK(world.call("GET", "/organizations/80015010723/debtpositions", "", bearer).status == 200);
  // The OpenAPI document is public.
  CHECK(world.call("GET", "/openapi.json", "", none).status == 200);
}

TEST_CASE("a reload of the keys takes effect on the next request", "[api][e2e]") {
  ApiWorld world;
  CHECK(world.call("GET", "/organizations/80015010723/debtpositions").status == 200);
  // Valbruna's key is replaced by another.
  ops::Config changed = world.config;
  for (auto& ec : changed.creditor_institutions) {
    if (ec.fiscal_code == kValbruna) ec.api_keys = {{"nuovo", api::AccessTable::sha256Hex("new")}};
  }
  world.service->setAccess(api::AccessTable::fromConfig(changed));
  CHECK(world.call("GET", "/organizations/80015010723/debtpositions").status == 401);
  CallOptions fresh;
  fresh.key = "new";
  fresh.headers = {{"X-Request-Id", "office-42"}};
  Answer a = world.call("GET", "/organizations/80015010723/debtpositions", "", fresh);
  CHECK(a.status == 200);
  CHECK(a.header("X-Request-Id") == "office-42");
}
