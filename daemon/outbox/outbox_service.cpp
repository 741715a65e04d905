// Building, starting, reloading and stopping the outbox for `ponte serve`.
#include "outbox/outbox_service.h"

namespace ponte::outbox {

OutboxOptions outboxOptions(const ops::OutboxConfig& config) {
  OutboxOptions o;
  o.workers = config.workers;
  o.backoff.initial_ms = std::int64_t{config.initial_backoff_s} * 1000;
  o.backoff.max_ms = std::int64_t{config.max_backoff_s} * 1000;
  o.backoff.jitter = config.jitter;
  o.alert_after_ms = std::int64_t{config.alert_after_s} * 1000;
  o.lease_ms = std::int64_t{config.lease_s} * 1000;
  o.batch = config.batch;
  o.nice = config.nice;
  o.yield_to_node = std::chrono::milliseconds(config.yield_to_node_ms);
  return o;
}

std::vector<std::string> servedEcs(const ops::Config& config) {
  std::vector<std::string> ecs;
  for (const auto& ec : config.creditor_institutions) ecs.push_back(ec.fiscal_code);
  return ecs;
}

std::unique_ptr<OutboxService> OutboxService::open(const ops::Config& config, store::Store& store,
                                                   const core::Clock& clock, ops::Logger& log,
                                                   ops::Metrics* metrics,
                                                   std::vector<std::string>* errors) {
  auto ledgers = LedgerSet::open(config.ledgers, log, errors);
  if (!ledgers) return nullptr;
  auto service =
      std::unique_ptr<OutboxService>(new OutboxService(store, clock, log, metrics));
  service->worker_ = service->makeWorker(config, *ledgers);
  service->ledgers_ = std::move(ledgers);
  return service;
}

OutboxService::~OutboxService() { stop(); }

std::shared_ptr<OutboxWorker> OutboxService::makeWorker(const ops::Config& config,
                                                        LedgerSet& ledgers) const {
  return std::make_shared<OutboxWorker>(store_, ledgers, servedEcs(config), clock_, log_,
                                        metrics_, outboxOptions(config.outbox));
}

std::shared_ptr<OutboxWorker> OutboxService::worker() const {
  std::lock_guard lock(mutex_);
  return worker_;
}

void OutboxService::start(std::function<bool()> node_busy) {
  std::lock_guard lock(mutex_);
  started_ = true;
  node_busy_ = std::move(node_busy);
  if (!ledgers_->all().empty()) worker_->start(node_busy_);
}

void OutboxService::stop() {
  std::shared_ptr<OutboxWorker> worker;
  {
    std::lock_guard lock(mutex_);
    started_ = false;
    worker = worker_;
  }
  if (worker) worker->stop();
}

void OutboxService::replace(const ops::Config& config, std::unique_ptr<LedgerSet> ledgers) {
  std::shared_ptr<OutboxWorker> old_worker = makeWorker(config, *ledgers);
  std::unique_ptr<LedgerSet> old_ledgers = std::move(ledgers);
  {
    std::lock_guard lock(mutex_);
    std::swap(old_worker, worker_);
    std::swap(old_ledgers, ledgers_);
  }
  // Deliveries in flight finish on the old ledgers; what the old worker had claimed and not
  // tried is handed back and taken by the new one.
  old_worker->stop();
  old_worker.reset();
  old_ledgers.reset();
  std::lock_guard lock(mutex_);
  if (started_ && !ledgers_->all().empty()) worker_->start(node_busy_);
}

std::vector<LateDelivery> OutboxService::lateDeliveries() const {
  auto w = worker();
  return w ? w->lateDeliveries() : std::vector<LateDelivery>{};
}

OutboxStats OutboxService::stats() const {
  auto w = worker();
  return w ? w->stats() : OutboxStats{};
}

std::size_t OutboxService::routeCount() const {
  std::lock_guard lock(mutex_);
  return ledgers_ ? ledgers_->all().size() : 0;
}

}  // namespace ponte::outbox
