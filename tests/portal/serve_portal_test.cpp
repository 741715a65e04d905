// The full path through a real `ponte serve`: a portal's cart sent to a stand-in Checkout, the
// node's paGetPaymentV2 carrying the cart id, a paSendRTV2 for each notice, the cart read as paid.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/access.h"
#include "loopback_service.h"
#include "ponte_process.h"
#include "support/tls_client.h"

using namespace ponte;
using nlohmann::json;

namespace {

constexpr const char* kKey = "portal-serve-key";
constexpr const char* kSingle = "301000000000012373";  // 120.00, due 30 days after 2026-11-22
constexpr const char* kTari = "301000000000070100";    // 210.00, due 45 days after

std::uint16_t apiPort(const e2e::PonteProcess& ponte) {
  for (const auto& line : ponte.logLines()) {
    if (line.find("ponte.ready") == std::string::npos) continue;
    std::smatch m;
    if (std::regex_search(line, m, std::regex("api_listener=127\\.0\\.0\\.1:([0-9]+)"))) {
      return static_cast<std::uint16_t>(std::stoi(m[1]));
    }
  }
  return 0;
}

json call(std::uint16_t port, const std::string& method, const std::string& target,
          const std::string& body, int* status) {
  test::ClientOptions o;
  o.port = port;
  o.ca_file = test::testCertificatesDir() + "/ca.crt";
  o.timeout_ms = 20'000;
  auto client = test::TlsClient::connect(o);
  REQUIRE(client);
  test::ClientHeaders headers = {{"Ocp-Apim-Subscription-Key", kKey}};
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto r = client->request(method, target, body, headers);
  REQUIRE(r);
  *status = r->status;
  return json::parse(r->body, nullptr, false);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_CASE("ponte serve: cart, paGetPaymentV2 with the cart id, paSendRTV2 per notice, paid",
          "[portal][e2e]") {
  test::LoopbackService checkout(test::officialOpenApi("pagopa-api/openapi/checkout_v1.json"),
                                 "CartRequest");
  checkout.answer({302, "", {{"Location", "https://checkout.pagopa.example/c/serve"}}, 0});
  e2e::PonteProcess ponte;
  std::ofstream(ponte.dir() + "/checkout.key") << "serve-checkout-key\n";
  const std::string certs = test::testCertificatesDir();
  {
    std::ofstream yaml(ponte.dir() + "/ponte.yaml", std::ios::app);
    yaml << "\napi_listener:\n"
         << "  enabled: true\n"
         << "  port: 0\n"
         << "  tls:\n"
         << "    certificate: \"" << certs << "/server.crt\"\n"
         << "    private_key: \"" << certs << "/server.key\"\n"
         << "  intermediary_keys:\n"
         << "    - name: portal\n"
         << "      sha256: \"" << api::AccessTable::sha256Hex(kKey) << "\"\n"
         << "      creditor_institutions: [\"80015010723\"]\n"
         << "checkout:\n"
         << "  base_url: \"" << checkout.baseUrl() << "\"\n"
         << "  subscription_key_file: checkout.key\n";
  }
  ponte.start();
  const std::uint16_t port = apiPort(ponte);
  REQUIRE(port != 0);

  int status = 0;
  const json cart = call(port, "POST", "/ponte/v1/carts",
                         json{{"notices",
                               {{{"noticeNumber", kSingle}, {"fiscalCode", "80015010723"}},
                                {{"noticeNumber", kTari}, {"fiscalCode", "80015010723"}}}},
                              {"returnUrls",
                               {{"returnOkUrl", "https://portale.example/ok"},
                                {"returnCancelUrl", "https://portale.example/ko"},
                                {"returnErrorUrl", "https://portale.example/err"}}}}
                             .dump(),
                         &status);
  INFO(cart.dump());
  REQUIRE(status == 201);
  CHECK(cart["checkoutUrl"] == "https://checkout.pagopa.example/c/serve");
  CHECK(checkout.schemaErrors().empty());
  CHECK(checkout.requests().back().header("Ocp-Apim-Subscription-Key") == "serve-checkout-key");
  const std::string id = cart["cartId"];

  auto node = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(node);
  const std::string get =
      replaced(e2e::goldenRequest("paGetPaymentV2", "ok"), "cart-2026-000123", id);
  for (const std::string& request :
       {get, replaced(replaced(get, kSingle, kTari), "<amount>120.00<", "<amount>210.00<")}) {
    auto answer = e2e::postSoap(*node, "paGetPaymentV2", request);
    REQUIRE(answer);
    INFO(answer->body);
    REQUIRE(answer->body.find("<outcome>OK</outcome>") != std::string::npos);
  }
  // Payment attempts are written in the background: wait, bounded, for the tie to show.
  json read;
  for (int i = 0; i < 200; ++i) {
    read = call(port, "GET", "/ponte/v1/carts/" + id, "", &status);
    if (read["notices"][1]["state"] == "in_progress") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  CHECK(read["state"] == "open");
  CHECK(read["notices"][0]["state"] == "in_progress");
  CHECK(read["notices"][1]["state"] == "in_progress");

  const std::string rt = e2e::goldenRequest("paSendRTV2", "ok");
  auto first = e2e::postSoap(*node, "paSendRTV2", rt);
  REQUIRE(first);
  REQUIRE(first->body.find("<outcome>OK</outcome>") != std::string::npos);
  read = call(port, "GET", "/ponte/v1/carts/" + id, "", &status);
  CHECK(read["state"] == "partly_paid");
  CHECK(read["notices"][0]["state"] == "paid");

  std::string tari_rt = replaced(rt, kSingle, kTari);
  tari_rt = replaced(tari_rt, "01000000000012373", "01000000000070100");
  tari_rt =
      replaced(tari_rt, "e3b0c44298fc4c14a1f4c8996fb92427", "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  tari_rt = replaced(tari_rt, "120.00", "210.00");
  auto second = e2e::postSoap(*node, "paSendRTV2", tari_rt);
  REQUIRE(second);
  INFO(second->body);
  REQUIRE(second->body.find("<outcome>OK</outcome>") != std::string::npos);
  read = call(port, "GET", "/ponte/v1/carts/" + id, "", &status);
  CHECK(status == 200);
  CHECK(read["state"] == "paid");
  CHECK(read["notices"][1]["receiptId"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  CHECK(ponte.stop(SIGTERM) == 0);
}
