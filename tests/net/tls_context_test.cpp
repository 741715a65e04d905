// The OpenSSL context on its own: fingerprint normalization and what checkTlsOptions reports.
#include <catch2/catch.hpp>

#include "net/tls_context.h"
#include "net_fixture.h"

using namespace ponte::net;
using ponte::net::testing::certPath;

TEST_CASE("fingerprints are normalized to 64 lowercase hex digits", "[unit]") {
  const std::string lower(64, 'a');
  CHECK(normalizeFingerprint(lower) == lower);
  CHECK(normalizeFingerprint(std::string(64, 'A')) == lower);
  std::string colons;
  std::string expected;
  for (int i = 0; i < 32; ++i) {
    colons += (i > 0 ? ":" : "") + std::string("AB");
    expected += "ab";
  }
  CHECK(normalizeFingerprint(colons) == expected);
  CHECK(normalizeFingerprint(std::string(63, 'a')).empty());
  CHECK(normalizeFingerprint(std::string(65, 'a')).empty());
  CHECK(normalizeFingerprint(std::string(63, 'a') + "g").empty());
  CHECK(normalizeFingerprint("").empty());
}

TEST_CASE("checkTlsOptions accepts the development set and names files at fault", "[e2e]") {
  TlsOptions options;
  options.certificate_file = certPath("server.crt");
  options.private_key_file = certPath("server.key");
  options.client_ca_file = certPath("ca.crt");
  std::string error;
  CHECK(checkTlsOptions(options, &error));
  CHECK(error.empty());

  options.private_key_file = certPath("other-client.key");
  CHECK_FALSE(checkTlsOptions(options, &error));
  CHECK_THAT(error, Catch::Contains("other-client.key") && Catch::Contains("does not match"));

  options.private_key_file = certPath("server.key");
  options.client_ca_file = certPath("server.key");  // a key is not a certificate
  CHECK_FALSE(checkTlsOptions(options, &error));
  CHECK_THAT(error, Catch::Contains("server.key"));
}
