// Operating the daemon: the systemd notifications in order, the admin endpoints, and metrics
// that move with traffic.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include <nlohmann/json.hpp>

#include "../ops/prometheus_text.h"
#include "ponte_process.h"

using namespace ponte;
using namespace ponte::e2e;

namespace {

// The datagram socket systemd would listen on.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& dir) : path_(dir + "/notify.sock") {
    fd_ = socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path_.c_str(), sizeof a.sun_path - 1);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NotifySocket() { close(fd_); }
  const std::string& path() const { return path_; }
  // The next message that is not a watchdog ping, counting the pings seen on the way.
  std::string next(int* watchdogs = nullptr) {
    for (;;) {
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return "";
      std::string m(buf, static_cast<std::size_t>(n));
      if (m == "WATCHDOG=1") {
        if (watchdogs) ++*watchdogs;
        continue;
      }
      return m;
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
};

std::optional<test::ClientResponse> adminGet(const PonteProcess& ponte, const std::string& path) {
  test::ClientOptions o;
  o.port = ponte.adminPort();
  o.tls = false;
  auto client = test::TlsClient::connect(o);
  if (!client) return std::nullopt;
  return client->request("GET", path);
}

}  // namespace

TEST_CASE("systemd hears READY, WATCHDOG, RELOADING and STOPPING in order", "[e2e]") {
  PonteProcess ponte;
  NotifySocket notify(ponte.dir());
  ponte.environment = {"NOTIFY_SOCKET=" + notify.path(), "WATCHDOG_USEC=200000"};
  ponte.start();
  CHECK(notify.next().rfind("READY=1\nSTATUS=serving 2 creditor institutions", 0) == 0);

  int watchdogs = 0;
  kill(ponte.pid(), SIGHUP);
  CHECK(notify.next(&watchdogs).rfind("RELOADING=1\nMONOTONIC_USEC=", 0) == 0);
  CHECK(notify.next(&watchdogs).rfind("READY=1", 0) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(350));  // a few watchdog periods
  CHECK(ponte.stop(SIGTERM) == 0);
  CHECK(notify.next(&watchdogs).rfind("STOPPING=1", 0) == 0);
  CHECK(watchdogs >= 2);
}

TEST_CASE("the admin listener answers health, readiness and metrics that follow traffic", "[e2e]") {
  PonteProcess ponte;
  ponte.start();
  REQUIRE(ponte.adminPort() != 0);
  auto health = adminGet(ponte, "/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto ready = adminGet(ponte, "/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);

  auto client = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(client);
  for (int i = 0; i < 3; ++i)
    REQUIRE(
        postSoap(*client, "paVerifyPaymentNotice", goldenRequest("paVerifyPaymentNotice", "ok")));
  REQUIRE(postSoap(*client, "paVerifyPaymentNotice",
                   goldenRequest("paVerifyPaymentNotice", "fault-scaduto")));
  REQUIRE(postSoap(*client, "paVerifyPaymentNotice",
                   goldenRequest("paVerifyPaymentNotice", "fault-id-dominio")));
  // A client of another CA counts as a failed handshake.
  test::ClientOptions other = ponte.nodeClient();
  other.certificate_file = test::testCertificatesDir() + "/other-client.crt";
  other.private_key_file = test::testCertificatesDir() + "/other-client.key";
  if (auto refused = test::TlsClient::connect(other)) refused->request("GET", "/nodo");

  // Under TLS 1.3 the server checks the client's certificate after the client has finished its
  // side of the handshake, so the refused client can be done before the failure is counted: wait
  // (up to 5 s) for the count before reading the rest.
  const auto bad_certificates =
      R"(ponte_node_tls_handshake_failures_total{reason="bad_certificate"})";
  std::optional<test::ClientResponse> metrics;
  ops::testing::Exposition e;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    metrics = adminGet(ponte, "/metrics");
    REQUIRE(metrics);
    CHECK(metrics->status == 200);
    e = ops::testing::parsePrometheusText(metrics->body);
    const auto counted = e.samples.find(bad_certificates);
    if ((counted != e.samples.end() && counted->second >= 1) ||
        std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(e.types.at("ponte_node_requests_total") == "counter");
  CHECK(e.types.at("ponte_node_request_duration_seconds") == "histogram");
  CHECK(
      e.samples.at(
          R"(ponte_node_requests_total{op="paVerifyPaymentNotice",ec="80015010723",outcome="OK"})") ==
      3);
  CHECK(
      e.samples.at(
          R"(ponte_node_requests_total{op="paVerifyPaymentNotice",ec="80015010723",outcome="PAA_PAGAMENTO_SCADUTO"})") ==
      1);
  // An EC that is not served is not a label value.
  CHECK(
      e.samples.at(
          R"(ponte_node_requests_total{op="paVerifyPaymentNotice",ec="other",outcome="PAA_ID_DOMINIO_ERRATO"})") ==
      1);
  CHECK(e.samples.at(R"(ponte_node_request_duration_seconds_count{op="paVerifyPaymentNotice"})") ==
        5);
  CHECK(e.samples.at(bad_certificates) >= 1);
  CHECK(e.samples.at(R"(ponte_node_tls_handshake_failures_total{reason="not_allowed"})") == 0);
  CHECK(e.samples.at("ponte_node_connections_total") >= 2);
  // The database reads of the four requests that reached a notice (not the other EC's).
  CHECK(e.types.at("ponte_store_duration_seconds") == "histogram");
  CHECK(e.samples.at(R"(ponte_store_duration_seconds_count{call="find_notice"})") == 4);

  // The same requests are in the audit journal, with the client certificate's subject.
  std::string audit;
  for (int i = 0; i < 50 && audit.find("PAA_PAGAMENTO_SCADUTO") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ponte.runCli({"audit", "--ec", "80015010723", "--json"}, &audit);
  }
  const auto journal = nlohmann::json::parse(audit.substr(audit.find('[')));
  REQUIRE(journal.size() == 4);  // the three OK and the expired one; not the other EC's
  CHECK(journal[0]["outcome"] == "PAA_PAGAMENTO_SCADUTO");
  CHECK(journal[0]["operation"] == "paVerifyPaymentNotice");
  CHECK(journal[0]["clientSubject"] == "CN=pagopa-node-dev");
  CHECK(journal[3]["notice"] == "301000000000012373");
  std::string by_notice;
  REQUIRE(ponte.runCli({"audit", "--ec", "80015010723", "--notice", "301000000000040172"},
                       &by_notice) == 0);
  CHECK(by_notice.find("1 entries") != std::string::npos);

  auto unknown = adminGet(ponte, "/nothing");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(ponte.stop(SIGTERM) == 0);
}
