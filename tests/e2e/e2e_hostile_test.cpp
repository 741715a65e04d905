// Hostile and malformed requests against the running daemon: each gets its specific error, the
// daemon stays up and the store is unchanged.
#include <catch2/catch.hpp>

#include <signal.h>

#include "db_snapshot.h"
#include "ponte_process.h"

using namespace ponte;
using namespace ponte::e2e;

namespace {

std::string faultCode(const std::string& body) {
  const auto start = body.find("<faultCode>");
  if (start == std::string::npos) return "";
  return body.substr(start + 11, body.find("</faultCode>") - start - 11);
}

std::string replaceOnce(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("hostile input gets specific errors and changes nothing", "[e2e]") {
  PonteProcess ponte;
  ponte.start();
  const std::string before = snapshot(ponte.database());
  auto client = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(client);

  // Prefix variants are served.
  for (const char* kase : {"ok", "ok-other-prefix", "ok-default-namespace"}) {
    auto r = postSoap(*client, "paVerifyPaymentNotice", goldenRequest("paVerifyPaymentNotice", kase));
    REQUIRE(r);
    CHECK(r->body.find("<outcome>OK</outcome>") != std::string::npos);
  }

  const std::string receipt = goldenRequest("paSendRTV2", "ok");
  struct Case {
    const char* name;
    std::string action;
    std::string body;
    const char* fault;
  };
  // 200 levels in the SOAP Header, whose content is free: only the depth limit can refuse it.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "<d>";
  for (int i = 0; i < 200; ++i) deep += "</d>";
  const std::vector<Case> cases = {
      {"wrong namespace", "paSendRTV2", goldenRequest("paSendRTV2", "bad-namespace"), "PAA_SINTASSI_XSD"},
      {"root and SOAPAction differ", "paSendRTV2", goldenRequest("paSendRTV2", "bad-root-mismatch"), "PAA_SINTASSI_XSD"},
      {"DOCTYPE", "paSendRTV2", goldenRequest("paSendRTV2", "bad-doctype"), "PAA_SINTASSI_EXTRAXSD"},
      {"amount 1e5", "paSendRTV2", replaceOnce(receipt, "<paymentAmount>120.00</paymentAmount>", "<paymentAmount>1e5</paymentAmount>"), "PAA_SINTASSI_XSD"},
      {"200-deep nesting", "paSendRTV2", replaceOnce(receipt, "<soapenv:Header/>", "<soapenv:Header>" + deep + "</soapenv:Header>"), "PAA_SINTASSI_EXTRAXSD"},
      {"missing element", "paSendRTV2", goldenRequest("paSendRTV2", "bad-missing-element"), "PAA_SINTASSI_XSD"},
      {"not XML", "paSendRTV2", "this is not xml", "PAA_SINTASSI_XSD"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = postSoap(*client, c.action, c.body);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(faultCode(r->body) == c.fault);
  }

  // A 2 MiB body is refused by the listener before anything reads it.
  auto big_client = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(big_client);
  auto big = postSoap(*big_client, "paSendRTV2", receipt + std::string(2 * 1024 * 1024, ' '));
  REQUIRE(big);
  CHECK(big->status == 413);

  // An unknown SOAPAction is a SOAP Fault.
  auto unknown = postSoap(*client, "paSomethingElse", receipt);
  REQUIRE(unknown);
  CHECK(unknown->status == 500);
  CHECK(unknown->body.find("Fault") != std::string::npos);

  // Still serving, nothing stored.
  auto r = postSoap(*client, "paVerifyPaymentNotice", goldenRequest("paVerifyPaymentNotice", "ok"));
  REQUIRE(r);
  CHECK(r->body.find("<outcome>OK</outcome>") != std::string::npos);
  CHECK(snapshot(ponte.database()) == before);
  CHECK(ponte.stop(SIGTERM) == 0);
}
