// SIGHUP under load: a rotated certificate takes effect for new handshakes with no failed
// request, and a broken configuration is refused while the old one keeps serving.
#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "ponte_process.h"

using namespace ponte;
using namespace ponte::e2e;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// A new server certificate from the development CA, as an operator rotating it would get.
void makeServerCertificate(const std::string& dir, const std::string& name) {
  const std::string ca = test::testCertificatesDir();
  const std::string cmd =
      "cd '" + dir +
      "' && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext && "
      "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost "
      "-keyout " +
      name + ".key -out " + name +
      ".csr 2>/dev/null && "
      "openssl x509 -req -in " +
      name + ".csr -CA '" + ca + "/ca.crt' -CAkey '" + ca +
      "/ca.key' "
      "-set_serial 4242 -days 30 -extfile san.ext -out " +
      name + ".crt 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
}

}  // namespace

TEST_CASE("a certificate rotated by SIGHUP under load fails no request", "[e2e]") {
  PonteProcess ponte;
  ponte.start();
  auto first = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(first);
  const std::string old_fingerprint = first->serverCertificateSha256();
  const std::string verify = goldenRequest("paVerifyPaymentNotice", "ok");

  // Load: kept-alive connections, and fresh connections (new handshakes) in a loop.
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 3; ++t) {
    load.emplace_back([&, t] {
      std::unique_ptr<test::TlsClient> client;
      while (!stop) {
        if (!client || t == 2) client = test::TlsClient::connect(ponte.nodeClient());
        auto r = client ? postSoap(*client, "paVerifyPaymentNotice", verify) : std::nullopt;
        if (r && r->status == 200 && r->body.find("<outcome>OK</outcome>") != std::string::npos) {
          ++ok;
        } else {
          ++failed;
          client.reset();
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  makeServerCertificate(ponte.dir(), "rotated");
  const std::string certs = test::testCertificatesDir();
  std::string config = readFile(ponte.dir() + "/ponte.yaml");
  replaceAll(config, certs + "/server.crt", ponte.dir() + "/rotated.crt");
  replaceAll(config, certs + "/server.key", ponte.dir() + "/rotated.key");
  std::ofstream(ponte.dir() + "/ponte.yaml") << config;
  kill(ponte.pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  // A broken configuration: refused, still serving with what it had.
  std::ofstream(ponte.dir() + "/ponte.yaml") << config << "\nnot_a_key: 1\n";
  kill(ponte.pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  for (auto& t : load) t.join();

  CHECK(failed == 0);
  CHECK(ok > 50);
  auto fresh = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(fresh);
  CHECK(fresh->serverCertificateSha256() != old_fingerprint);
  REQUIRE(postSoap(*fresh, "paVerifyPaymentNotice", verify));
  // The connection opened before the rotation still works.
  auto still = postSoap(*first, "paVerifyPaymentNotice", verify);
  REQUIRE(still);
  CHECK(still->status == 200);

  bool reloaded = false, refused = false;
  for (const auto& line : ponte.logLines()) {
    reloaded = reloaded || line.find("config.reloaded") != std::string::npos;
    refused = refused || (line.find("config.reload_refused") != std::string::npos &&
                          line.find("not_a_key") != std::string::npos);
  }
  CHECK(reloaded);
  CHECK(refused);
  CHECK(ponte.stop(SIGTERM) == 0);
}
