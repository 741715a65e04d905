// The outbox worker against a real store and real receivers, with a fake clock: retries with
// backoff until delivered, dead letters and replays, a FATAL ledger disabled while the others go
// on, alerts on late deliveries, one delivery per EC of a multi-beneficiary receipt, and threads.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ledger_receiver.h"
#include "ops/metrics.h"
#include "outbox/outbox_worker.h"
#include "outbox_fixtures.h"

using namespace ponte;
using namespace ponte::outbox;
using namespace ponte::outbox::testing;
using Catch::Contains;
using store::DeliveryState;

namespace {

constexpr const char* kSecret = "worker-secret";

// A fixture with a webhook route "hook" to a receiver, and a worker over ECs A and B.
struct WorkerSetup {
  OutboxFixture f;
  LedgerReceiver receiver{kSecret};
  LedgerSet ledgers;
  ops::Metrics metrics;
  OutboxOptions options;
  std::unique_ptr<OutboxWorker> worker;

  WorkerSetup() {
    receiver.start();
    ledgers.add(f.route("hook", ops::LedgerType::kWebhook,
                        {{"url", receiver.url()},
                         {"secret_file", f.file("secret", kSecret)},
                         {"timeout_ms", "2000"}}));
    options.random = [] { return 0.0; };  // no jitter: exact times
    options.housekeeping_ms = 0;
  }
  OutboxWorker& make() {
    worker = std::make_unique<OutboxWorker>(*f.store, ledgers, std::vector<std::string>{kEcA, kEcB},
                                            f.clock, *f.log, &metrics, options);
    return *worker;
  }
  // For the tests that run the worker's own threads: small batches, short idle waits.
  void useThreads(int workers) {
    options.workers = workers;
    options.batch = 5;
    options.idle_wait = std::chrono::milliseconds(20);
  }
  // Passes until nothing is due now.
  void drain() {
    for (int i = 0; i < 100 && worker->runOnce() > 0; ++i) {
    }
  }
};

}  // namespace

TEST_CASE("worker: a receiver down for a while then up gets every receipt, none lost", "[unit]") {
  WorkerSetup s;
  for (int i = 0; i < 30; ++i) s.f.commitReceipt(i % 2 ? kEcA : kEcB, "DOWN-" + std::to_string(i), {"hook"});
  auto& worker = s.make();
  s.receiver.stop();
  // Down for four rounds of backoff: every attempt fails and is scheduled again.
  for (int round = 0; round < 4; ++round) {
    s.drain();
    s.f.clock.advanceMs(s.options.backoff.max_ms);
  }
  // A ledger that is down is asked once per batch, not once per receipt: the rest of the batch
  // is postponed with the same reason and the same backoff.
  CHECK(worker.stats().retried + worker.stats().postponed == 120);
  CHECK(worker.stats().retried == 8);  // 4 rounds, one batch per EC
  CHECK(worker.stats().delivered == 0);
  for (const auto& d : s.f.deliveries(kEcA, DeliveryState::kPending)) {
    CHECK(d.attempts == 4);
    CHECK_THAT(d.last_error, Contains("onnect"));
  }
  s.receiver.start();  // back up, same address
  s.drain();
  CHECK(worker.stats().delivered == 30);
  CHECK(s.f.deliveries(kEcA, DeliveryState::kPending).empty());
  CHECK(s.f.deliveries(kEcB, DeliveryState::kPending).empty());
  CHECK(s.f.deliveries(kEcA, DeliveryState::kDelivered).size() == 15);
  std::set<std::string> expected;
  for (int i = 0; i < 30; ++i) {
    expected.insert(std::string(i % 2 ? kEcA : kEcB) + ":DOWN-" + std::to_string(i));
  }
  CHECK(s.receiver.acceptedKeys() == expected);
  for (const auto& p : s.receiver.posts()) CHECK(s.receiver.signatureValid(p));
}

