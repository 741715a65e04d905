// Bytes that are not TLS, or TLS cut short or corrupted, sent to the node listener of the real
// daemon: each connection is closed (at once when the bytes cannot be TLS, at the handshake
// deadline when they could still become a handshake), counted under its reason, and a client
// with a valid certificate is served all along.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "client_hello.h"
#include "db_snapshot.h"
#include "hostile_daemon.h"

using namespace ponte;
using namespace ponte::hostile;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kHandshakeMs = 1000;
constexpr int kMarginMs = 1000;
constexpr long kMaxGrowthKiB = 20 * 1024;

enum class Expect {
  kAtOnce,       // cannot be TLS: refused on sight, well before the deadline
  kAtDeadline,   // could still become a handshake: closed by the handshake deadline
  kByDeadline,   // either, but never later than the deadline
};

struct Probe {
  std::string name;
  std::string bytes;
  Expect expect;
};

struct Outcome {
  bool connected = false;
  bool closed = false;
  long ms = 0;  // from the end of the send to the close
};

std::string randomBytes(std::mt19937& rng, std::size_t n) {
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

std::string record(std::uint8_t type, std::uint16_t version, const std::string& payload) {
  std::string r;
  r.push_back(static_cast<char>(type));
  r.push_back(static_cast<char>(version >> 8));
  r.push_back(static_cast<char>(version & 0xff));
  r.push_back(static_cast<char>(payload.size() >> 8));
  r.push_back(static_cast<char>(payload.size() & 0xff));
  return r + payload;
}

std::vector<Probe> probes() {
  std::mt19937 rng(20261122);  // fixed: the same bytes on every run
  const std::string hello = clientHello();
  // The handshake message inside the first record: type 1 (ClientHello), then a 24-bit length.
  std::string bad_length = hello;
  bad_length[6] = '\x00';
  bad_length[7] = '\x00';
  bad_length[8] = '\x05';
  std::string record_too_long = "\x16\x03\x03\xff\xff";
  record_too_long += randomBytes(rng, 1024);
  return {
      {"4 KiB of random bytes", randomBytes(rng, 4096), Expect::kByDeadline},
      {"a handshake record of random bytes", record(0x16, 0x0301, randomBytes(rng, 512)),
       Expect::kAtOnce},
      {"an alert record of random bytes", record(0x15, 0x0303, randomBytes(rng, 64)),
       Expect::kAtOnce},
      {"a record longer than TLS allows", record_too_long, Expect::kAtOnce},
      {"plain HTTP on the TLS port",
       "POST /nodo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}", Expect::kAtOnce},
      {"a ClientHello whose length disagrees with its record", bad_length, Expect::kAtOnce},
      {"a ClientHello then a forged application-data record",
       hello + record(0x17, 0x0303, randomBytes(rng, 100)), Expect::kAtOnce},
      {"half a ClientHello", hello.substr(0, hello.size() / 2), Expect::kAtDeadline},
      {"a ClientHello record header alone", hello.substr(0, 5), Expect::kAtDeadline},
      {"a ClientHello but its last byte", hello.substr(0, hello.size() - 1), Expect::kAtDeadline},
  };
}

// Connects over TCP, sends the bytes and waits for the server to close the connection.
Outcome runProbe(std::uint16_t port, const std::string& bytes) {
  test::ClientOptions options;
  options.tls = false;
  options.port = port;
  Outcome out;
  auto client = test::TlsClient::connect(options);
  if (!client) return out;
  out.connected = true;
  if (!client->send(bytes)) {
    // A reset while sending is the server having closed already.
    out.closed = true;
    return out;
  }
  const auto sent = Clock::now();
  out.closed = client->waitClosed(kHandshakeMs + kMarginMs + 1000);
  out.ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent).count();
  return out;
}

// Every probe at once, each on its own connection.
std::vector<Outcome> runAll(std::uint16_t port, const std::vector<Probe>& all) {
  std::vector<Outcome> outcomes(all.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < all.size(); ++i) {
    threads.emplace_back([&, i] { outcomes[i] = runProbe(port, all[i].bytes); });
  }
  for (auto& t : threads) t.join();
  return outcomes;
}

