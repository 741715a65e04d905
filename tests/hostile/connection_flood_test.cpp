// A thousand node connections open at once, each completing mutual TLS and sending one verify:
// every one is answered OK, and once they are gone the daemon's memory is back near where it was.
#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "db_snapshot.h"
#include "hostile_daemon.h"

using namespace ponte;
using namespace ponte::hostile;

namespace {

constexpr int kConnections = 1000;
constexpr int kThreads = 8;
constexpr long kMaxGrowthKiB = 20 * 1024;

using Clients = std::vector<std::unique_ptr<test::TlsClient>>;

// Opens `n` node connections; fewer when some fail (the caller checks the count).
Clients openConnections(const e2e::PonteProcess& ponte, int n) {
  test::ClientOptions options = ponte.nodeClient();
  options.timeout_ms = 60000;  // a thousand handshakes share two cores with everything else
  Clients clients;
  for (int i = 0; i < n; ++i) {
    auto c = test::TlsClient::connect(options);
    if (c) clients.push_back(std::move(c));
  }
  return clients;
}

// Sends one verify on every connection, then reads every answer: all requests are in flight
// together. Returns how many were answered OK.
int verifyOnAll(Clients& clients, const std::string& body) {
  const std::string request =
      "POST /nodo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml; charset=utf-8\r\n"
      "SOAPAction: \"paVerifyPaymentNotice\"\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  for (auto& c : clients) c->send(request);
  int ok = 0;
  for (auto& c : clients) {
    auto r = c->readResponse();
    ok += r && r->status == 200 && r->body.find("<outcome>OK</outcome>") != std::string::npos;
  }
  return ok;
}

// Waits (bounded) until the daemon has closed its side of every connection.
bool connectionsDrained(const e2e::PonteProcess& ponte) {
  for (int i = 0; i < 100; ++i) {
    if (metric(ponte, "ponte_node_connections_open") == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("a thousand connections at once are all answered and memory comes back",
          "[hostile]") {
  // The test holds a thousand sockets, the daemon (which inherits the limit) as many.
  REQUIRE(raiseOpenFileLimit(4 * kConnections) >= static_cast<std::size_t>(2 * kConnections + 64));
  e2e::PonteProcess ponte;
  ponte.start();
  const std::string before = e2e::snapshot(ponte.database());
  const std::string verify = e2e::goldenRequest("paVerifyPaymentNotice", "ok");

  // Warm-up: a hundred connections through the same path.
  {
    Clients warm_up = openConnections(ponte, 100);
    REQUIRE(warm_up.size() == 100);
    CHECK(verifyOnAll(warm_up, verify) == 100);
  }
  REQUIRE(connectionsDrained(ponte));
  const long warm = residentKiB(ponte.pid());
  REQUIRE(warm > 0);

  std::vector<Clients> groups(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(
        [&, t] { groups[t] = openConnections(ponte, kConnections / kThreads); });
  }
  for (auto& t : threads) t.join();
  threads.clear();
  std::size_t open = 0;
  for (const auto& g : groups) open += g.size();
  REQUIRE(open == kConnections);
  // All of them are open on the daemon's side at this moment.
  CHECK(metric(ponte, "ponte_node_connections_open") == kConnections);

  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { ok += verifyOnAll(groups[t], verify); });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == kConnections);
  const long peak = residentKiB(ponte.pid());

  groups.clear();  // closes every connection
  REQUIRE(connectionsDrained(ponte));
  // The daemon gives the pages back after the last connection of the burst is gone; the trim
  // of several arenas takes a moment, so the memory must be back within two seconds.
  long after = residentKiB(ponte.pid());
  for (int i = 0; i < 20 && after - warm >= kMaxGrowthKiB; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    after = residentKiB(ponte.pid());
  }
  INFO("VmRSS after warm-up " << warm << " KiB, with " << kConnections << " connections " << peak
                              << " KiB, after they closed " << after << " KiB");
  CHECK(after - warm < kMaxGrowthKiB);

  CHECK(alive(ponte.pid()));
  CHECK(answersVerify(ponte));
  CHECK(e2e::snapshot(ponte.database()) == before);
  CHECK(ponte.stop(SIGTERM) == 0);
}
