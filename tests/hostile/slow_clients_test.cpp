// Clients that hold a connection without finishing their turn (silent before or after the TLS
// handshake, trickling a request a byte a second, resting after a response) are closed by the
// deadline of the phase they stall in, measured against the configured value, while the daemon
// serves everyone else.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "db_snapshot.h"
#include "hostile_daemon.h"

using namespace ponte;
using namespace ponte::hostile;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMarginMs = 1500;
constexpr long kMaxGrowthKiB = 20 * 1024;

Deadlines testDeadlines() {
  Deadlines d;
  d.handshake_ms = 1000;
  d.read_header_ms = 2500;
  d.read_body_ms = 2000;
  d.idle_ms = 3000;
  return d;
}

enum class Stall {
  kSilentTcp,        // connects, never starts TLS: the handshake deadline
  kSilentTls,        // completes mutual TLS, sends nothing: the header deadline
  kTrickledHeader,   // a request line a byte a second: the header deadline, from its first byte
  kTrickledBody,     // whole headers, then the body a byte a second: the body deadline
  kIdleAfterAnswer,  // one request answered, then nothing: the idle deadline
};

struct Outcome {
  bool set_up = false;
  bool closed = false;
  long ms = 0;     // from the start of the stalled phase to the close
  int bytes = 0;   // bytes trickled before the close
};

long msSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// Sends `text` a byte a second from `start` until the server closes (at most `max` seconds).
void trickle(test::TlsClient& client, const std::string& text, Outcome& out) {
  for (std::size_t i = 0; i < text.size() && i < 10; ++i) {
    if (!client.send(text.substr(i, 1))) {
      out.closed = true;
      return;
    }
    ++out.bytes;
    if (client.waitClosed(1000)) {
      out.closed = true;
      return;
    }
  }
}

Outcome stallIn(const e2e::PonteProcess& ponte, Stall stall) {
  Outcome out;
  test::ClientOptions options = ponte.nodeClient();
  options.timeout_ms = 10000;
  if (stall == Stall::kSilentTcp) options.tls = false;
  Clock::time_point start;
  auto client = test::TlsClient::connect(options);
  if (!client) return out;
  const int wait_ms = 3000 + 2 * kMarginMs + 1000;
  switch (stall) {
    case Stall::kSilentTcp:
    case Stall::kSilentTls:
      // The server's clock starts at its accept, or at the end of its side of the handshake:
      // both come after connect() returns here, so the measure is never early.
      out.set_up = true;
      start = Clock::now();
      out.closed = client->waitClosed(wait_ms);
      break;
    case Stall::kTrickledHeader:
      out.set_up = true;
      start = Clock::now();
      trickle(*client, "POST /nodo HTTP/1.1\r\nHost: localhost\r\n\r\n", out);
      break;
    case Stall::kTrickledBody:
      if (!client->send("POST /nodo HTTP/1.1\r\nHost: localhost\r\nSOAPAction: "
                        "\"paVerifyPaymentNotice\"\r\nContent-Length: 400\r\n\r\n")) {
        return out;
      }
      out.set_up = true;
      start = Clock::now();
      trickle(*client, std::string(400, ' '), out);
      break;
    case Stall::kIdleAfterAnswer: {
      auto r = e2e::postSoap(*client, "paVerifyPaymentNotice",
                             e2e::goldenRequest("paVerifyPaymentNotice", "ok"));
      if (!r || r->body.find("<outcome>OK</outcome>") == std::string::npos) return out;
      out.set_up = true;
      start = Clock::now();
      out.closed = client->waitClosed(wait_ms);
      break;
    }
  }
  out.ms = msSince(start);
  return out;
}

struct Expectation {
  const char* name;
  Stall stall;
  int deadline_ms;
};

std::vector<Expectation> expectations() {
  const Deadlines d = testDeadlines();
  return {
      {"silent before the TLS handshake", Stall::kSilentTcp, d.handshake_ms},
      {"silent after the TLS handshake", Stall::kSilentTls, d.read_header_ms},
      {"request headers a byte a second", Stall::kTrickledHeader, d.read_header_ms},
      {"request body a byte a second", Stall::kTrickledBody, d.read_body_ms},
      {"silent after an answer", Stall::kIdleAfterAnswer, d.idle_ms},
  };
}

// `copies` clients of each kind at once; checks when each was closed.
void stallAll(const e2e::PonteProcess& ponte, int copies) {
  const auto all = expectations();
  std::vector<Outcome> outcomes(all.size() * static_cast<std::size_t>(copies));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    threads.emplace_back([&, i] { outcomes[i] = stallIn(ponte, all[i % all.size()].stall); });
  }
  // Everyone else is served while those connections hang.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(answersVerify(ponte));
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const Expectation& e = all[i % all.size()];
    const Outcome& o = outcomes[i];
    INFO(e.name << ": closed after " << o.ms << " ms, " << o.bytes << " bytes trickled");
    REQUIRE(o.set_up);
    CHECK(o.closed);
    CHECK(o.ms >= e.deadline_ms - 100);
    CHECK(o.ms <= e.deadline_ms + kMarginMs);
    // A deadline on the whole phase, not on each read: several bytes arrived in time.
    if (e.stall == Stall::kTrickledHeader || e.stall == Stall::kTrickledBody) {
      CHECK(o.bytes >= e.deadline_ms / 1000);
    }
  }
}

}  // namespace

TEST_CASE("silent and trickling clients are closed at the deadline of their phase",
          "[hostile]") {
  e2e::PonteProcess ponte;
  setDeadlines(ponte, testDeadlines());
  ponte.start();
  const std::string before = e2e::snapshot(ponte.database());
  const double timeouts_before = metric(ponte, "ponte_node_timeouts_total");

  stallAll(ponte, 1);  // also the warm-up
  // Each close is a deadline, counted and logged with its phase (awaited: see settles()).
  settles([&] {
    return metric(ponte, "ponte_node_timeouts_total") - timeouts_before >= 5 &&
           countLogLines(ponte, "handshake deadline passed") >= 1 &&
           countLogLines(ponte, "phase=first_request") >= 1 &&
           countLogLines(ponte, "phase=header") >= 1 && countLogLines(ponte, "phase=body") >= 1;
  });
  CHECK(metric(ponte, "ponte_node_timeouts_total") - timeouts_before >= 5);
  CHECK(countLogLines(ponte, "handshake deadline passed") >= 1);
  CHECK(countLogLines(ponte, "phase=first_request") >= 1);
  CHECK(countLogLines(ponte, "phase=header") >= 1);
  CHECK(countLogLines(ponte, "phase=body") >= 1);

  const long warm = residentKiB(ponte.pid());
  REQUIRE(warm > 0);
  stallAll(ponte, 10);
  const long after = residentKiB(ponte.pid());
  INFO("VmRSS after warm-up " << warm << " KiB, after 50 stalled clients " << after << " KiB");
  CHECK(after - warm < kMaxGrowthKiB);
  // (A session is counted out when it ends, a moment after its client saw the close.)
  CHECK(settles([&] { return metric(ponte, "ponte_node_connections_open") == 0; }));

  CHECK(alive(ponte.pid()));
  CHECK(answersVerify(ponte));
  CHECK(e2e::snapshot(ponte.database()) == before);
  CHECK(ponte.stop(SIGTERM) == 0);
}