void checkOutcomes(const std::vector<Probe>& all, const std::vector<Outcome>& outcomes) {
  for (std::size_t i = 0; i < all.size(); ++i) {
    INFO(all[i].name << ": closed after " << outcomes[i].ms << " ms");
    REQUIRE(outcomes[i].connected);
    CHECK(outcomes[i].closed);
    switch (all[i].expect) {
      case Expect::kAtOnce:
        CHECK(outcomes[i].ms < kHandshakeMs / 2);
        break;
      case Expect::kAtDeadline:
        CHECK(outcomes[i].ms >= kHandshakeMs - 100);
        CHECK(outcomes[i].ms <= kHandshakeMs + kMarginMs);
        break;
      case Expect::kByDeadline:
        CHECK(outcomes[i].ms <= kHandshakeMs + kMarginMs);
        break;
    }
  }
}

}  // namespace

TEST_CASE("garbage and truncated TLS is closed and others are still served", "[hostile]") {
  e2e::PonteProcess ponte;
  Deadlines deadlines;
  deadlines.handshake_ms = kHandshakeMs;
  deadlines.idle_ms = 30000;  // the connection held across the rounds below must stay open
  setDeadlines(ponte, deadlines);
  ponte.start();
  const std::string before = e2e::snapshot(ponte.database());
  const std::vector<Probe> all = probes();

  // A node connection opened before the garbage keeps working through it.
  auto node = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(node);
  const std::string verify = e2e::goldenRequest("paVerifyPaymentNotice", "ok");
  auto served = [&] {
    auto r = e2e::postSoap(*node, "paVerifyPaymentNotice", verify);
    return r && r->body.find("<outcome>OK</outcome>") != std::string::npos;
  };

  const double protocol_before =
      metric(ponte, "ponte_node_tls_handshake_failures_total{reason=\"protocol\"}");
  const double timeout_before =
      metric(ponte, "ponte_node_tls_handshake_failures_total{reason=\"timeout\"}");
  checkOutcomes(all, runAll(ponte.port(), all));  // also the warm-up
  CHECK(served());
  CHECK(answersVerify(ponte));

  std::size_t at_once = 0, at_deadline = 0;
  for (const auto& p : all) {
    at_once += p.expect == Expect::kAtOnce;
    at_deadline += p.expect == Expect::kAtDeadline;
  }
  // Each refusal is counted under its reason (awaited: see settles()).
  settles([&] {
    return metric(ponte, "ponte_node_tls_handshake_failures_total{reason=\"protocol\"}") -
                   protocol_before >=
               static_cast<double>(at_once) &&
           metric(ponte, "ponte_node_tls_handshake_failures_total{reason=\"timeout\"}") -
                   timeout_before >=
               static_cast<double>(at_deadline) &&
           countLogLines(ponte, "handshake deadline passed") >= at_deadline;
  });
  CHECK(metric(ponte, "ponte_node_tls_handshake_failures_total{reason=\"protocol\"}") -
            protocol_before >=
        static_cast<double>(at_once));
  CHECK(metric(ponte, "ponte_node_tls_handshake_failures_total{reason=\"timeout\"}") -
            timeout_before >=
        static_cast<double>(at_deadline));
  CHECK(countLogLines(ponte, "handshake deadline passed") >= at_deadline);

  const long warm = residentKiB(ponte.pid());
  REQUIRE(warm > 0);
  for (int round = 0; round < 3; ++round) {
    checkOutcomes(all, runAll(ponte.port(), all));
    CHECK(served());
  }
  const long after = residentKiB(ponte.pid());
  INFO("VmRSS after warm-up " << warm << " KiB, after 3 more rounds " << after << " KiB");
  CHECK(after - warm < kMaxGrowthKiB);

  CHECK(alive(ponte.pid()));
  CHECK(answersVerify(ponte));
  CHECK(e2e::snapshot(ponte.database()) == before);
  CHECK(ponte.stop(SIGTERM) == 0);
}
