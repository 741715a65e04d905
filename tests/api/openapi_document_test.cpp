// The OpenAPI document served at /openapi.json is the API: every route of the service is in it
// with its path parameters, it is what the listener serves, and its GPD parts keep GPD's shapes.
// (Every answer the other tests receive is checked against it by ApiWorld::call.)
#include <catch2/catch.hpp>

#include <set>

#include "api_world.h"
#include "portal/portal_service.h"

using namespace ponte;
using namespace ponte::apitest;
using nlohmann::json;

TEST_CASE("every route of the service is in the OpenAPI document, and nothing else", "[api]") {
  // The portal's carts and fees share the listener (and this document); their own tests check
  // each answer against it.
  const json& doc = apiDocument();
  REQUIRE(doc.value("openapi", "").rfind("3.", 0) == 0);
  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters") continue;
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + path);
      INFO(upper << " " << path);
      CHECK(operation.contains("responses"));
      CHECK(!operation.value("operationId", "").empty());
    }
  }
  std::set<std::string> served;
  for (const auto& r : api::ApiService::routes()) {
    served.insert(std::string(r.method) + " " + std::string(r.path));
  }
  for (const auto& route : served) {
    INFO("served but not documented: " << route);
    CHECK(documented.count(route) == 1);
  }
  for (const auto& route : documented) {
    INFO("documented but not served: " << route);
    const std::string path = route.substr(route.find(' ') + 1);
    CHECK((served.count(route) == 1 || portal::PortalService::handles(path)));
  }
  CHECK(portal::PortalService::handles("/ponte/v1/carts"));
  CHECK_FALSE(portal::PortalService::handles("/organizations/80015010723/debtpositions"));
}

TEST_CASE("every $ref of the OpenAPI document resolves", "[api]") {
  const json& doc = apiDocument();
  std::vector<std::string> broken;
  std::function<void(const json&)> walk = [&](const json& j) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (k == "$ref" && v.is_string()) {
          const std::string ref = v;
          json::json_pointer pointer(ref.substr(1));
          if (ref.rfind("#/", 0) != 0 || !doc.contains(pointer)) broken.push_back(ref);
        } else {
          walk(v);
        }
      }
    } else if (j.is_array()) {
      for (const auto& v : j) walk(v);
    }
  };
  walk(doc);
  CHECK(broken.empty());
}

TEST_CASE("the GPD routes take and answer GPD's schemas", "[api]") {
  const json& doc = apiDocument();
  const json& gpd = gpdDocument();
  // Each GPD path of ponte exists in gpd.json with the same method.
  for (const auto& r : api::ApiService::routes()) {
    const std::string path(r.path);
    if (path.rfind("/organizations/", 0) != 0 || path.ends_with("/bulk")) continue;
    std::string method(r.method);
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    INFO(method << " " << path);
    REQUIRE(gpd["paths"].contains(path));
    CHECK(gpd["paths"][path].contains(method));
  }
  // ponte's PaymentPositionModel keeps every property and requirement of GPD's.
  const json& ours = doc["components"]["schemas"]["PaymentPositionModel"];
  const json& theirs = gpd["components"]["schemas"]["PaymentPositionModel"];
  for (const auto& [name, _] : theirs["properties"].items()) {
    INFO(name);
    CHECK(ours["properties"].contains(name));
  }
  CHECK(ours["required"] == theirs["required"]);
}

TEST_CASE("the listener serves the document without a key", "[api][e2e]") {
  ApiWorld world;
  CallOptions none;
  none.key = "";
  Answer a = world.call("GET", "/openapi.json", "", none);
  REQUIRE(a.status == 200);
  CHECK(a.json == apiDocument());
  CHECK(world.rawCall("POST", "/openapi.json", "{}", none).status == 405);
}
