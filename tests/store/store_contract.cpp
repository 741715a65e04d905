// The store contract: what every engine must do, run against each registered engine.
#include "store_contract.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "store/receipt_json.h"
#include "store_fixtures.h"

namespace ponte::store::testing {
namespace {

std::vector<Engine>& registry() {
  static std::vector<Engine> engines;
  return engines;
}

}  // namespace

bool registerEngine(Engine engine) {
  registry().push_back(std::move(engine));
  return true;
}

void forEachEngine(const std::function<void(EngineHarness&)>& fn) {
  REQUIRE_FALSE(registry().empty());
  for (const auto& engine : registry()) {
    DYNAMIC_SECTION("engine " << engine.name) {
      auto harness = engine.make();
      fn(*harness);
    }
  }
}

namespace {

using core::OptionStatus;
using core::PositionStatus;

constexpr std::int64_t kForever = 4'000'000'000'000;

core::DebtPosition mustGet(Store& store, const std::string& ec, const std::string& iupd) {
  auto got = store.getPosition(ec, iupd);
  REQUIRE(got.ok());
  REQUIRE(got.value().has_value());
  return *got.value();
}

// Waits for n callbacks from other threads, with a deadline instead of sleeps.
class Countdown {
 public:
  explicit Countdown(int n) : left_(n) {}
  void arrive() {
    std::lock_guard lock(mutex_);
    if (--left_ == 0) done_.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mutex_);
    return done_.wait_for(lock, std::chrono::seconds(120), [&] { return left_ <= 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  int left_;
};

}  // namespace

TEST_CASE("store: a full position round-trips and each of its notices finds it", "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    core::DebtPosition p = fullPosition(kEcA, "IUPD-FULL", 1000, 3);

    auto created = store->upsertPosition(p);
    REQUIRE(created.ok());
    CHECK(created.value() == UpsertOutcome::kCreated);
    CHECK(mustGet(*store, kEcA, "IUPD-FULL") == p);

    // The single option and every installment of the plan is its own notice.
    REQUIRE(p.options.size() == 4);
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      auto match = store->findByNotice(kEcA, p.options[i].nav);
      REQUIRE(match.ok());
      REQUIRE(match.value().has_value());
      CHECK(match.value()->option_index == i);
      CHECK(match.value()->position == p);
    }
    CHECK(store->countPositions().value() == 1);

    auto same = store->upsertPosition(p);
    REQUIRE(same.ok());
    CHECK(same.value() == UpsertOutcome::kUnchanged);

    p.debtor.email = "nuovo@example.it";
    p.options[2].description = "Seconda rata, rettificata";
    auto updated = store->upsertPosition(p);
    REQUIRE(updated.ok());
    CHECK(updated.value() == UpsertOutcome::kUpdated);
    CHECK(mustGet(*store, kEcA, "IUPD-FULL") == p);
    CHECK(store->countPositions().value() == 1);

    CHECK_FALSE(store->findByNotice(kEcA, notice(999).nav).value().has_value());
    CHECK_FALSE(store->getPosition(kEcA, "NO-SUCH-IUPD").value().has_value());
  });
}

TEST_CASE("store: one EC never sees another EC's positions, notices or receipts", "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    core::DebtPosition a = singlePosition(kEcA, "SHARED-IUPD", 1100);
    REQUIRE(store->upsertPosition(a).value() == UpsertOutcome::kCreated);

    CHECK_FALSE(store->findByNotice(kEcB, a.options[0].nav).value().has_value());
    CHECK_FALSE(store->getPosition(kEcB, "SHARED-IUPD").value().has_value());
    CHECK(store->listPositions(kEcB, PositionFilter{}).value().empty());

    // The same iupd and notice number are free in another EC.
    core::DebtPosition b = singlePosition(kEcB, "SHARED-IUPD", 1100);
    b.company_name = "Comune B";
    REQUIRE(store->upsertPosition(b).value() == UpsertOutcome::kCreated);
    CHECK(mustGet(*store, kEcA, "SHARED-IUPD") == a);
    CHECK(mustGet(*store, kEcB, "SHARED-IUPD") == b);

    // A receipt sent as EC B pays B's copy only.
    REQUIRE(commit(*store, receiptFor(kEcB, b.options[0].nav, "TOKEN-B", 1000)).value() ==
            ReceiptOutcome::kStored);
    CHECK(mustGet(*store, kEcA, "SHARED-IUPD").status == PositionStatus::kValid);
    CHECK(mustGet(*store, kEcB, "SHARED-IUPD").status == PositionStatus::kPaid);
    CHECK(store->listReceipts(kEcA, 0, kForever).value().empty());
    CHECK(store->listReceipts(kEcB, 0, kForever).value().size() == 1);
    CHECK(store->listDeliveries(kEcA, DeliveryState::kPending, 0, 100).value().empty());

    // The same receiptId in another EC is another receipt (each EC keeps its own copy).
    CHECK(commit(*store, receiptFor(kEcA, a.options[0].nav, "TOKEN-B", 1001)).value() ==
          ReceiptOutcome::kStored);
  });
}

