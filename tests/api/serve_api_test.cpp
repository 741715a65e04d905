// The back-office API of a real `ponte serve`: api_listener enabled in its config, positions
// loaded over HTTP and with `ponte positions import`, a receipt delivered by the node read back
// with its original XML, and the node path answering while a bulk import runs.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <regex>

#include "api/access.h"
#include "api_world.h"
#include "core/clock.h"
#include "ponte_process.h"

using namespace ponte;
using namespace ponte::apitest;
using nlohmann::json;

namespace {

// Adds an enabled api_listener (port 0, the test certificates, the partner key) to the config.
void enableApi(e2e::PonteProcess& ponte) {
  const std::string certs = test::testCertificatesDir();
  std::ofstream yaml(ponte.dir() + "/ponte.yaml", std::ios::app);
  yaml << "\napi_listener:\n"
       << "  enabled: true\n"
       << "  port: 0\n"
       << "  tls:\n"
       << "    certificate: \"" << certs << "/server.crt\"\n"
       << "    private_key: \"" << certs << "/server.key\"\n"
       << "  intermediary_keys:\n"
       << "    - name: partner\n"
       << "      sha256: \"" << api::AccessTable::sha256Hex(kPartnerKey) << "\"\n"
       << "      creditor_institutions: [\"80015010723\", \"83000390019\"]\n";
}

std::uint16_t apiPort(const e2e::PonteProcess& ponte) {
  for (const auto& line : ponte.logLines()) {
    if (line.find("ponte.ready") == std::string::npos) continue;
    std::smatch m;
    if (std::regex_search(line, m, std::regex("api_listener=127\\.0\\.0\\.1:([0-9]+)"))) {
      return static_cast<std::uint16_t>(std::stoi(m[1]));
    }
  }
  return 0;
}

struct ApiClient {
  std::uint16_t port;
  Answer call(const std::string& method, const std::string& target, const std::string& body = "",
              const std::string& content_type = "application/json") const {
    test::ClientOptions o;
    o.port = port;
    o.ca_file = test::testCertificatesDir() + "/ca.crt";
    o.timeout_ms = 60'000;
    auto client = test::TlsClient::connect(o);
    REQUIRE(client);
    test::ClientHeaders headers = {{"Ocp-Apim-Subscription-Key", kPartnerKey}};
    if (!body.empty()) headers.emplace_back("Content-Type", content_type);
    auto r = client->request(method, target, body, headers);
    REQUIRE(r);
    Answer a;
    a.status = r->status;
    a.content_type = r->header("Content-Type");
    a.body = r->body;
    if (a.content_type.find("json") != std::string::npos)
      a.json = json::parse(a.body, nullptr, false);
    const auto problems = checkAgainstDocument(apiDocument(), method, target, a);
    INFO("openapi: " << joined(problems));
    CHECK(problems.empty());
    return a;
  }
};

// A due date two months from the real today (the daemon runs on the system clock).
std::string dueIn60Days() {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return core::romeDate(now).plusDays(60).iso() + "T23:59:59";
}

std::string ndjson(int from, int count, int bad_every, const std::string& due) {
  std::string out;
  for (int i = from; i < from + count; ++i) {
    json p = gpdPosition("SRV-" + std::to_string(i), iuvOf("01", 500'000 + i), 10000,
                         "RSSMRA80A01H501U", due);
    if (bad_every && i % bad_every == 0) p["paymentOption"][0]["transfer"][0]["iban"] = "IT00X";
    out += p.dump() + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("ponte serve runs the API listener: positions, CLI import, receipts from the node",
          "[api][e2e]") {
  e2e::PonteProcess ponte;
  enableApi(ponte);
  ponte.start();
  const ApiClient api{apiPort(ponte)};
  REQUIRE(api.port != 0);
  const std::string due = dueIn60Days();

  // A position created over HTTP is the node's to verify.
  Answer created = api.call(
      "POST", "/organizations/80015010723/debtpositions?toPublish=true",
      gpdPosition("SRV-HTTP", iuvOf("01", 900'001), 10000, "RSSMRA80A01H501U", due).dump());
  REQUIRE(created.status == 201);
  CHECK(created.json["status"] == "VALID");

  // The CLI import of a file with bad lines: each reported, the rest stored, exit 65.
  const std::string file = ponte.dir() + "/positions.ndjson";
  std::ofstream(file) << ndjson(0, 200, 50, due);
  std::string output;
  CHECK(ponte.runCli({"positions", "import", "--ec", "80015010723", file}, &output) == 65);
  CHECK(output.find("imported 196 positions into 80015010723 (196 created") != std::string::npos);
  CHECK(output.find(file + ":1 iupd SRV-0: paymentOption[0].transfer[0].iban") !=
        std::string::npos);
  CHECK(output.find(file + ":151 iupd SRV-150") != std::string::npos);
  // Again: nothing changes.
  CHECK(ponte.runCli({"positions", "import", "--ec", "80015010723", file}, &output) == 65);
  CHECK(output.find("(0 created, 0 updated, 196 unchanged), 4 rejected") != std::string::npos);
  CHECK(api.call("GET", "/organizations/80015010723/debtpositions/SRV-1").status == 200);

  // CSV, found by the file's extension: one good position, one with a bad amount.
  const std::string csv = ponte.dir() + "/positions.csv";
  std::ofstream(csv)
      << "iupd,type,fiscalCode,fullName,iuv,amount,description,dueDate,category,iban\n"
      << "CSV-OK,F,RSSMRA80A01H501U,Mario Rossi," << iuvOf("01", 900'100)
      << ",2500,Mensa,2099-12-31,9/0101100IM/,IT61X0306909606100000012345\n"
      << "CSV-KO,F,RSSMRA80A01H501U,Mario Rossi," << iuvOf("01", 900'101)
      << ",-5,Mensa,2099-12-31,9/0101100IM/,IT61X0306909606100000012345\n";
  CHECK(ponte.runCli({"positions", "import", "--ec", "80015010723", csv}, &output) == 65);
  CHECK(output.find("imported 1 positions") != std::string::npos);
  CHECK(output.find(csv + ":3 iupd CSV-KO") != std::string::npos);
  CHECK(api.call("GET", "/organizations/80015010723/debtpositions/CSV-OK").status == 200);

  // A receipt the node delivers is read back through the API with its original XML.
  auto node = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(node);
  const std::string rt = e2e::goldenRequest("paSendRT", "ok");
  auto sent = e2e::postSoap(*node, "paSendRT", rt);
  REQUIRE(sent);
  REQUIRE(sent->status == 200);
  REQUIRE(sent->body.find("<outcome>OK</outcome>") != std::string::npos);
  Answer xml = api.call("GET", "/payments/80015010723/receipts/01000000000012373");
  REQUIRE(xml.status == 200);
  CHECK(xml.body == rt);
  Answer detail = api.call("GET", "/ponte/v1/organizations/80015010723/receipts/01000000000012373");
  REQUIRE(detail.status == 200);
  CHECK(detail.json["receipts"][0]["xml"] == rt);
  CHECK(ponte.stop(SIGTERM) == 0);
}

TEST_CASE("the node path keeps answering while a bulk import runs", "[api][e2e][slow]") {
  e2e::PonteProcess ponte;
  enableApi(ponte);
  ponte.start();
  const ApiClient api{apiPort(ponte)};
  REQUIRE(api.port != 0);
  const std::string body = ndjson(0, 20'000, 100, dueIn60Days());

  auto import = std::async(std::launch::async, [&] {
    return api.call("POST", "/organizations/80015010723/debtpositions/bulk", body,
                    "application/x-ndjson");
  });
  auto node = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(node);
  const std::string verify = e2e::goldenRequest("paVerifyPaymentNotice", "ok");
  std::vector<double> ms;
  while (import.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
    const auto started = std::chrono::steady_clock::now();
    auto r = e2e::postSoap(*node, "paVerifyPaymentNotice", verify);
    REQUIRE(r);
    CHECK(r->status == 200);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
  }
  const Answer done = import.get();
  REQUIRE(done.status == 200);
  CHECK(done.json["created"] == 19'800);
  CHECK(done.json["rejected"] == 200);
  REQUIRE(ms.size() >= 5);
  std::sort(ms.begin(), ms.end());
  const double p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  WARN("paVerifyPaymentNotice during a 20 000-position import: "
       << ms.size() << " requests, p50 " << ms[ms.size() / 2] << " ms, p99 " << p99 << " ms");
  CHECK(p99 < 1000);
  CHECK(ponte.stop(SIGTERM) == 0);
}
