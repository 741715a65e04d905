// XML built to exhaust a parser (entity bombs, deep nesting, huge values, broken UTF-8) sent to
// the real daemon: each is refused with its own fault and description, over and over, while the
// daemon keeps answering, its memory stays flat and the store does not change.
#include <catch2/catch.hpp>

#include <signal.h>

#include <string>
#include <vector>

#include "db_snapshot.h"
#include "hostile_daemon.h"

using namespace ponte;
using namespace ponte::hostile;

namespace {

constexpr const char* kVerify = "paVerifyPaymentNotice";
constexpr const char* kIdPa = "<idPA>80015010723</idPA>";
constexpr long kMaxGrowthKiB = 20 * 1024;

std::string replaceOnce(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("golden request has no " + from);
  return text.replace(at, from.size(), to);
}

// The verify request with a DTD right after the XML declaration and `value` as its idPA.
std::string withDtd(const std::string& dtd, const std::string& value) {
  const std::string request = e2e::goldenRequest(kVerify, "ok");
  const auto prolog_end = request.find("?>") + 2;
  std::string body = request.substr(0, prolog_end) + "\n" + dtd + request.substr(prolog_end);
  return replaceOnce(body, kIdPa, "<idPA>" + value + "</idPA>");
}

// Ten levels of ten references each: 10^9 "lol" once expanded.
std::string billionLaughs() {
  std::string dtd = "<!DOCTYPE soapenv:Envelope [\n  <!ENTITY lol0 \"lol\">\n";
  for (int level = 1; level <= 9; ++level) {
    dtd += "  <!ENTITY lol" + std::to_string(level) + " \"";
    for (int i = 0; i < 10; ++i) dtd += "&lol" + std::to_string(level - 1) + ";";
    dtd += "\">\n";
  }
  dtd += "]>";
  return withDtd(dtd, "&lol9;");
}

// One 64 KiB entity referenced 12 000 times: 750 MiB once expanded, from a 100 KiB body.
std::string quadraticBlowup() {
  const std::string dtd =
      "<!DOCTYPE soapenv:Envelope [<!ENTITY a \"" + std::string(64 * 1024, 'a') + "\">]>";
  std::string refs;
  for (int i = 0; i < 12000; ++i) refs += "&a;";
  return withDtd(dtd, refs);
}

std::string externalEntity() {
  return withDtd("<!DOCTYPE soapenv:Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>", "&x;");
}

// 10 000 nested elements in the SOAP Header, whose content the schema leaves free: only the
// depth limit can refuse it.
std::string deepNesting() {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "<d>";
  for (int i = 0; i < 10000; ++i) deep += "</d>";
  return replaceOnce(e2e::goldenRequest(kVerify, "ok"), "<soapenv:Header/>",
                     "<soapenv:Header>" + deep + "</soapenv:Header>");
}

std::string hugeAttribute(const std::string& tag) {
  return replaceOnce(e2e::goldenRequest(kVerify, "ok"), "<" + tag,
                     "<" + tag + " big=\"" + std::string(900 * 1024, 'x') + "\"");
}

std::string hugeHeaderText() {
  return replaceOnce(e2e::goldenRequest(kVerify, "ok"), "<soapenv:Header/>",
                     "<soapenv:Header><note>" + std::string(900 * 1024, 'x') +
                         "</note></soapenv:Header>");
}

std::string idPa(const std::string& value) {
  return replaceOnce(e2e::goldenRequest(kVerify, "ok"), kIdPa, "<idPA>" + value + "</idPA>");
}

struct Case {
  std::string name;
  std::string body;
  std::string fault;
  std::string description;  // a part of the fault's description that names the reason
};

std::vector<Case> hostileCases() {
  const std::string extra = "PAA_SINTASSI_EXTRAXSD";
  return {
      {"billion laughs", billionLaughs(), extra, "DTD not allowed"},
      {"quadratic blow-up", quadraticBlowup(), extra, "DTD not allowed"},
      {"external entity", externalEntity(), extra, "DTD not allowed"},
      {"10 000-deep nesting", deepNesting(), extra, "nested deeper than 32"},
      {"900 KiB attribute on the Envelope", hugeAttribute("soapenv:Envelope"), extra,
       "longer than 4096"},
      {"900 KiB attribute on the Header", hugeAttribute("soapenv:Header"), extra,
       "longer than 4096"},
      {"900 KiB attribute in the payload", hugeAttribute("idPA"), extra, "longer than 4096"},
      {"900 KiB text in a value", idPa(std::string(900 * 1024, '8')), extra, "longer than 4096"},
      {"900 KiB of references in a value", idPa([] {
         std::string refs;
         for (int i = 0; i < 180 * 1024; ++i) refs += "&amp;";
         return refs;
       }()),
       extra, "longer than 4096"},
      {"900 KiB text in the Header", hugeHeaderText(), extra, "longer than 4096"},
      {"UTF-8: bad continuation byte", idPa("8001\xC3\x28"), extra, "invalid UTF-8"},
      {"UTF-8: overlong encoding", idPa("8001\xC0\xAF"), extra, "invalid UTF-8"},
      {"UTF-8: surrogate", idPa("8001\xED\xA0\x80"), extra, "invalid UTF-8"},
      {"UTF-8: beyond U+10FFFF", idPa("8001\xF4\x90\x80\x80"), extra, "invalid UTF-8"},
      {"UTF-8: byte 0xFF", idPa("8001\xFF"), extra, "invalid UTF-8"},
      {"UTF-8: sequence cut short", idPa("8001\xE2\x82"), extra, "invalid UTF-8"},
  };
}

}  // namespace

TEST_CASE("XML bombs, deep nesting, huge values and bad UTF-8 get their fault", "[hostile]") {
  e2e::PonteProcess ponte;
  ponte.start();
  const std::string before = e2e::snapshot(ponte.database());
  const std::vector<Case> cases = hostileCases();
  auto client = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(client);

  // Each round sends every case on one kept-alive connection: a refusal must not cost the
  // connection. The first round warms the daemon's allocator up; then memory must stay flat.
  auto round = [&] {
    for (const auto& c : cases) {
      INFO(c.name);
      auto r = e2e::postSoap(*client, kVerify, c.body);
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body.find("paVerifyPaymentNoticeRes") != std::string::npos);
      CHECK(r->body.find("<outcome>KO</outcome>") != std::string::npos);
      CHECK(faultCode(r->body) == c.fault);
      CHECK(element(r->body, "description").find(c.description) != std::string::npos);
      // What was sent never comes back: the description is short.
      CHECK(r->body.size() < 2048);
    }
  };
  round();
  const long warm = residentKiB(ponte.pid());
  REQUIRE(warm > 0);
  for (int i = 0; i < 10; ++i) round();
  const long after = residentKiB(ponte.pid());
  INFO("VmRSS after warm-up " << warm << " KiB, after 10 rounds " << after << " KiB");
  CHECK(after - warm < kMaxGrowthKiB);

  CHECK(alive(ponte.pid()));
  CHECK(answersVerify(ponte));
  CHECK(e2e::snapshot(ponte.database()) == before);
  CHECK(ponte.stop(SIGTERM) == 0);
}