TEST_CASE("store: notice numbers and IUVs belong to one position of an EC", "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    core::DebtPosition first = singlePosition(kEcA, "P1", 2000);
    REQUIRE(store->upsertPosition(first).value() == UpsertOutcome::kCreated);

    SECTION("a notice number of another position is a conflict and nothing is written") {
      core::DebtPosition second = singlePosition(kEcA, "P2", 2001);
      second.options.push_back(first.options[0]);
      second.options[1].is_partial_payment = true;
      auto r = store->upsertPosition(second);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().kind == ErrorKind::kConflict);
      CHECK_FALSE(store->getPosition(kEcA, "P2").value().has_value());
      CHECK_FALSE(store->findByNotice(kEcA, notice(2001).nav).value().has_value());
      CHECK(store->findByNotice(kEcA, first.options[0].nav).value()->position.iupd == "P1");
    }
    SECTION("so is an IUV of another position under a different notice number") {
      core::DebtPosition second = singlePosition(kEcA, "P2", 2001);
      second.options[0].iuv = first.options[0].iuv;
      auto r = store->upsertPosition(second);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().kind == ErrorKind::kConflict);
    }
    SECTION("a position repeating a notice inside itself, or without keys, is invalid") {
      core::DebtPosition twice = singlePosition(kEcA, "P3", 2002);
      twice.options.push_back(twice.options[0]);
      CHECK(store->upsertPosition(twice).error().kind == ErrorKind::kInvalid);
      core::DebtPosition no_iupd = singlePosition(kEcA, "", 2003);
      CHECK(store->upsertPosition(no_iupd).error().kind == ErrorKind::kInvalid);
      core::DebtPosition no_nav = singlePosition(kEcA, "P4", 2004);
      no_nav.options[0].nav.clear();
      CHECK(store->upsertPosition(no_nav).error().kind == ErrorKind::kInvalid);
      CHECK(store->countPositions().value() == 1);
    }
    SECTION("replacing a position frees the notices it no longer has") {
      core::DebtPosition replaced = singlePosition(kEcA, "P1", 2100);
      REQUIRE(store->upsertPosition(replaced).value() == UpsertOutcome::kUpdated);
      CHECK_FALSE(store->findByNotice(kEcA, first.options[0].nav).value().has_value());
      CHECK(store->findByNotice(kEcA, replaced.options[0].nav).value()->position == replaced);

      core::DebtPosition taker = singlePosition(kEcA, "P5", 2000);
      REQUIRE(store->upsertPosition(taker).value() == UpsertOutcome::kCreated);
      CHECK(store->findByNotice(kEcA, first.options[0].nav).value()->position.iupd == "P5");
    }
  });
}

TEST_CASE("store: receipts: stored, duplicate, double payment, unmatched", "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    core::DebtPosition single = singlePosition(kEcA, "SINGLE", 3000);
    core::DebtPosition plan = fullPosition(kEcA, "PLAN", 3100, 2);
    REQUIRE(store->upsertPosition(single).ok());
    REQUIRE(store->upsertPosition(plan).ok());
    const std::string nav = single.options[0].nav;

    auto first = commit(*store, receiptFor(kEcA, nav, "TOKEN-1", 1000));
    REQUIRE(first.ok());
    CHECK(first.value() == ReceiptOutcome::kStored);
    core::DebtPosition paid = mustGet(*store, kEcA, "SINGLE");
    CHECK(paid.status == PositionStatus::kPaid);
    CHECK(paid.options[0].status == OptionStatus::kPaid);

    // The node resends the same receipt: answered, stored once.
    CHECK(commit(*store, receiptFor(kEcA, nav, "TOKEN-1", 1500)).value() ==
          ReceiptOutcome::kDuplicate);

    // Another payment of the same notice: kept and flagged, the position does not move.
    CHECK(commit(*store, receiptFor(kEcA, nav, "TOKEN-2", 2000)).value() ==
          ReceiptOutcome::kDoublePayment);
    CHECK(mustGet(*store, kEcA, "SINGLE") == paid);

    // A notice this EC does not have (stand-in, deleted position): kept and flagged.
    CHECK(commit(*store, receiptFor(kEcA, notice(3999).nav, "TOKEN-3", 3000)).value() ==
          ReceiptOutcome::kUnmatched);

    // Installments: the plan is partially paid, then paid.
    CHECK(commit(*store, receiptFor(kEcA, plan.options[1].nav, "TOKEN-4", 4000)).value() ==
          ReceiptOutcome::kStored);
    core::DebtPosition partial = mustGet(*store, kEcA, "PLAN");
    CHECK(partial.status == PositionStatus::kPartiallyPaid);
    CHECK(partial.options[1].status == OptionStatus::kPaid);
    CHECK(partial.options[2].status == OptionStatus::kUnpaid);
    CHECK(commit(*store, receiptFor(kEcA, plan.options[2].nav, "TOKEN-5", 5000)).value() ==
          ReceiptOutcome::kStored);
    CHECK(mustGet(*store, kEcA, "PLAN").status == PositionStatus::kPaid);

    auto receipts = store->listReceipts(kEcA, 0, kForever);
    REQUIRE(receipts.ok());
    REQUIRE(receipts.value().size() == 5);
    const auto& r = receipts.value();
    CHECK(r[0].receipt_id == "TOKEN-1");
    CHECK(r[0].received_at_unix_ms == 1000);  // the first copy, not the resent one
    CHECK(r[0].notice_number == nav);
    CHECK(r[0].iuv == nav.substr(1));
    CHECK(r[0].amount_cents == 10000);
    CHECK(r[0].psp == "BCITITMM");
    CHECK(r[0].payment_date_time == "2026-11-22T10:11:12");
    CHECK(r[0].raw_xml == "<soapenv:Envelope>TOKEN-1</soapenv:Envelope>");
    CHECK(r[0].v2);
    CHECK(r[0].ec_fiscal_code == kEcA);
    CHECK_FALSE(r[0].double_payment);
    CHECK_FALSE(r[0].unmatched);
    CHECK(r[1].receipt_id == "TOKEN-2");
    CHECK(r[1].double_payment);
    CHECK_FALSE(r[1].unmatched);
    CHECK(r[2].receipt_id == "TOKEN-3");
    CHECK(r[2].unmatched);
    CHECK_FALSE(r[2].double_payment);

    SECTION("an upsert cannot forget a payment") {
      core::DebtPosition stale = single;  // the back office's copy from before the payment
      stale.company_name = "Comune di Prova (aggiornato)";
      auto r2 = store->upsertPosition(stale);
      REQUIRE_FALSE(r2.ok());
      CHECK(r2.error().kind == ErrorKind::kConflict);
      CHECK(mustGet(*store, kEcA, "SINGLE") == paid);

      core::DebtPosition fresh = paid;  // edited from the stored copy: allowed
      fresh.company_name = "Comune di Prova (aggiornato)";
      CHECK(store->upsertPosition(fresh).value() == UpsertOutcome::kUpdated);
    }
    SECTION("receipts missing their keys are refused") {
      auto no_id = commit(*store, receiptFor(kEcA, nav, "", 6000));
      REQUIRE_FALSE(no_id.ok());
      CHECK(no_id.error().kind == ErrorKind::kInvalid);
      CHECK(store->listReceipts(kEcA, 0, kForever).value().size() == 5);
    }
  });
}

