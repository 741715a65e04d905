// The outbox worker: delivers every confirmed receipt to the ledgers of its EC, on threads of its
// own (never the node's event loops). At-least-once: each attempt is leased in the store, so a
// crash only delays a delivery, and a ledger sees a receipt again only with the same idempotency
// key. Failures are retried with exponential backoff and jitter, never given up silently: a
// ledger's REJECT dead-letters the delivery for an operator, a FATAL disables the ledger (paused
// in the store) until an operator resumes it, and a delivery pending for too long raises an
// alert (a log line and a metric).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "outbox/backoff.h"
#include "outbox/ledger_receipt.h"
#include "outbox/ledger_set.h"
#include "store/store.h"

namespace ponte::outbox {

struct OutboxOptions {
  int workers = 2;  // delivery threads
  BackoffPolicy backoff;
  std::int64_t alert_after_ms = 3'600'000;  // a delivery pending longer than this raises an alert
  // How long a claimed delivery is reserved for its worker; after that another may take it.
  std::int64_t lease_ms = 300'000;
  int batch = 20;  // deliveries claimed at once per EC, 1..1000
  // The delivery threads' nice value (0..19). Above 0 the event loops and the writer, which the
  // node waits for, get the CPU first when it is short; deliveries catch up when it is not.
  int nice = 10;
  // While the node has requests in flight (see start()), a thread that claimed a batch waits up
  // to this long (real time) for it to go quiet before delivering it; zero: never waits. Under
  // a sustained peak deliveries still go on, at least one batch per thread per wait.
  std::chrono::milliseconds yield_to_node{50};
  // How long an idle thread waits (real time) before looking for due deliveries again.
  std::chrono::milliseconds idle_wait{1000};
  // Clock time between two checks of paused routes and of pending ages (0: every pass).
  std::int64_t housekeeping_ms = 5000;
  // Uniform draws in [0, 1) for the jitter; empty: a seeded generator per thread.
  std::function<double()> random;
};

// Counters since start, for tests and metrics.
struct OutboxStats {
  std::uint64_t delivered = 0;
  std::uint64_t retried = 0;    // attempts that failed and were scheduled again
  std::uint64_t dead = 0;       // deliveries dead-lettered
  std::uint64_t disabled = 0;   // ledgers disabled after FATAL
  std::uint64_t alerts = 0;     // times an EC's oldest pending delivery became late
  std::uint64_t released = 0;   // claimed but handed back undelivered (stop, lease running out)
  // Not tried and scheduled again: their ledger answered RETRY to an earlier delivery of the
  // same batch (a ledger that is down is asked once per pass, not once per receipt).
  std::uint64_t postponed = 0;
};

// An EC whose oldest pending delivery is older than alert_after_ms, as of the last check.
struct LateDelivery {
  std::string ec;
  std::int64_t delivery_id = 0;
  std::string route;
  std::int64_t age_ms = 0;
  int attempts = 0;
  std::string last_error;
};

class OutboxWorker {
 public:
  // Delivers the deliveries of `ecs` through `ledgers`. Borrows store, ledgers, clock, log and
  // metrics (may be null): each must outlive the worker. Nothing runs until start() or runOnce().
  OutboxWorker(store::Store& store, LedgerSet& ledgers, std::vector<std::string> ecs,
               const core::Clock& clock, ops::Logger& log, ops::Metrics* metrics,
               OutboxOptions options);
  // Stops the threads (see stop()).
  ~OutboxWorker();
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Starts options.workers threads, each looping over runOnce() and waiting idle_wait (or for
  // wake()) when nothing was due. `node_busy` (may be empty), called from those threads, says
  // whether the node listener has requests in flight now: before delivering each batch a thread
  // gives way to them for up to options.yield_to_node. It must stay callable until stop() returns.
  void start(std::function<bool()> node_busy = {});
  // Lets each thread finish the delivery in progress (bounded by the ledger's own timeout),
  // hands back what they had claimed and not yet tried, and joins them. Idempotent.
  void stop();
  // Makes idle threads look for due deliveries now (e.g. after a fake clock moved).
  void wake();

  // One pass on the calling thread: housekeeping when due, then for each EC one batch of due
  // deliveries claimed and attempted. Returns the number of deliveries attempted. Safe to call
  // from several threads at once; what start() runs, and what tests call with a fake clock.
  std::size_t runOnce();

  OutboxStats stats() const;
  // Whether the EC's oldest pending delivery is older than alert_after_ms (as of the last check).
  bool alerting(const std::string& ec) const;
  // Every EC alerting now, with its oldest pending delivery (as of the last check), by EC.
  std::vector<LateDelivery> lateDeliveries() const;

 private:
  void loop();
  void housekeeping();
  // Housekeeping's halves: paused and disabled routes; pending counts and late deliveries.
  void checkRoutes(std::int64_t now);
  void checkAges(std::int64_t now);
  // Whether the node is busy, when deliveries give way to it (yield_to_node above zero).
  bool nodeBusy() const;
  // Waits while node_busy_() says the node is busy, up to options_.yield_to_node.
  void yieldToNode();
  // The results of one claimed batch, recorded together once the batch is done (one durable
  // commit for the batch, not one per delivery). A crash before that delivers the batch again,
  // with the same idempotency keys.
  using Reports = std::vector<store::DeliveryOutcome>;
  // Attempts one delivery; returns the ledger's reason when it answered RETRY.
  // The view of the receipt last delivered in a pass: a receipt's deliveries to its EC's routes
  // are claimed together, and its stored JSON is then parsed once for all of them.
  struct ReceiptView {
    std::int64_t receipt_row = 0;
    std::unique_ptr<LedgerReceipt> view;
    std::string error;
  };
  std::optional<std::string> deliverOne(const store::Delivery& d, Reports& reports,
                                        ReceiptView& last);
  void postpone(const store::Delivery& d, const std::string& why, Reports& reports);
  void release(const store::Delivery& d, Reports& reports);
  void record(const std::string& ec, const Reports& reports);
  void count(const std::string& route, const char* outcome);
  // The EC's deliveries in that state; -1 when the store does not answer.
  std::int64_t countDeliveries(const std::string& ec, store::DeliveryState state);
  double draw();

  store::Store& store_;
  LedgerSet& ledgers_;
  const std::vector<std::string> ecs_;
  const core::Clock& clock_;
  ops::Logger& log_;
  ops::Metrics* metrics_;
  const OutboxOptions options_;

  std::atomic<bool> stopping_{false};
  std::mutex wait_mutex_;
  std::condition_variable wait_;
  bool woken_ = false;
  std::vector<std::thread> threads_;
  std::function<bool()> node_busy_;  // set by start(), before the threads run

  std::mutex housekeeping_mutex_;  // one thread at a time does housekeeping
  std::int64_t last_housekeeping_ms_ = INT64_MIN;
  bool counts_due_ = false;  // checkAges waits for a pass that finds the node quiet
  std::mutex held_mutex_;
  std::set<std::string> held_;  // disabled ledgers whose pause the store holds
  mutable std::mutex alert_mutex_;
  std::map<std::string, LateDelivery> alerting_;  // ECs late now

  std::atomic<std::uint64_t> delivered_{0}, retried_{0}, dead_{0}, disabled_{0}, alerts_{0},
      released_{0}, postponed_{0};
};

}  // namespace ponte::outbox
