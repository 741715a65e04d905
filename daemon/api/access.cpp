// API keys by SHA-256 with constant-time comparison, and client certificates by subject.
#include "api/access.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>

namespace ponte::api {
namespace {

std::array<unsigned char, 32> digest(std::string_view key) {
  std::array<unsigned char, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), out.data());
  return out;
}

std::array<unsigned char, 32> fromHex(const std::string& hex) {
  std::array<unsigned char, 32> out{};
  const auto nibble = [](char c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
  };
  for (std::size_t i = 0; i < out.size() && 2 * i + 1 < hex.size(); ++i) {
    out[i] = static_cast<unsigned char>(nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1]));
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// The key a request carries, or "" when it carries none.
std::string presentedKey(const net::HttpRequest& request) {
  std::string key = trim(request.header("Ocp-Apim-Subscription-Key"));
  if (!key.empty()) return key;
  const std::string authorization = trim(request.header("Authorization"));
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() > kBearer.size()) {
    std::string scheme = authorization.substr(0, kBearer.size());
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme == kBearer) return trim(std::string_view(authorization).substr(kBearer.size()));
  }
  return {};
}

}  // namespace

bool ApiCaller::mayActFor(std::string_view ec) const {
  return std::binary_search(ecs.begin(), ecs.end(), ec);
}

std::string AccessTable::sha256Hex(std::string_view key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest(key)) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::shared_ptr<const AccessTable> AccessTable::fromConfig(const ops::Config& config) {
  auto table = std::make_shared<AccessTable>();
  for (const auto& ec : config.creditor_institutions) {
    for (const auto& k : ec.api_keys) {
      table->keys_.push_back({fromHex(k.sha256), {"key:" + ec.fiscal_code + "/" + k.name, {ec.fiscal_code}}});
    }
  }
  const auto sorted = [](std::vector<std::string> ecs) {
    std::sort(ecs.begin(), ecs.end());
    return ecs;
  };
  for (const auto& k : config.api_listener.intermediary_keys) {
    table->keys_.push_back({fromHex(k.sha256), {"key:" + k.name, sorted(k.creditor_institutions)}});
  }
  for (const auto& c : config.api_listener.tls.client_certificates) {
    table->certificates_.emplace(c.subject,
                                 ApiCaller{"cert:" + c.subject, sorted(c.creditor_institutions)});
  }
  return table;
}

std::optional<ApiCaller> AccessTable::authenticate(const net::HttpRequest& request) const {
  const std::string key = presentedKey(request);
  if (!key.empty()) {
    const std::array<unsigned char, 32> hash = digest(key);
    // Every configured hash is compared, with no early exit, so the time does not tell which
    // key (or how much of one) matched.
    const Key* match = nullptr;
    for (const Key& k : keys_) {
      const bool equal = CRYPTO_memcmp(hash.data(), k.hash.data(), hash.size()) == 0;
      match = equal ? &k : match;
    }
    if (match == nullptr) return std::nullopt;
    return match->caller;
  }
  if (request.peer.subject.empty()) return std::nullopt;
  auto it = certificates_.find(request.peer.subject);
  if (it == certificates_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ponte::api
