// The portal's test world.
#include "portal_world.h"

#include <fstream>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "api/access.h"
#include "support/openapi_check.h"
#include "support/tls_client.h"

namespace ponte::portaltest {
namespace {

void writeKey(const std::string& file, const std::string& key) {
  std::ofstream out(file);
  out << key << "\n";
  if (!out) throw std::runtime_error("cannot write " + file);
}

// The schema of the API document (the portal's routes) an answer must follow, or "" for none.
std::string schemaFor(const std::string& method, const std::string& target, int status) {
  if (status >= 400) return "ProblemJson";
  const std::string path = target.substr(0, target.find('?'));
  if (path == "/ponte/v1/carts" && method == "POST") return "CartCreated";
  if (path.rfind("/ponte/v1/carts/", 0) == 0 && method == "GET") return "Cart";
  if (path == "/ponte/v1/fees") return "FeeList";
  return "";
}

// The back-office API's OpenAPI document, which describes the portal's routes too.
const nlohmann::json& document() {
  static const nlohmann::json d = test::loadOpenApi(PONTE_SOURCE_DIR "/daemon/api/openapi.json");
  return d;
}

}  // namespace

PortalWorld::PortalWorld(WorldOptions options)
    : checkout(test::officialOpenApi("pagopa-api/openapi/checkout_v1.json"), "CartRequest"),
      calculator(test::officialOpenApi("pagopa-afm-calculator/openapi/openapi-v2.json"),
                 "PaymentOptionMulti") {
  ops::Config& config = fixture.config;
  for (auto& ec : config.creditor_institutions) {
    const char* key = ec.fiscal_code == testing::kValbruna ? kValbrunaKey : kMonteverdeKey;
    ec.api_keys.push_back({"portale", api::AccessTable::sha256Hex(key)});
    if (ec.fiscal_code == testing::kValbruna && options.default_return_urls) {
      ec.return_urls = ops::ReturnUrlsConfig{"https://portale.valbruna.example/ok",
                                             "https://portale.valbruna.example/annullato",
                                             "https://portale.valbruna.example/errore", ""};
    }
  }
  const std::string certs = test::testCertificatesDir();
  auto& api = config.api_listener;
  api.enabled = true;
  api.address = "127.0.0.1";
  api.port = 0;
  api.threads = 2;
  api.tls.certificate = certs + "/server.crt";
  api.tls.private_key = certs + "/server.key";
  api.tls.client_ca.clear();
  api.intermediary_keys.push_back({"partner",
                                   api::AccessTable::sha256Hex(kPartnerKey),
                                   {testing::kValbruna, testing::kMonteverde}});
  if (options.checkout) {
    writeKey(fixture.dir + "/checkout.key", "checkout-subscription-key");
    config.checkout =
        ops::CheckoutConfig{checkout.baseUrl(), 1, fixture.dir + "/checkout.key", 2000, ""};
  }
  if (options.calculator) {
    writeKey(fixture.dir + "/calculator.key", "calculator-subscription-key");
    config.fee_calculator = ops::FeeCalculatorConfig{calculator.baseUrl(),
                                                     fixture.dir + "/calculator.key",
                                                     options.fee_timeout_ms,
                                                     60,
                                                     3600,
                                                     ""};
  }
  if (options.catalogue) {
    config.psp_catalogue_file = PONTE_SOURCE_DIR "/tests/upstream/catalogue-sample.xml";
  }
  checkout.answer({302, "", {{"Location", "https://checkout.pagopa.example/c/abc123"}}, 0});
  calculator.answer({500, "{}", {}, 0});
  endpoint_ = std::make_unique<app::ApiEndpoint>(*fixture.store, fixture.clock, log_);
  const std::string where = endpoint_->start(config);
  const auto colon = where.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("api listener: " + where);
  port_ = static_cast<std::uint16_t>(std::stoi(where.substr(colon + 1)));
}

PortalWorld::~PortalWorld() { endpoint_->stop(); }

Answer PortalWorld::call(const std::string& method, const std::string& target,
                         const std::string& body, const std::string& key) {
  test::ClientOptions o;
  o.port = port_;
  o.ca_file = test::testCertificatesDir() + "/ca.crt";
  o.timeout_ms = 20'000;
  std::string error;
  auto client = test::TlsClient::connect(o, &error);
  if (!client) throw std::runtime_error("connect: " + error);
  test::ClientHeaders headers;
  if (!key.empty()) headers.emplace_back("Ocp-Apim-Subscription-Key", key);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto response = client->request(method, target, body, headers, &error);
  if (!response) throw std::runtime_error(method + " " + target + ": " + error);
  Answer a;
  a.status = response->status;
  a.content_type = response->header("Content-Type");
  a.body = response->body;
  a.location = response->header("Location");
  a.retry_after = response->header("Retry-After");
  a.json = nlohmann::json::parse(a.body, nullptr, false);
  // Every JSON answer follows the API's OpenAPI document (daemon/api/openapi.json).
  const bool is_json = a.content_type.find("json") != std::string::npos;
  if (const std::string schema = schemaFor(method, target, a.status); is_json && !schema.empty()) {
    const auto problems =
        test::checkAgainstSchema(a.json, document()["components"]["schemas"][schema], document());
    std::string joined;
    for (const auto& p : problems) joined += p + "\n";
    INFO(method << " " << target << " -> " << a.status << " against " << schema << ":\n" << joined);
    CHECK(problems.empty());
  }
  return a;
}

std::string cartBody(const std::vector<std::string>& navs, const std::string& ec,
                     const nlohmann::json& extra) {
  nlohmann::json notices = nlohmann::json::array();
  for (const auto& nav : navs) notices.push_back({{"noticeNumber", nav}, {"fiscalCode", ec}});
  nlohmann::json body = {{"notices", notices}};
  body.update(extra);
  return body.dump();
}

}  // namespace ponte::portaltest