TEST_CASE("store: outbox rows are committed with their receipt, one per route", "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    core::DebtPosition p = singlePosition(kEcA, "OUT", 5000);
    REQUIRE(store->upsertPosition(p).ok());
    ReceiptWrite w =
        receiptFor(kEcA, p.options[0].nav, "TOKEN-OUT", 1000, {"ledger-a", "ledger-b", "ledger-a"});
    REQUIRE(commit(*store, w).value() == ReceiptOutcome::kStored);
    // A duplicate enqueues nothing more.
    REQUIRE(commit(*store, w).value() == ReceiptOutcome::kDuplicate);

    auto pending = store->listDeliveries(kEcA, DeliveryState::kPending, 0, 100);
    REQUIRE(pending.ok());
    REQUIRE(pending.value().size() == 2);
    std::set<std::string> routes;
    for (const auto& d : pending.value()) {
      routes.insert(d.route);
      CHECK(d.ec_fiscal_code == kEcA);
      CHECK(d.attempts == 0);
      CHECK(d.created_unix_ms == 1000);
      CHECK(d.next_attempt_unix_ms == 1000);
      CHECK(d.receipt.receipt_id == "TOKEN-OUT");
      CHECK(d.receipt.raw_xml == w.raw_xml);
      auto parsed = receiptFromJson(d.receipt_json);
      REQUIRE(parsed.has_value());
      CHECK(receiptToJson(*parsed) == receiptToJson(w.receipt));
    }
    CHECK(routes == std::set<std::string>{"ledger-a", "ledger-b"});
  });
}

