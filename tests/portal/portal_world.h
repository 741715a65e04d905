// A world for the portal's tests: the demo positions of 2026-11-22 in a real SQLite store with a
// fake clock, the back-office listener started by app::ApiEndpoint on a free port, and stand-ins
// for pagoPA Checkout and the fee calculator that check each request against their contracts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "app/api_endpoint.h"
#include "fixture.h"
#include "loopback_service.h"
#include "ops/log.h"

namespace ponte::portaltest {

inline constexpr const char* kValbrunaKey = "valbruna-portal-key";
inline constexpr const char* kMonteverdeKey = "monteverde-portal-key";
inline constexpr const char* kPartnerKey = "partner-portal-key";  // Valbruna + Monteverde

struct WorldOptions {
  bool checkout = true;
  bool calculator = true;
  bool catalogue = false;           // tests/upstream/catalogue-sample.xml
  int fee_timeout_ms = 400;         // the calculator's deadline
  bool default_return_urls = true;  // Valbruna has return_urls in its config
};

struct Answer {
  int status = 0;
  std::string content_type;
  std::string body;
  nlohmann::json json;
  std::string location;
  std::string retry_after;
};

class PortalWorld {
 public:
  explicit PortalWorld(WorldOptions options = {});
  ~PortalWorld();

  // One request on a new TLS connection, with the key (none when empty).
  Answer call(const std::string& method, const std::string& target, const std::string& body = "",
              const std::string& key = kValbrunaKey);

  // Applies fixture.config as a configuration reload would.
  void reload() { endpoint_->applyReload(fixture.config); }

  testing::Fixture fixture;
  test::LoopbackService checkout;
  test::LoopbackService calculator;

 private:
  ops::Logger log_{ops::LogLevel::kError};
  std::unique_ptr<app::ApiEndpoint> endpoint_;
  std::uint16_t port_ = 0;
};

// {"notices": [...]} for these notice numbers of the EC, with `extra` fields merged in.
std::string cartBody(const std::vector<std::string>& navs,
                     const std::string& ec = testing::kValbruna,
                     const nlohmann::json& extra = nlohmann::json::object());

}  // namespace ponte::portaltest
