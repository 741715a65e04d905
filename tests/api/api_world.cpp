// The back-office API test world and the OpenAPI check of its answers.
#include "api_world.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <future>
#include <stdexcept>

#include "api/access.h"
#include "app/api_endpoint.h"
#include "app/directory_builder.h"
#include "core/notice_number.h"
#include "store/sqlite_store.h"
#include "support/openapi_check.h"

namespace ponte::apitest {
namespace {

using nlohmann::json;

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

bool isParam(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

// The document's path that a request path stands for: literal segments win over parameters.
std::string documentPath(const json& document, const std::string& path) {
  const auto segments = split(path);
  std::string best;
  int best_literals = -1;
  for (const auto& [pattern, item] : document["paths"].items()) {
    const auto want = split(pattern);
    if (want.size() != segments.size()) continue;
    int literals = 0;
    bool match = true;
    for (std::size_t i = 0; i < want.size() && match; ++i) {
      if (isParam(want[i])) continue;
      match = want[i] == segments[i];
      ++literals;
    }
    if (match && literals > best_literals) {
      best = pattern;
      best_literals = literals;
    }
  }
  return best;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string iuvOf(const std::string& segregation, std::uint64_t n) {
  std::string base = std::to_string(n);
  base.insert(0, 13 - base.size(), '0');
  auto notice = core::buildNoticeNumber(3, segregation, base);
  if (!notice) throw std::runtime_error("bad IUV base");
  return notice->iuv;
}

std::string navOf(const std::string& iuv) { return "3" + iuv; }

json gpdPosition(const std::string& iupd, const std::string& iuv, std::int64_t amount,
                 const std::string& debtor, const std::string& due) {
  const std::int64_t first = amount * 8 / 10;
  return {
      {"iupd", iupd},
      {"type", "F"},
      {"fiscalCode", debtor},
      {"fullName", "Mario Rossi"},
      {"companyName", "Comune di Valbruna"},
      {"switchToExpired", false},
      {"paymentOption",
       json::array({{{"iuv", iuv},
                     {"amount", amount},
                     {"description", "Tassa rifiuti 2026"},
                     {"isPartialPayment", false},
                     {"dueDate", due},
                     {"transfer", json::array({{{"idTransfer", "1"},
                                                {"amount", first},
                                                {"remittanceInformation", "TARI quota comunale"},
                                                {"category", "9/0101100IM/"},
                                                {"iban", "IT61X0306909606100000012345"}},
                                               {{"idTransfer", "2"},
                                                {"amount", amount - first},
                                                {"organizationFiscalCode", "80011470731"},
                                                {"remittanceInformation", "TEFA quota provinciale"},
                                                {"category", "9/0301109AP/"},
                                                {"iban", "IT38C0200805364000101010101"}}})}}})}};
}

std::string Answer::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (lower(n) == lower(std::string(name))) return v;
  }
  return {};
}

std::vector<std::string> Answer::errorPaths() const {
  std::vector<std::string> out;
  if (json.is_object() && json.contains("errors")) {
    for (const auto& e : json["errors"]) out.push_back(e.value("path", std::string()));
  }
  return out;
}

ApiWorld::ApiWorld(std::size_t bulk_batch) {
  auto parsed = ops::parseConfig(PONTE_SOURCE_DIR "/config/demo.yaml");
  if (!parsed.ok()) throw std::runtime_error("demo.yaml: " + parsed.errors.front().text());
  config = std::move(*parsed.config);
  char tmpl[] = "/tmp/ponte-api-test-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir = tmpl;
  config.storage.path = dir + "/ponte.db";

  ops::CreditorInstitutionConfig altopiano = config.creditor_institutions.front();
  altopiano.fiscal_code = kAltopiano;
  altopiano.name = "Comune di Altopiano";
  altopiano.services.clear();
  config.creditor_institutions.push_back(altopiano);
  for (auto& ec : config.creditor_institutions) {
    const char* key = ec.fiscal_code == kValbruna     ? kValbrunaKey
                      : ec.fiscal_code == kMonteverde ? kMonteverdeKey
                                                      : kAltopianoKey;
    ec.api_keys.push_back({"gestionale", api::AccessTable::sha256Hex(key)});
  }

  const std::string certs = test::testCertificatesDir();
  auto& api = config.api_listener;
  api.enabled = true;
  api.port = 0;
  api.threads = 2;
  api.tls.certificate = certs + "/server.crt";
  api.tls.private_key = certs + "/server.key";
  api.tls.client_ca = certs + "/ca.crt";
  api.tls.client_certificates.push_back({"CN=pagopa-node-dev", {kMonteverde}});
  api.limits.bulk_batch = bulk_batch;
  api.limits.max_bulk_bytes = 64 << 20;
  api.intermediary_keys.push_back(
      {"partner", api::AccessTable::sha256Hex(kPartnerKey), {kValbruna, kMonteverde}});

  store::Error error;
  store::SqliteOptions options;
  options.path = config.storage.path;
  store = store::openSqliteStore(options, &error);
  if (!store) throw std::runtime_error("store: " + error.message);

  api::ApiServiceOptions service_options;
  service_options.limits = api.limits;
  service_options.promote_every = std::chrono::milliseconds(0);
  service = std::make_unique<api::ApiService>(app::buildDirectory(config),
                                              api::AccessTable::fromConfig(config), *store, clock,
                                              service_options, &log_);
  std::string start_error;
  api::ApiService* s = service.get();
  server_ = net::HttpsServer::start(
      app::apiListenerOptions(config, s->maxBodyBytes(), log_),
      [s](net::HttpRequest&& request, net::Reply reply) {
        s->handle(std::move(request), std::move(reply));
      },
      api.threads, &start_error);
  if (!server_) throw std::runtime_error("api listener: " + start_error);
}

ApiWorld::~ApiWorld() {
  server_->stop();
  server_.reset();
  service.reset();
  store.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

namespace {

// The headers of a request: the caller's, its key, the body's type.
test::ClientHeaders requestHeaders(const std::string& body, const CallOptions& options) {
  test::ClientHeaders headers = options.headers;
  if (!options.key.empty()) {
    if (options.bearer) {
      headers.emplace_back("Authorization", "Bearer " + options.key);
    } else {
      headers.emplace_back("Ocp-Apim-Subscription-Key", options.key);
    }
  }
  if (!body.empty()) headers.emplace_back("Content-Type", options.content_type);
  return headers;
}

Answer toAnswer(int status, std::string content_type, std::string body,
                test::ClientHeaders headers) {
  Answer answer;
  answer.status = status;
  answer.content_type = std::move(content_type);
  answer.body = std::move(body);
  answer.headers = std::move(headers);
  if (answer.content_type.find("json") != std::string::npos) {
    answer.json = json::parse(answer.body, nullptr, false);
  }
  return answer;
}

}  // namespace

Answer ApiWorld::rawCall(const std::string& method, const std::string& target,
                         const std::string& body, const CallOptions& options) {
  return wireCall(method, target, body, options);
}

Answer ApiWorld::wireCall(const std::string& method, const std::string& target,
                          const std::string& body, const CallOptions& options) {
  const std::string certs = test::testCertificatesDir();
  test::ClientOptions o;
  o.port = port();
  o.ca_file = certs + "/ca.crt";
  o.timeout_ms = 60'000;
  if (!options.certificate.empty()) {
    o.certificate_file = certs + "/" + options.certificate + ".crt";
    o.private_key_file = certs + "/" + options.certificate + ".key";
  }
  std::string error;
  auto client = test::TlsClient::connect(o, &error);
  if (!client) throw std::runtime_error("connect: " + error);
  const test::ClientHeaders headers = requestHeaders(body, options);
  auto response = client->request(method, target, body, headers, &error);
  if (!response) throw std::runtime_error(method + " " + target + ": " + error);
  return toAnswer(response->status, response->header("Content-Type"), response->body,
                  response->headers);
}

Answer ApiWorld::call(const std::string& method, const std::string& target, const std::string& body,
                      const CallOptions& options) {
  Answer answer = rawCall(method, target, body, options);
  const auto problems = checkAgainstDocument(apiDocument(), method, target, answer);
  INFO(method << " " << target << " -> " << answer.status << " " << answer.body.substr(0, 600));
  INFO("openapi: " << joined(problems));
  CHECK(problems.empty());
  return answer;
}

void ApiWorld::payNotice(const std::string& ec, const std::string& nav, std::int64_t amount,
                         const std::string& receipt_id, const std::string& debtor) {
  store::ReceiptWrite write;
  write.ec_fiscal_code = ec;
  core::Receipt& r = write.receipt;
  r.receipt_id = receipt_id;
  r.notice_number = nav;
  r.fiscal_code = ec;
  r.outcome = "OK";
  r.creditor_reference_id = nav.substr(1);
  r.payment_amount = amount;
  r.description = "Tassa rifiuti 2026";
  r.company_name = "Comune di Valbruna";
  r.debtor.fiscal_code = debtor;
  r.debtor.full_name = "Mario Rossi";
  r.transfers.push_back(
      {1, amount, ec, "", "IT61X0306909606100000012345", "", "TARI", "9/0101100IM/", {}});
  r.id_psp = "BCITITMM";
  r.psp_company_name = "Intesa Sanpaolo";
  r.id_channel = "00799960158_01";
  r.payment_method = "creditCard";
  r.fee = 150;
  r.payment_date_time = "2026-11-22T10:30:00";
  r.application_date = "2026-11-22";
  r.transfer_date = "2026-11-23";
  write.v2 = false;
  write.raw_xml = "<soapenv:Envelope><paSendRTReq><receiptId>" + receipt_id +
                  "</receiptId><noticeNumber>" + nav + "</noticeNumber></paSendRTReq>" +
                  "</soapenv:Envelope>";
  write.received_at_unix_ms = clock.nowUnixMs();
  std::promise<store::Result<store::ReceiptOutcome>> done;
  store->commitReceipt(std::move(write), [&done](store::Result<store::ReceiptOutcome> outcome) {
    done.set_value(std::move(outcome));
  });
  auto outcome = done.get_future().get();
  if (!outcome) throw std::runtime_error("receipt: " + outcome.error().message);
}

std::vector<std::string> checkAgainstDocument(const json& document, const std::string& method,
                                              const std::string& target, const Answer& answer) {
  const std::string path = target.substr(0, target.find('?'));
  const std::string pattern = documentPath(document, path);
  if (pattern.empty()) return {"no path of the document matches " + path};
  const json& item = document["paths"][pattern];
  const std::string m = lower(method);
  if (!item.contains(m)) return {pattern + " has no " + method};
  const json& responses = item[m]["responses"];
  const std::string status = std::to_string(answer.status);
  const json* response = nullptr;
  if (responses.contains(status)) {
    response = &responses[status];
  } else if (responses.contains("default")) {
    response = &responses["default"];
  } else {
    return {method + " " + pattern + " does not document the status " + status};
  }
  if (response->contains("$ref")) {
    // "#/components/responses/Name"
    const std::string ref = (*response)["$ref"];
    response = &document["components"]["responses"][ref.substr(ref.rfind('/') + 1)];
  }
  if (!response->contains("content")) {
    if (answer.body.empty()) return {};
    return {method + " " + pattern + " " + status + " documents no body"};
  }
  const std::string type = lower(answer.content_type.substr(0, answer.content_type.find(';')));
  const json& content = (*response)["content"];
  if (!content.contains(type)) {
    return {method + " " + pattern + " " + status + " does not document " + type};
  }
  if (type.find("json") == std::string::npos) return {};
  if (answer.json.is_discarded()) return {"the body is not JSON"};
  return test::checkAgainstSchema(answer.json, content[type]["schema"], document);
}

std::string joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += "\n  " + p;
  return out;
}

const json& gpdDocument() {
  static const json d = test::loadOpenApi(PONTE_SHARED_DIR "/spec/pagopa-api/openapi/gpd.json");
  return d;
}
const json& gpdPaymentsDocument() {
  static const json d =
      test::loadOpenApi(PONTE_SHARED_DIR "/spec/pagopa-api/openapi/gpd_payments.json");
  return d;
}
const json& apiDocument() {
  static const json d = json::parse(api::ApiService::openApiDocument());
  return d;
}

json schemaRef(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

}  // namespace ponte::apitest
