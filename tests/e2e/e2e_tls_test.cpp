// The node listener over real mutual TLS: only the node's certificate is served, and one
// kept-alive connection carries many requests.
#include <catch2/catch.hpp>

#include <signal.h>

#include "ponte_process.h"

using namespace ponte;
using namespace ponte::e2e;

TEST_CASE("only a client certificate of the configured CA is served", "[e2e]") {
  PonteProcess ponte;
  ponte.start();
  const std::string certs = test::testCertificatesDir();
  const std::string verify = goldenRequest("paVerifyPaymentNotice", "ok");

  SECTION("no client certificate: refused") {
    test::ClientOptions o = ponte.nodeClient();
    o.certificate_file.clear();
    o.private_key_file.clear();
    std::string error;
    auto client = test::TlsClient::connect(o, &error);
    // With TLS 1.3 the refusal may arrive after the client's handshake: then no response comes.
    if (client) CHECK_FALSE(postSoap(*client, "paVerifyPaymentNotice", verify));
  }
  SECTION("a certificate of another CA: refused") {
    test::ClientOptions o = ponte.nodeClient();
    o.certificate_file = certs + "/other-client.crt";
    o.private_key_file = certs + "/other-client.key";
    auto client = test::TlsClient::connect(o);
    if (client) CHECK_FALSE(postSoap(*client, "paVerifyPaymentNotice", verify));
  }
  SECTION("the node's certificate: served, many requests on one connection") {
    std::string error;
    auto client = test::TlsClient::connect(ponte.nodeClient(), &error);
    REQUIRE(client);
    for (int i = 0; i < 20; ++i) {
      auto response = postSoap(*client, "paVerifyPaymentNotice", verify);
      REQUIRE(response);
      CHECK(response->status == 200);
      CHECK(response->body.find("<outcome>OK</outcome>") != std::string::npos);
      CHECK(response->body.find("<amount>120.00</amount>") != std::string::npos);
    }
    // TLS 1.2 works too.
    test::ClientOptions o = ponte.nodeClient();
    o.max_tls_version = TLS1_2_VERSION;
    auto tls12 = test::TlsClient::connect(o, &error);
    REQUIRE(tls12);
    CHECK(tls12->protocol() == "TLSv1.2");
    auto response = postSoap(*tls12, "paGetPaymentV2", goldenRequest("paGetPaymentV2", "ok"));
    REQUIRE(response);
    CHECK(response->body.find("<paymentAmount>120.00</paymentAmount>") != std::string::npos);
  }
  CHECK(ponte.stop(SIGTERM) == 0);
}
