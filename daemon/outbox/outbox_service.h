// The outbox as `ponte serve` runs it: the configured ledgers and one worker over the configured
// ECs, started after the store opens and stopped before it closes, rebuilt on reload.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "ops/config.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "outbox/ledger_set.h"
#include "outbox/outbox_worker.h"
#include "store/store.h"

namespace ponte::outbox {

// The worker's options from the configuration's `outbox:` section.
OutboxOptions outboxOptions(const ops::OutboxConfig& config);

// The fiscal codes of the configured ECs, whose deliveries the worker takes.
std::vector<std::string> servedEcs(const ops::Config& config);

class OutboxService {
 public:
  // Loads every ledger of config.ledgers (plugins are dlopen'ed, each route's create() runs).
  // Null when any fails, with one message per failure in *errors naming the ledger. Borrows
  // store, clock, log and metrics (may be null): each must outlive the service. Nothing is
  // delivered before start().
  static std::unique_ptr<OutboxService> open(const ops::Config& config, store::Store& store,
                                             const core::Clock& clock, ops::Logger& log,
                                             ops::Metrics* metrics,
                                             std::vector<std::string>* errors);

  // Stops the worker (see stop()).
  ~OutboxService();
  OutboxService(const OutboxService&) = delete;
  OutboxService& operator=(const OutboxService&) = delete;

  // Starts the delivery threads. Without any ledger there is nothing to deliver and no thread
  // is started. `node_busy` (may be empty) says whether the node listener has requests in
  // flight; the threads give way to them (see OutboxWorker::start). It must stay callable
  // until stop() returns.
  void start(std::function<bool()> node_busy = {});
  // Lets each thread finish the delivery in progress (bounded by the ledger's own timeout) and
  // joins them; claimed deliveries not yet tried are handed back. Idempotent.
  void stop();

  // A reload: the ledgers are made again from `ledgers` (already opened by the caller with
  // LedgerSet::open, so that a ledger that fails refuses the whole reload before anything
  // changes), and the worker restarts over config's ECs and outbox options. Deliveries in
  // flight finish on the old ledgers first.
  void replace(const ops::Config& config, std::unique_ptr<LedgerSet> ledgers);

  // The ECs alerting now (see OutboxWorker::lateDeliveries). Thread-safe.
  std::vector<LateDelivery> lateDeliveries() const;
  // Counters since the last start or reload. Thread-safe.
  OutboxStats stats() const;
  // How many ledger routes are configured.
  std::size_t routeCount() const;

 private:
  OutboxService(store::Store& store, const core::Clock& clock, ops::Logger& log,
                ops::Metrics* metrics)
      : store_(store), clock_(clock), log_(log), metrics_(metrics) {}
  std::shared_ptr<OutboxWorker> makeWorker(const ops::Config& config, LedgerSet& ledgers) const;
  std::shared_ptr<OutboxWorker> worker() const;

  store::Store& store_;
  const core::Clock& clock_;
  ops::Logger& log_;
  ops::Metrics* metrics_;

  // Guards the members below. Never held while a worker stops (that waits for a ledger), so the
  // admin listener's readers are not delayed by a reload.
  mutable std::mutex mutex_;
  std::unique_ptr<LedgerSet> ledgers_;
  std::shared_ptr<OutboxWorker> worker_;  // borrows *ledgers_: stopped before they go
  bool started_ = false;
  std::function<bool()> node_busy_;  // kept for the workers a reload makes
};

}  // namespace ponte::outbox