TEST_CASE("worker: 500 then 200 is retried after the backoff, then delivered", "[unit]") {
  WorkerSetup s;
  s.f.commitReceipt(kEcA, "FLAKY", {"hook"});
  int calls = 0;
  s.receiver.answer([&](const ReceivedPost&) { return ++calls == 1 ? 500 : 200; });
  auto& worker = s.make();
  CHECK(worker.runOnce() == 1);
  auto d = s.f.pendingDelivery(kEcA);
  CHECK(d.attempts == 1);
  CHECK_THAT(d.last_error, Contains("HTTP 500"));
  CHECK(d.next_attempt_unix_ms == kT0 + 30'000);  // the first wait: 30 s
  s.f.clock.advanceMs(29'999);
  CHECK(worker.runOnce() == 0);  // not yet
  s.f.clock.advanceMs(1);
  CHECK(worker.runOnce() == 1);
  auto delivered = s.f.deliveries(kEcA, DeliveryState::kDelivered);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].attempts == 2);
  CHECK(delivered[0].delivered_unix_ms == kT0 + 30'000);
  CHECK(s.receiver.posts().size() == 2);
  CHECK(s.receiver.posts()[0].idempotency_key == s.receiver.posts()[1].idempotency_key);
  CHECK_THAT(s.metrics.render(),
             Contains("ponte_outbox_deliveries_total{outcome=\"retry\",route=\"hook\"} 1"));
}

TEST_CASE("worker: waits double from 30 s to the 6 h cap and never give up", "[unit]") {
  WorkerSetup s;
  s.f.commitReceipt(kEcA, "ALWAYS-503", {"hook"});
  s.receiver.answer([](const ReceivedPost&) { return 503; });
  auto& worker = s.make();
  std::vector<std::int64_t> waits;
  for (int i = 0; i < 14; ++i) {
    REQUIRE(worker.runOnce() == 1);
    auto d = s.f.pendingDelivery(kEcA);
    waits.push_back(d.next_attempt_unix_ms - s.f.clock.nowUnixMs());
    s.f.clock.set(d.next_attempt_unix_ms);
  }
  CHECK(waits[0] == 30'000);
  CHECK(waits[1] == 60'000);
  CHECK(waits[5] == 960'000);
  CHECK(waits[13] == 6 * 3'600'000);
  CHECK(s.f.deliveries(kEcA, DeliveryState::kDead).empty());
}

TEST_CASE("worker: a 400 goes to dead letter; replayed after the fix, it is delivered", "[unit]") {
  WorkerSetup s;
  s.f.commitReceipt(kEcA, "BAD", {"hook"});
  s.receiver.answer([](const ReceivedPost&) { return 400; });
  auto& worker = s.make();
  CHECK(worker.runOnce() == 1);
  auto dead = s.f.deliveries(kEcA, DeliveryState::kDead);
  REQUIRE(dead.size() == 1);
  CHECK_THAT(dead[0].last_error, Contains("rejected: HTTP 400"));
  CHECK(worker.stats().dead == 1);
  CHECK_THAT(s.f.logText(), Contains("outbox.dead_letter"));
  s.f.clock.advanceMs(24 * 3'600'000);
  CHECK(worker.runOnce() == 0);  // dead stays dead
  // The ledger is fixed; the operator replays it (what `ponte outbox retry ID` does).
  s.receiver.answer([](const ReceivedPost&) { return 200; });
  REQUIRE(s.f.store->replayDeliveries(kEcA, dead[0].id, s.f.clock.nowUnixMs()).value() == 1);
  CHECK(worker.runOnce() == 1);
  CHECK(s.f.deliveries(kEcA, DeliveryState::kDelivered).size() == 1);
  CHECK(s.receiver.acceptedKeys() == std::set<std::string>{std::string(kEcA) + ":BAD"});
}

TEST_CASE("worker: a ledger answering FATAL is disabled and paused, the others go on", "[unit]") {
  WorkerSetup s;
  const std::string marker = s.f.file("fatal-marker", "");
  const std::string out = s.f.dir.file("switch-out.txt");
  s.ledgers.add(s.f.route("switch", ops::LedgerType::kPlugin,
                          {{"fatal_while", marker}, {"out", out}}, testPlugin("switch_plugin")));
  for (int i = 0; i < 3; ++i) s.f.commitReceipt(kEcA, "F-" + std::to_string(i), {"switch", "hook"});
  auto& worker = s.make();
  s.drain();
  CHECK(worker.stats().disabled == 1);
  CHECK(s.receiver.acceptedKeys().size() == 3);  // the webhook went on
  auto paused = s.f.store->listPausedRoutes();
  REQUIRE(paused.value().size() == 1);
  CHECK(paused.value()[0].route == "switch");
  CHECK_THAT(paused.value()[0].reason, Contains("credentials revoked"));
  CHECK(s.ledgers.find("switch")->disabled());
  CHECK_THAT(s.f.logText(), Contains("outbox.ledger_disabled route=switch"));
  CHECK_THAT(s.metrics.render(), Contains("ponte_outbox_ledger_disabled{route=\"switch\"} 1"));
  // Held, not lost: the switch deliveries stay pending and are not claimed while paused.
  CHECK(s.f.deliveries(kEcA, DeliveryState::kPending).size() == 3);
  s.f.clock.advanceMs(7 * 3'600'000);
  CHECK(worker.runOnce() == 0);
  // New receipts still reach the webhook.
  s.f.commitReceipt(kEcA, "F-new", {"switch", "hook"});
  CHECK(worker.runOnce() == 1);
  CHECK(s.receiver.acceptedKeys().size() == 4);

  // Fixed, and resumed by the operator: the worker makes the ledger again and delivers.
  std::filesystem::remove(marker);
  REQUIRE(s.f.store->resumeRoute("switch").value());
  s.drain();
  CHECK_FALSE(s.ledgers.find("switch")->disabled());
  CHECK(s.f.deliveries(kEcA, DeliveryState::kPending).empty());
  std::ifstream in(out);
  std::set<std::string> keys;
  for (std::string line; std::getline(in, line);) keys.insert(line);
  CHECK(keys.size() == 4);
  CHECK_THAT(s.f.logText(), Contains("outbox.ledger_enabled route=switch"));
}

TEST_CASE("worker: a delivery older than alert_after raises an alert until it goes", "[unit]") {
  WorkerSetup s;
  s.options.alert_after_ms = 60'000;
  s.f.commitReceipt(kEcB, "LATE", {"hook"});
  s.receiver.stop();
  auto& worker = s.make();
  worker.runOnce();
  CHECK_FALSE(worker.alerting(kEcB));
  s.f.clock.advanceMs(60'001);
  worker.runOnce();
  CHECK(worker.alerting(kEcB));
  CHECK_FALSE(worker.alerting(kEcA));
  CHECK(worker.stats().alerts == 1);
  CHECK_THAT(s.f.logText(), Contains("outbox.delivery_late ec=83000390019"));
  const std::string metrics = s.metrics.render();
  CHECK_THAT(metrics, Contains("ponte_outbox_alerts_total{ec=\"83000390019\"} 1"));
  CHECK_THAT(metrics, Contains("ponte_outbox_oldest_pending_seconds{ec=\"83000390019\"} 60.001"));
  s.f.clock.advanceMs(60'000);
  worker.runOnce();
  CHECK(worker.stats().alerts == 1);  // raised once, not at every pass
  s.receiver.start();
  s.f.clock.advanceMs(s.options.backoff.max_ms);
  worker.runOnce();  // delivers
  worker.runOnce();  // sees nothing pending
  CHECK_FALSE(worker.alerting(kEcB));
  CHECK_THAT(s.f.logText(), Contains("outbox.delivery_late_cleared ec=83000390019"));
}

TEST_CASE("worker: a multi-beneficiary receipt reaches each EC's own ledgers once", "[unit]") {
  WorkerSetup s;
  // The node sends one paSendRT per EC: the same receipt stored under each idPA.
  LedgerReceiver b_receiver("b-secret");
  b_receiver.start();
  s.ledgers.add(s.f.route("hook-b", ops::LedgerType::kWebhook,
                          {{"url", b_receiver.url()}, {"secret_file", s.f.file("b", "b-secret")}}));
  for (auto [ec, route] : {std::pair(kEcA, "hook"), std::pair(kEcB, "hook-b")}) {
    auto w = store::testing::receiptFor(ec, store::testing::notice(9500).nav, "TARI-TEFA",
                                        kT0, {route});
    w.receipt.fiscal_code = kEcA;  // the notice is A's; B is a beneficiary of a transfer
    REQUIRE(store::testing::commit(*s.f.store, w).ok());
  }
  auto& worker = s.make();
  s.drain();
  s.f.clock.advanceMs(3'600'000);
  s.drain();
  CHECK(s.receiver.acceptedKeys() == std::set<std::string>{std::string(kEcA) + ":TARI-TEFA"});
  CHECK(b_receiver.acceptedKeys() == std::set<std::string>{std::string(kEcB) + ":TARI-TEFA"});
  CHECK(s.receiver.posts().size() == 1);
  CHECK(b_receiver.posts().size() == 1);
  CHECK(worker.stats().delivered == 2);
}

TEST_CASE("worker: a row naming a ledger no longer configured waits, loudly", "[unit]") {
  WorkerSetup s;
  s.f.commitReceipt(kEcA, "ORPHAN", {"removed-ledger"});
  auto& worker = s.make();
  CHECK(worker.runOnce() == 1);
  auto d = s.f.pendingDelivery(kEcA);
  CHECK_THAT(d.last_error, Contains("no ledger named removed-ledger"));
  CHECK(d.next_attempt_unix_ms == kT0 + s.options.backoff.max_ms);
  CHECK_THAT(s.f.logText(), Contains("outbox.unknown_ledger"));
}

TEST_CASE("worker threads deliver concurrently, each receipt once, and stop cleanly",
          "[unit][slow]") {
  WorkerSetup s;
  s.useThreads(4);
  s.receiver.delay(std::chrono::milliseconds(2));
  for (int i = 0; i < 100; ++i) s.f.commitReceipt(i % 2 ? kEcA : kEcB, "T-" + std::to_string(i), {"hook"});
  auto& worker = s.make();
  worker.start();
  CHECK(s.receiver.waitFor([](const auto& posts) { return posts.size() >= 100; }));
  worker.stop();
  CHECK(s.receiver.acceptedKeys().size() == 100);
  CHECK(s.receiver.posts().size() == 100);  // leases: no receipt claimed twice
  CHECK(worker.stats().delivered == 100);
  worker.stop();  // idempotent
}

TEST_CASE("worker threads give way to the node's requests in flight, for at most yield_to_node",
          "[unit][slow]") {
  WorkerSetup s;
  s.useThreads(1);
  std::atomic<bool> busy{true};
  std::atomic<int> asked{0};
  for (int i = 0; i < 10; ++i) s.f.commitReceipt(kEcA, "Y-" + std::to_string(i), {"hook"});
  // Starts a worker giving way for `yield`, asked whether the node is busy through `busy`.
  const auto start = [&](std::chrono::milliseconds yield) -> OutboxWorker& {
    s.options.yield_to_node = yield;
    auto& worker = s.make();
    worker.start([&] {
      asked.fetch_add(1);
      return busy.load();
    });
    return worker;
  };
  const auto allPosted = [&] {
    return s.receiver.waitFor([](const auto& posts) { return posts.size() >= 10; },
                              std::chrono::seconds(20));
  };

  SECTION("while the node stays busy nothing goes; once it is quiet, everything does") {
    auto& worker = start(std::chrono::minutes(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(asked.load() > 1);  // it keeps looking
    CHECK(s.receiver.posts().empty());
    busy = false;
    CHECK(allPosted());
    worker.stop();
  }
  SECTION("a node busy without pause still lets a batch through at each yield_to_node") {
    auto& worker = start(std::chrono::milliseconds(50));
    CHECK(allPosted());
    worker.stop();
    CHECK_THAT(s.metrics.render(), Contains("ponte_outbox_yield_seconds_total "));
  }
  SECTION("only a batch to deliver waits: ECs with nothing due cost no wait") {
    std::vector<std::string> ecs;
    for (int i = 0; i < 40; ++i) ecs.push_back("9000000000" + std::to_string(i % 10) + std::to_string(i));
    ecs.push_back(kEcA);
    s.options.yield_to_node = std::chrono::milliseconds(200);
    OutboxWorker worker(*s.f.store, s.ledgers, ecs, s.f.clock, *s.f.log, &s.metrics, s.options);
    worker.start([&] { return busy.load(); });
    // Two batches of five, 200 ms each; waiting before each of the 41 claims of a pass would
    // take 8 s a pass.
    CHECK(s.receiver.waitFor([](const auto& posts) { return posts.size() >= 10; },
                             std::chrono::seconds(4)));
    worker.stop();
  }
  SECTION("zero never asks") {
    auto& worker = start(std::chrono::milliseconds(0));
    CHECK(allPosted());
    worker.stop();
    CHECK(asked.load() == 0);
  }
  CHECK(s.receiver.acceptedKeys().size() == 10);
}
