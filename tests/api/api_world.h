// A ready back-office API for tests: the demo configuration with API keys, an intermediary key,
// a client certificate and a third EC; a fresh SQLite store in a temp dir; a fake clock on
// 2026-11-22; the real ApiService behind a real HTTPS listener on loopback; a client that checks
// every answer against the API's own OpenAPI document.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_service.h"
#include "core/clock.h"
#include "net/https_server.h"
#include "ops/config.h"
#include "ops/log.h"
#include "store/store.h"
#include "support/tls_client.h"

namespace ponte::apitest {

// Noon in Rome on 2026-11-22.
inline constexpr std::int64_t kNowMs = 1'795'345'200'000;

inline constexpr const char* kValbruna = "80015010723";    // station 01, segregation code 01
inline constexpr const char* kMonteverde = "83000390019";  // station 02, segregation code 02
inline constexpr const char* kAltopiano = "01199250158";   // station 01, no key but its own

// API keys in clear (the config holds their SHA-256).
inline constexpr const char* kValbrunaKey = "valbruna-tributi-key";
inline constexpr const char* kMonteverdeKey = "monteverde-anagrafe-key";
inline constexpr const char* kAltopianoKey = "altopiano-key";
inline constexpr const char* kPartnerKey = "partner-intermediary-key";  // Valbruna + Monteverde

// An IUV of the segregation code ("01" or "02") with a 13-digit base made from n.
std::string iuvOf(const std::string& segregation, std::uint64_t n);
// Its notice number (aux digit 3).
std::string navOf(const std::string& iuv);

// A GPD PaymentPositionModel with one option of `amount` cents in two transfers (80/20).
nlohmann::json gpdPosition(const std::string& iupd, const std::string& iuv,
                           std::int64_t amount = 10000,
                           const std::string& debtor = "RSSMRA80A01H501U",
                           const std::string& due = "2026-12-31T23:59:59.999Z");

struct Answer {
  int status = 0;
  std::string content_type;
  std::string body;
  nlohmann::json json;  // the body parsed when it is JSON, else null
  test::ClientHeaders headers;
  std::string header(std::string_view name) const;
  // The "path" of each entry of a problem's "errors".
  std::vector<std::string> errorPaths() const;
};

struct CallOptions {
  std::string key = kValbrunaKey;  // "" sends no key
  bool bearer = false;             // send the key as Authorization: Bearer
  std::string content_type = "application/json";
  test::ClientHeaders headers;
  std::string certificate;  // client certificate file name in the test certs dir ("node-client")
};

class ApiWorld {
 public:
  // promote_every zero: the lifecycle thread is not started (tests call promoteDuePositions).
  explicit ApiWorld(std::size_t bulk_batch = 1000);
  ~ApiWorld();

  // One request on a new TLS connection. Every answer is checked against the OpenAPI document
  // the service serves (the route, the status and its schema); a mismatch fails the test.
  // PUT and DELETE are handed to the service in process (ApiService::handle, the request built
  // as the listener builds it) because net::HttpsServer answers 405 to every method but GET
  // and POST before the handler sees them; "the listener passes PUT and DELETE" shows it.
  Answer call(const std::string& method, const std::string& target, const std::string& body = "",
              const CallOptions& options = {});
  // The same without the check (for answers the document deliberately does not describe).
  Answer rawCall(const std::string& method, const std::string& target, const std::string& body,
                 const CallOptions& options);
  // Over TLS, through the listener.
  Answer wireCall(const std::string& method, const std::string& target, const std::string& body,
                  const CallOptions& options);

  // Commits a receipt paying the notice through the store, as the node path does.
  void payNotice(const std::string& ec, const std::string& nav, std::int64_t amount,
                 const std::string& receipt_id, const std::string& debtor);

  std::uint16_t port() const { return server_->port(); }
  ops::Config config;
  std::string dir;
  core::FakeClock clock{kNowMs};
  std::unique_ptr<store::Store> store;
  std::unique_ptr<api::ApiService> service;

 private:
  ops::Logger log_{ops::LogLevel::kError};
  std::unique_ptr<net::HttpsServer> server_;
};

// Every way an answer breaks the API's OpenAPI document: the route (METHOD and the path of
// `target`) must be there, the status documented, and a JSON body valid against its schema.
std::vector<std::string> checkAgainstDocument(const nlohmann::json& document,
                                              const std::string& method, const std::string& target,
                                              const Answer& answer);

// The problems one per line, for a test's message.
std::string joined(const std::vector<std::string>& problems);

// The official documents.
const nlohmann::json& gpdDocument();
const nlohmann::json& gpdPaymentsDocument();
const nlohmann::json& apiDocument();

// The schema of a component of a document ("#/components/schemas/<name>").
nlohmann::json schemaRef(const std::string& name);

}  // namespace ponte::apitest