TEST_CASE("store: deliveries are claimed with a lease, retried, dead-lettered and replayed",
          "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    REQUIRE(commit(*store, receiptFor(kEcA, notice(6000).nav, "TOKEN-D", 1000, {"ledger"})).ok());

    CHECK(store->claimDeliveries(kEcA, 999, 60'999, 10).value().empty());  // not due yet
    auto claimed = store->claimDeliveries(kEcA, 1000, 61'000, 10);
    REQUIRE(claimed.ok());
    REQUIRE(claimed.value().size() == 1);
    const std::int64_t id = claimed.value()[0].id;
    CHECK(claimed.value()[0].attempts == 1);
    CHECK(claimed.value()[0].next_attempt_unix_ms == 61'000);
    CHECK(store->claimDeliveries(kEcA, 2000, 62'000, 10).value().empty());  // leased

    SECTION("an expired lease (a worker died) makes it due again") {
      auto again = store->claimDeliveries(kEcA, 61'000, 121'000, 10);
      REQUIRE(again.value().size() == 1);
      CHECK(again.value()[0].attempts == 2);
    }
    SECTION("failure, retry, dead letter, replay, delivery") {
      REQUIRE(store->reportDelivery(kEcA, id, {false, 2000, "HTTP 503", 5000}).ok());
      CHECK(store->claimDeliveries(kEcA, 4999, 9999, 10).value().empty());
      auto retried = store->claimDeliveries(kEcA, 5000, 65'000, 10);
      REQUIRE(retried.value().size() == 1);
      CHECK(retried.value()[0].attempts == 2);
      CHECK(retried.value()[0].last_error == "HTTP 503");

      REQUIRE(store->reportDelivery(kEcA, id, {false, 6000, "HTTP 400", std::nullopt}).ok());
      auto dead = store->listDeliveries(kEcA, DeliveryState::kDead, 0, 10);
      REQUIRE(dead.value().size() == 1);
      CHECK(dead.value()[0].last_error == "HTTP 400");
      CHECK(store->countDeliveries(kEcA, DeliveryState::kDead).value() == 1);
      CHECK(store->countDeliveries(kEcB, DeliveryState::kDead).value() == 0);
      CHECK(store->getDelivery(kEcA, id).value()->state == DeliveryState::kDead);
      CHECK(store->claimDeliveries(kEcA, kForever, kForever, 10).value().empty());

      // Another EC cannot touch it.
      CHECK(store->replayDeliveries(kEcB, std::nullopt, 7000).value() == 0);
      CHECK(store->reportDelivery(kEcB, id, {true, 7000, "", std::nullopt}).error().kind ==
            ErrorKind::kNotFound);

      CHECK(store->replayDeliveries(kEcA, id, 7000).value() == 1);
      auto replayed = store->claimDeliveries(kEcA, 7000, 67'000, 10);
      REQUIRE(replayed.value().size() == 1);
      CHECK(replayed.value()[0].attempts == 1);

      auto reported = store->reportDelivery(kEcA, id, {true, 8000, "", std::nullopt});
      INFO((reported.ok() ? std::string() : reported.error().message));
      REQUIRE(reported.ok());
      auto delivered = store->listDeliveries(kEcA, DeliveryState::kDelivered, 0, 10);
      REQUIRE(delivered.value().size() == 1);
      CHECK(delivered.value()[0].delivered_unix_ms == 8000);
      CHECK(store->listDeliveries(kEcA, DeliveryState::kPending, 0, 10).value().empty());
      CHECK(store->countDeliveries(kEcA, DeliveryState::kDelivered).value() == 1);
      CHECK(store->countDeliveries(kEcA, DeliveryState::kPending).value() == 0);
      CHECK(store->countDeliveries(kEcA, DeliveryState::kDead).value() == 0);
      // One delivery read by its id, in any state; never another EC's.
      auto one = store->getDelivery(kEcA, id);
      REQUIRE(one.ok());
      REQUIRE(one.value().has_value());
      CHECK(one.value()->state == DeliveryState::kDelivered);
      CHECK(one.value()->receipt.receipt_id == "TOKEN-D");
      CHECK_FALSE(store->getDelivery(kEcB, id).value().has_value());
      CHECK_FALSE(store->getDelivery(kEcA, id + 1000).value().has_value());
      // Reporting again on a delivered row is refused: it is no longer pending.
      CHECK(store->reportDelivery(kEcA, id, {true, 9000, "", std::nullopt}).error().kind ==
            ErrorKind::kNotFound);

      // The history: each failure with its answer, the replay; the delivery is the row's own.
      using Outcome = DeliveryAttempt::Outcome;
      auto history = store->listDeliveryAttempts(kEcA, id);
      REQUIRE(history.ok());
      REQUIRE(history.value().size() == 3);
      CHECK(history.value()[0].attempt == 1);
      CHECK(history.value()[0].at_unix_ms == 2000);
      CHECK(history.value()[0].outcome == Outcome::kRetry);
      CHECK(history.value()[0].error == "HTTP 503");
      CHECK(history.value()[1].attempt == 2);
      CHECK(history.value()[1].at_unix_ms == 6000);
      CHECK(history.value()[1].outcome == Outcome::kDead);
      CHECK(history.value()[1].error == "HTTP 400");
      CHECK(history.value()[2].attempt == 2);
      CHECK(history.value()[2].at_unix_ms == 7000);
      CHECK(history.value()[2].outcome == Outcome::kReplayed);
      // Another EC's question about it gets nothing.
      CHECK(store->listDeliveryAttempts(kEcB, id).value().empty());
    }
    SECTION("page sizes are bounded") {
      CHECK(store->claimDeliveries(kEcA, 0, 0, 0).error().kind == ErrorKind::kInvalid);
      CHECK(store->listDeliveries(kEcA, DeliveryState::kPending, 0, 1001).error().kind ==
            ErrorKind::kInvalid);
    }
  });
}

TEST_CASE("store: a paused ledger route is not claimed, for any EC, until resumed", "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    CHECK(store->listPausedRoutes().value().empty());
    auto paused = store->pauseRoute("ledger-a", "operator", 1500);
    INFO((paused.ok() ? std::string() : paused.error().message));
    REQUIRE(paused.ok());
    CHECK(store->pauseRoute("", "no name", 1500).error().kind == ErrorKind::kInvalid);
    REQUIRE(commit(*store, receiptFor(kEcA, notice(6100).nav, "TOKEN-P", 1000)).ok());
    REQUIRE(commit(*store, receiptFor(kEcB, notice(6101).nav, "TOKEN-P", 1000)).ok());

    for (const char* ec : {kEcA, kEcB}) {
      auto claimed = store->claimDeliveries(ec, 2000, 62'000, 10);
      REQUIRE(claimed.value().size() == 1);
      CHECK(claimed.value()[0].route == "ledger-b");
    }
    // Pausing again keeps the first time and takes the new reason.
    REQUIRE(store->pauseRoute("ledger-a", "FATAL: bad credentials", 1800).ok());
    auto list = store->listPausedRoutes();
    REQUIRE(list.value().size() == 1);
    CHECK(list.value()[0].route == "ledger-a");
    CHECK(list.value()[0].paused_unix_ms == 1500);
    CHECK(list.value()[0].reason == "FATAL: bad credentials");
    // The held deliveries are still pending, with no attempt counted.
    auto pending = store->listDeliveries(kEcA, DeliveryState::kPending, 0, 10);
    REQUIRE(pending.value().size() == 2);

    CHECK(store->resumeRoute("ledger-a").value() == true);
    CHECK(store->resumeRoute("ledger-a").value() == false);
    CHECK(store->listPausedRoutes().value().empty());
    for (const char* ec : {kEcA, kEcB}) {
      auto claimed = store->claimDeliveries(ec, 3000, 63'000, 10);
      REQUIRE(claimed.value().size() == 1);
      CHECK(claimed.value()[0].route == "ledger-a");
      CHECK(claimed.value()[0].attempts == 1);
    }
    // The pause survives a reopen.
    REQUIRE(store->pauseRoute("ledger-b", "operator", 4000).ok());
    store.reset();
    store = h.open();
    REQUIRE(store->listPausedRoutes().value().size() == 1);
    CHECK(store->listPausedRoutes().value()[0].route == "ledger-b");
  });
}

TEST_CASE("store: a paused route's backlog holds back no other route; claims take the oldest due",
          "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    REQUIRE(store->pauseRoute("ledger-a", "operator", 500).ok());
    // 40 receipts, each with a delivery to both routes, due when received (1000..1039 ms), and
    // one to a third route only, received last.
    for (int i = 0; i < 40; ++i) {
      REQUIRE(commit(*store, receiptFor(kEcA, notice(7000 + i).nav, "TOKEN-Q" + std::to_string(i),
                                        1000 + i))
                  .ok());
    }
    REQUIRE(commit(*store, receiptFor(kEcA, notice(7100).nav, "TOKEN-Q-LAST", 1100, {"ledger-c"}))
                .ok());
    auto oldestFirst = [](const std::vector<Delivery>& ds) {
      for (std::size_t i = 1; i < ds.size(); ++i) {
        if (ds[i - 1].created_unix_ms > ds[i].created_unix_ms) return false;
      }
      return true;
    };

    // With ledger-a held, its 40 older deliveries are passed over: ledger-b's, oldest first.
    auto claimed = store->claimDeliveries(kEcA, 5000, 65'000, 10);
    REQUIRE(claimed.ok());
    REQUIRE(claimed.value().size() == 10);
    for (const Delivery& d : claimed.value()) CHECK(d.route == "ledger-b");
    CHECK(claimed.value().front().created_unix_ms == 1000);
    CHECK(claimed.value().back().created_unix_ms == 1009);
    CHECK(oldestFirst(claimed.value()));

    // Resumed, the oldest due of all routes together: ledger-a's 1000..1019 and ledger-b's
    // 1010..1019 (its first ten are leased), not a share per route.
    REQUIRE(store->resumeRoute("ledger-a").value());
    claimed = store->claimDeliveries(kEcA, 5000, 65'000, 30);
    REQUIRE(claimed.ok());
    REQUIRE(claimed.value().size() == 30);
    CHECK(oldestFirst(claimed.value()));
    int a = 0, b = 0;
    for (const Delivery& d : claimed.value()) {
      CHECK(d.created_unix_ms <= 1019);
      (d.route == "ledger-a" ? a : b) += 1;
    }
    CHECK(a == 20);
    CHECK(b == 10);

    // The rest, then the third route's one: nothing is left behind, nothing given twice.
    claimed = store->claimDeliveries(kEcA, 5000, 65'000, 1000);
    REQUIRE(claimed.ok());
    CHECK(claimed.value().size() == 20 + 20 + 1);
    CHECK(oldestFirst(claimed.value()));
    CHECK(claimed.value().back().route == "ledger-c");
    CHECK(store->claimDeliveries(kEcA, 5000, 65'000, 1000).value().empty());
  });
}

TEST_CASE("store: concurrent receipts from several threads are group-committed, each answered once",
          "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    constexpr int kThreads = 4;
    constexpr int kPerThread = 250;
    constexpr int kTotal = kThreads * kPerThread;
    std::vector<core::DebtPosition> positions;
    for (int i = 0; i < kTotal; ++i) {
      positions.push_back(singlePosition(kEcA, "GC-" + std::to_string(i), 10'000 + i));
    }
    for (const auto& r : store->upsertPositions(positions)) REQUIRE(r.ok());

    std::vector<std::atomic<int>> calls(kTotal);
    std::atomic<int> stored{0};
    Countdown all(kTotal);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int k = 0; k < kPerThread; ++k) {
          int i = t * kPerThread + k;
          store->commitReceipt(receiptFor(kEcA, positions[i].options[0].nav,
                                          "GC-TOKEN-" + std::to_string(i), 1000 + i, {"ledger"}),
                               [&, i](Result<ReceiptOutcome> r) {
                                 calls[i].fetch_add(1);
                                 if (r.ok() && r.value() == ReceiptOutcome::kStored) ++stored;
                                 all.arrive();
                               });
        }
      });
    }
    for (auto& t : threads) t.join();
    REQUIRE(all.wait());
    CHECK(stored.load() == kTotal);
    for (int i = 0; i < kTotal; ++i) REQUIRE(calls[i].load() == 1);

    CHECK(store->listReceipts(kEcA, 0, kForever).value().size() == kTotal);
    for (int i = 0; i < kTotal; i += 97) {
      CHECK(mustGet(*store, kEcA, "GC-" + std::to_string(i)).status == PositionStatus::kPaid);
    }
    int pending = 0;
    std::int64_t after = 0;
    for (;;) {
      auto page = store->listDeliveries(kEcA, DeliveryState::kPending, after, 1000);
      REQUIRE(page.ok());
      if (page.value().empty()) break;
      pending += static_cast<int>(page.value().size());
      after = page.value().back().id;
    }
    CHECK(pending == kTotal);
  });
}

TEST_CASE("store: spontaneous positions get unique sequence values, also across reopen",
          "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    constexpr int kThreads = 4;
    constexpr int kPerThread = 25;
    std::mutex mutex;
    std::vector<std::uint64_t> values;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int k = 0; k < kPerThread; ++k) {
          std::uint64_t value = 0;
          auto created = createSpontaneous(*store, kEcA, "spontaneous", &value);
          if (!created.ok() || created.value().iupd != "SPONT-" + std::to_string(value)) {
            ++failures;
            continue;
          }
          std::lock_guard lock(mutex);
          values.push_back(value);
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(failures.load() == 0);
    std::sort(values.begin(), values.end());
    REQUIRE(values.size() == kThreads * kPerThread);
    for (std::size_t i = 0; i < values.size(); ++i) CHECK(values[i] == i + 1);
    CHECK(store->countPositions().value() == kThreads * kPerThread);
    auto found = store->findByNotice(kEcA, notice(7'000'000'000 + 42).nav);
    REQUIRE(found.value().has_value());
    CHECK(found.value()->position.iupd == "SPONT-42");

    // A position that cannot be stored still uses up its value, so the next call moves on.
    auto promise = std::make_shared<std::promise<Result<core::DebtPosition>>>();
    store->createWithSequence(
        kEcA, "spontaneous",
        [](std::uint64_t) { return singlePosition(kEcA, "CLASH", 7'000'000'000 + 1); },
        [promise](Result<core::DebtPosition> r) { promise->set_value(std::move(r)); });
    auto clash = await(promise->get_future());
    REQUIRE_FALSE(clash.ok());
    CHECK(clash.error().kind == ErrorKind::kConflict);
    CHECK_FALSE(store->getPosition(kEcA, "CLASH").value().has_value());

    std::uint64_t next = 0;
    REQUIRE(createSpontaneous(*store, kEcA, "spontaneous", &next).ok());
    CHECK(next == 102);

    store.reset();
    store = h.open();
    REQUIRE(createSpontaneous(*store, kEcA, "spontaneous", &next).ok());
    CHECK(next == 103);
    // Counters are per EC and per name.
    REQUIRE(createSpontaneous(*store, kEcB, "spontaneous", &next).ok());
    CHECK(next == 1);
    auto other = createSpontaneous(*store, kEcA, "other", &next);
    CHECK(next == 1);
    CHECK_FALSE(other.ok());  // SPONT-1 exists in EC A: a conflict, but the value was handed out
  });
}

TEST_CASE("store: closing drains accepted receipts, and reopening keeps everything", "[store]") {
  forEachEngine([](EngineHarness& h) {
    constexpr int kCount = 50;
    std::atomic<int> answered{0};
    std::atomic<int> stored{0};
    std::vector<core::DebtPosition> positions;
    {
      auto store = h.open();
      for (int i = 0; i < kCount; ++i) {
        positions.push_back(singlePosition(kEcA, "RE-" + std::to_string(i), 20'000 + i));
        REQUIRE(store->upsertPosition(positions.back()).ok());
      }
      for (int i = 0; i < kCount; ++i) {
        store->commitReceipt(
            receiptFor(kEcA, positions[i].options[0].nav, "RE-TOKEN-" + std::to_string(i), 100 + i),
            [&](Result<ReceiptOutcome> r) {
              if (r.ok() && r.value() == ReceiptOutcome::kStored) ++stored;
              ++answered;
            });
      }
      // Closing right away: every accepted receipt must still be committed and answered.
    }
    CHECK(answered.load() == kCount);
    CHECK(stored.load() == kCount);

    auto store = h.open();
    CHECK(store->countPositions().value() == kCount);
    CHECK(store->listReceipts(kEcA, 0, kForever).value().size() == kCount);
    CHECK(store->listDeliveries(kEcA, DeliveryState::kPending, 0, 1000).value().size() ==
          2 * kCount);
    for (int i = 0; i < kCount; i += 7) {
      CHECK(mustGet(*store, kEcA, "RE-" + std::to_string(i)).status == PositionStatus::kPaid);
    }
    CHECK(
        commit(*store, receiptFor(kEcA, positions[0].options[0].nav, "RE-TOKEN-0", 999)).value() ==
        ReceiptOutcome::kDuplicate);
  });
}

TEST_CASE("store: a database from a newer ponte is refused", "[store]") {
  forEachEngine([](EngineHarness& h) {
    {
      auto store = h.open();
      REQUIRE(store->upsertPosition(singlePosition(kEcA, "KEEP", 30'000)).ok());
    }
    h.makeSchemaNewer();
    Error error;
    auto store = h.tryOpen(&error);
    CHECK(store == nullptr);
    CHECK(error.kind == ErrorKind::kFatal);
    CHECK_THAT(error.message, Catch::Contains("newer"));
  });
}

TEST_CASE("store: listPositions filters by status, debtor and due dates, and pages", "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    const core::Date jan1 = *core::Date::fromYmd(2026, 1, 1);
    for (int i = 0; i < 25; ++i) {
      char iupd[8];
      std::snprintf(iupd, sizeof iupd, "L-%02d", i);
      core::DebtPosition p = singlePosition(kEcA, iupd, 40'000 + i);
      p.status = i % 3 == 0 ? PositionStatus::kDraft : PositionStatus::kValid;
      if (i % 5 == 0) p.debtor.fiscal_code = "BNCGVN80A01H501X";
      p.options[0].due_date = jan1.plusDays(i);
      REQUIRE(store->upsertPosition(p).ok());
    }
    for (int i = 0; i < 3; ++i) {
      REQUIRE(
          store->upsertPosition(singlePosition(kEcB, "B-" + std::to_string(i), 40'100 + i)).ok());
    }
    auto iupds = [&](const PositionFilter& f) {
      auto r = store->listPositions(kEcA, f);
      REQUIRE(r.ok());
      std::vector<std::string> out;
      for (const auto& p : r.value()) out.push_back(p.iupd);
      return out;
    };

    PositionFilter paging;
    paging.limit = 10;
    std::vector<std::string> all;
    for (int page = 0; page < 4; ++page) {
      paging.page = page;
      auto chunk = iupds(paging);
      CHECK(chunk.size() == (page < 2 ? 10u : page == 2 ? 5u : 0u));
      all.insert(all.end(), chunk.begin(), chunk.end());
    }
    REQUIRE(all.size() == 25);
    CHECK(all.front() == "L-00");
    CHECK(all.back() == "L-24");
    CHECK(std::is_sorted(all.begin(), all.end()));

    PositionFilter drafts;
    drafts.status = PositionStatus::kDraft;
    CHECK(iupds(drafts).size() == 9);

    PositionFilter debtor;
    debtor.debtor_fiscal_code = "BNCGVN80A01H501X";
    CHECK(iupds(debtor) == std::vector<std::string>{"L-00", "L-05", "L-10", "L-15", "L-20"});

    PositionFilter due;
    due.due_from = jan1.plusDays(4);
    due.due_to = jan1.plusDays(8);
    CHECK(iupds(due) == std::vector<std::string>{"L-04", "L-05", "L-06", "L-07", "L-08"});

    PositionFilter combined = due;
    combined.status = PositionStatus::kValid;
    CHECK(iupds(combined) == std::vector<std::string>{"L-04", "L-05", "L-07", "L-08"});

    PositionFilter open_ended;
    open_ended.due_from = jan1.plusDays(22);
    CHECK(iupds(open_ended) == std::vector<std::string>{"L-22", "L-23", "L-24"});

    PositionFilter paid;
    paid.status = PositionStatus::kPaid;
    CHECK(iupds(paid).empty());
    CHECK(store->listPositions(kEcB, PositionFilter{}).value().size() == 3);

    // The count of each filter is the number of rows its pages hold; page and limit are ignored.
    auto count = [&](PositionFilter f) {
      f.page = 7;
      f.limit = 1;
      auto r = store->countMatchingPositions(kEcA, f);
      INFO((r.ok() ? std::string() : r.error().message));
      REQUIRE(r.ok());
      return r.value();
    };
    CHECK(count(PositionFilter{}) == 25);
    CHECK(count(drafts) == 9);
    CHECK(count(debtor) == 5);
    CHECK(count(due) == 5);
    CHECK(count(combined) == 4);
    CHECK(count(open_ended) == 3);
    CHECK(count(paid) == 0);
    CHECK(store->countMatchingPositions(kEcB, PositionFilter{}).value() == 3);
    CHECK(store->countMatchingPositions("00000000000", PositionFilter{}).value() == 0);

    PositionFilter bad;
    bad.limit = 0;
    CHECK(store->listPositions(kEcA, bad).error().kind == ErrorKind::kInvalid);
    bad.limit = 10;
    bad.page = -1;
    CHECK(store->listPositions(kEcA, bad).error().kind == ErrorKind::kInvalid);
  });
}

TEST_CASE("store: listReceipts returns one EC's receipts in a half-open time range", "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    for (int t : {3000, 1000, 2000}) {
      REQUIRE(commit(*store, receiptFor(kEcA, notice(50'000 + t).nav, "T" + std::to_string(t), t))
                  .ok());
    }
    REQUIRE(commit(*store, receiptFor(kEcB, notice(50'000).nav, "TB", 2000)).ok());

    auto ids = [&](std::int64_t from, std::int64_t to) {
      auto r = store->listReceipts(kEcA, from, to);
      REQUIRE(r.ok());
      std::vector<std::string> out;
      for (const auto& x : r.value()) out.push_back(x.receipt_id);
      return out;
    };
    CHECK(ids(1500, 3000) == std::vector<std::string>{"T2000"});
    CHECK(ids(1000, 3001) == std::vector<std::string>{"T1000", "T2000", "T3000"});
    CHECK(ids(0, 1000).empty());
    auto b = store->listReceipts(kEcB, 0, kForever);
    REQUIRE(b.value().size() == 1);
    CHECK(b.value()[0].receipt_id == "TB");
  });
}

TEST_CASE("store: listReceiptsByNotice returns one notice's receipts of one EC in received order",
          "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    core::DebtPosition a = singlePosition(kEcA, "BYNOTICE", 7000);
    core::DebtPosition other = singlePosition(kEcA, "OTHER", 7001);
    REQUIRE(store->upsertPosition(a).ok());
    REQUIRE(store->upsertPosition(other).ok());
    const std::string nav = a.options[0].nav;
    // Received out of id order: the list follows received_at.
    REQUIRE(commit(*store, receiptFor(kEcA, nav, "N-LATE", 9000)).value() ==
            ReceiptOutcome::kStored);
    REQUIRE(commit(*store, receiptFor(kEcA, nav, "N-EARLY", 8000)).value() ==
            ReceiptOutcome::kDoublePayment);
    REQUIRE(commit(*store, receiptFor(kEcA, other.options[0].nav, "N-OTHER", 8500)).ok());
    // The same notice number in another EC (where it is unknown) is that EC's business.
    REQUIRE(commit(*store, receiptFor(kEcB, nav, "N-EC-B", 8600)).value() ==
            ReceiptOutcome::kUnmatched);

    auto list = store->listReceiptsByNotice(kEcA, nav);
    REQUIRE(list.ok());
    REQUIRE(list.value().size() == 2);
    CHECK(list.value()[0].receipt_id == "N-EARLY");
    CHECK(list.value()[0].double_payment);
    CHECK(list.value()[0].received_at_unix_ms == 8000);
    CHECK(list.value()[0].ec_fiscal_code == kEcA);
    CHECK(list.value()[0].notice_number == nav);
    CHECK(list.value()[1].receipt_id == "N-LATE");
    CHECK_FALSE(list.value()[1].double_payment);
    CHECK(list.value()[1].raw_xml == "<soapenv:Envelope>N-LATE</soapenv:Envelope>");

    auto b = store->listReceiptsByNotice(kEcB, nav);
    REQUIRE(b.value().size() == 1);
    CHECK(b.value()[0].receipt_id == "N-EC-B");
    CHECK(b.value()[0].unmatched);
    CHECK(store->listReceiptsByNotice(kEcA, notice(7999).nav).value().empty());
  });
}

TEST_CASE("store: createPosition only creates, and of concurrent creations of one iupd one wins",
          "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    core::DebtPosition p = fullPosition(kEcA, "NEW-1", 7100, 2);
    auto created = store->createPosition(p);
    INFO((created.ok() ? std::string() : created.error().message));
    REQUIRE(created.ok());
    CHECK(created.value() == UpsertOutcome::kCreated);
    CHECK(mustGet(*store, kEcA, "NEW-1") == p);

    // Again, even unchanged or edited: the stored position stays as it was.
    CHECK(store->createPosition(p).error().kind == ErrorKind::kConflict);
    core::DebtPosition edited = p;
    edited.company_name = "Altro Comune";
    CHECK(store->createPosition(edited).error().kind == ErrorKind::kConflict);
    CHECK(mustGet(*store, kEcA, "NEW-1") == p);
    // Another iupd reusing one of its notices: refused, nothing written.
    core::DebtPosition thief = singlePosition(kEcA, "NEW-2", 7100);
    CHECK(store->createPosition(thief).error().kind == ErrorKind::kConflict);
    CHECK_FALSE(store->getPosition(kEcA, "NEW-2").value().has_value());
    // The same iupd in another EC is another position.
    CHECK(store->createPosition(singlePosition(kEcB, "NEW-1", 7100)).value() ==
          UpsertOutcome::kCreated);
    core::DebtPosition bad = singlePosition(kEcA, "", 7190);
    CHECK(store->createPosition(bad).error().kind == ErrorKind::kInvalid);

    // Threads racing to create the same iupd (each with its own notices): exactly one succeeds,
    // the others get kConflict, and the stored position is the winner's.
    constexpr int kThreads = 8;
    constexpr int kRounds = 5;
    for (int round = 0; round < kRounds; ++round) {
      const std::string iupd = "RACE-" + std::to_string(round);
      std::vector<Result<UpsertOutcome>> results(kThreads, Error{});
      std::atomic<int> ready{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
          core::DebtPosition mine = singlePosition(kEcA, iupd, 7200 + round * 100 + t);
          ready.fetch_add(1);
          while (ready.load() < kThreads) std::this_thread::yield();
          results[t] = store->createPosition(mine);
        });
      }
      for (auto& t : threads) t.join();
      int wins = 0;
      int winner = -1;
      for (int t = 0; t < kThreads; ++t) {
        if (results[t].ok()) {
          CHECK(results[t].value() == UpsertOutcome::kCreated);
          ++wins;
          winner = t;
        } else {
          INFO(results[t].error().message);
          CHECK(results[t].error().kind == ErrorKind::kConflict);
        }
      }
      REQUIRE(wins == 1);
      core::DebtPosition stored = mustGet(*store, kEcA, iupd);
      CHECK(stored.options[0].nav == notice(7200 + round * 100 + winner).nav);
      // The losers' notices were not indexed.
      for (int t = 0; t < kThreads; ++t) {
        auto found = store->findByNotice(kEcA, notice(7200 + round * 100 + t).nav);
        REQUIRE(found.ok());
        CHECK(found.value().has_value() == (t == winner));
      }
    }
  });
}

TEST_CASE("store: deletePosition removes a position in the given status, never its receipts",
          "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    core::DebtPosition draft = fullPosition(kEcA, "DEL-DRAFT", 7300, 1);
    draft.status = PositionStatus::kDraft;
    core::DebtPosition valid = singlePosition(kEcA, "DEL-VALID", 7310);
    REQUIRE(store->upsertPosition(draft).ok());
    REQUIRE(store->upsertPosition(valid).ok());

    CHECK(store->deletePosition(kEcA, "NO-SUCH", PositionStatus::kDraft).error().kind ==
          ErrorKind::kNotFound);
    // The iupd of another EC is not this EC's.
    CHECK(store->deletePosition(kEcB, "DEL-DRAFT", PositionStatus::kDraft).error().kind ==
          ErrorKind::kNotFound);
    auto wrong = store->deletePosition(kEcA, "DEL-VALID", PositionStatus::kDraft);
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().kind == ErrorKind::kConflict);
    CHECK(store->getPosition(kEcA, "DEL-VALID").value().has_value());

    auto deleted = store->deletePosition(kEcA, "DEL-DRAFT", PositionStatus::kDraft);
    INFO((deleted.ok() ? std::string() : deleted.error().message));
    REQUIRE(deleted.ok());
    CHECK_FALSE(store->getPosition(kEcA, "DEL-DRAFT").value().has_value());
    for (const auto& o : draft.options) {
      CHECK_FALSE(store->findByNotice(kEcA, o.nav).value().has_value());
    }
    CHECK(store->deletePosition(kEcA, "DEL-DRAFT", PositionStatus::kDraft).error().kind ==
          ErrorKind::kNotFound);
    CHECK(store->countMatchingPositions(kEcA, PositionFilter{}).value() == 1);
    // Its iupd and notices are free again.
    CHECK(store->createPosition(draft).value() == UpsertOutcome::kCreated);

    // A paid position is not deleted as VALID; its receipt stays whatever happens to it.
    const std::string nav = valid.options[0].nav;
    REQUIRE(commit(*store, receiptFor(kEcA, nav, "DEL-TOKEN", 1000)).value() ==
            ReceiptOutcome::kStored);
    CHECK(store->deletePosition(kEcA, "DEL-VALID", PositionStatus::kValid).error().kind ==
          ErrorKind::kConflict);
    REQUIRE(store->deletePosition(kEcA, "DEL-VALID", PositionStatus::kPaid).ok());
    CHECK(store->listReceiptsByNotice(kEcA, nav).value().size() == 1);
    // A receipt for the deleted notice is kept, unmatched.
    CHECK(commit(*store, receiptFor(kEcA, nav, "DEL-TOKEN-2", 2000)).value() ==
          ReceiptOutcome::kUnmatched);
    CHECK(store->listReceiptsByNotice(kEcA, nav).value().size() == 2);
  });
}

TEST_CASE("store: a portal cart is recorded once and read back, tied by payment attempts",
          "[store]") {
  forEachEngine([](EngineHarness& h) {
    auto store = h.open();
    CartRecord cart;
    cart.id = "cart-0001";
    cart.caller = "portal-valbruna";
    cart.created_unix_ms = 1'700'000'000'000;
    cart.email = "mario.rossi@example.it";
    cart.checkout_url = "https://checkout.example/c/0001";
    cart.notices = {{kEcA, notice(7500).nav, 12'000, "TARI 2026, rata 1", 0},
                    {kEcB, notice(7501).nav, 1'600, "Diritti di segreteria", 0}};
    auto created = store->createCart(cart);
    INFO((created.ok() ? std::string() : created.error().message));
    REQUIRE(created.ok());
    auto got = store->getCart("cart-0001");
    REQUIRE(got.ok());
    REQUIRE(got.value().has_value());
    CHECK(*got.value() == cart);  // kept in order, nothing tied yet

    CartRecord again = cart;
    again.caller = "someone else";
    CHECK(store->createCart(again).error().kind == ErrorKind::kConflict);
    CHECK(store->getCart("cart-0001").value()->caller == "portal-valbruna");
    CartRecord no_id = cart;
    no_id.id.clear();
    CHECK(store->createCart(no_id).error().kind == ErrorKind::kInvalid);
    CartRecord empty = cart;
    empty.id = "cart-0002";
    empty.notices.clear();
    CHECK(store->createCart(empty).error().kind == ErrorKind::kInvalid);
    CHECK_FALSE(store->getCart("cart-0002").value().has_value());
    CHECK_FALSE(store->getCart("no-such-cart").value().has_value());

    // The node asks for the first notice's payment data with the cart id as payment note (and
    // again later): the first attempt ties it. Attempts with other notes tie nothing.
    store->recordPaymentAttempt(kEcA, cart.notices[0].nav, "cart-0001", 5000);
    store->recordPaymentAttempt(kEcA, cart.notices[0].nav, "cart-0001", 6000);
    store->recordPaymentAttempt(kEcB, cart.notices[1].nav, "another-cart", 5500);
    std::optional<CartRecord> tied;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      tied = store->getCart("cart-0001").value();
      if (tied && tied->notices[0].tied_unix_ms != 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(tied.has_value());
    CHECK(tied->notices[0].tied_unix_ms == 5000);
    CHECK(tied->notices[1].tied_unix_ms == 0);
  });
}

}  // namespace ponte::store::testing

TEST_CASE("store: the audit journal records, filters by EC, notice and time, and purges", "[store]") {
  ponte::store::testing::forEachEngine([](ponte::store::testing::EngineHarness& h) {
    std::unique_ptr<ponte::store::Store> store = h.open();
    for (int i = 0; i < 6; ++i) {
      ponte::store::AuditEntry e;
      e.at_unix_ms = 1000 * (i + 1);
      e.operation = "paVerifyPaymentNotice";
      e.ec = i % 2 == 0 ? "80015010723" : "83000390019";
      e.notice = i < 4 ? "301000000000012373" : "301000000000020158";
      e.outcome = i == 5 ? "PAA_PAGAMENTO_SCONOSCIUTO" : "OK";
      e.client_subject = "CN=pagopa-node-dev";
      e.latency_us = 100 + i;
      store->recordAudit(e);
    }
    // Entries are written in batches: reopening drains the writer, so all six are there.
    store.reset();
    store = h.open();
    auto all = store->listAudit({});
    REQUIRE(all);
    REQUIRE(all.value().size() == 6);
    CHECK(all.value().front().at_unix_ms == 6000);  // newest first
    CHECK(all.value().front().outcome == "PAA_PAGAMENTO_SCONOSCIUTO");

    ponte::store::AuditFilter one_ec;
    one_ec.ec = "80015010723";
    CHECK(store->listAudit(one_ec).value().size() == 3);
    one_ec.notice = "301000000000012373";
    CHECK(store->listAudit(one_ec).value().size() == 2);
    ponte::store::AuditFilter window;
    window.from_unix_ms = 2000;
    window.to_unix_ms = 4000;  // exclusive
    CHECK(store->listAudit(window).value().size() == 2);
    window.limit = 0;
    CHECK_FALSE(store->listAudit(window));

    auto purged = store->purgeAudit(3500);
    REQUIRE(purged);
    CHECK(purged.value() == 3);
    CHECK(store->listAudit({}).value().size() == 3);
  });
}
