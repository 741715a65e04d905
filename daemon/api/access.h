// Who may call the back-office API, and for which ECs: API keys (only their SHA-256 is
// configured) and client certificates mapped by subject. Immutable; a reload builds a new one.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_exchange.h"
#include "ops/config.h"

namespace ponte::api {

// An authenticated caller: a name for the log (never the key) and the ECs it may act for.
struct ApiCaller {
  std::string name;              // "key:80015010723/gestionale", "key:partner", "cert:CN=..."
  std::vector<std::string> ecs;  // sorted fiscal codes

  bool mayActFor(std::string_view ec) const;
};

class AccessTable {
 public:
  // The keys of every creditor institution (each enabled for its own EC), the intermediary keys
  // of api_listener (each for its list of ECs) and the client certificates of api_listener.tls.
  // The config must be valid (hashes are 64 hex digits).
  static std::shared_ptr<const AccessTable> fromConfig(const ops::Config& config);

  // The caller of a request, or nullopt (answer 401). A key is read from the
  // Ocp-Apim-Subscription-Key header (GPD's), else from "Authorization: Bearer <key>"; when a
  // key is sent it alone decides, so a wrong key is refused even on a mapped certificate.
  // Without a key, the verified client certificate admits when its subject is mapped. The key's
  // SHA-256 is compared with every configured hash in constant time, whichever matches.
  std::optional<ApiCaller> authenticate(const net::HttpRequest& request) const;

  // The SHA-256 of a key as 64 lower-case hex digits (what the config holds).
  static std::string sha256Hex(std::string_view key);

 private:
  struct Key {
    std::array<unsigned char, 32> hash{};
    ApiCaller caller;
  };
  std::vector<Key> keys_;
  std::map<std::string, ApiCaller, std::less<>> certificates_;
};

}  // namespace ponte::api
