// The outbox worker's passes: claim, deliver through the ledger's adapter, report; and the
// housekeeping that resumes ledgers an operator fixed and raises alerts on late deliveries.
#include "outbox/outbox_worker.h"
#include "core/thread_name.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace ponte::outbox {
namespace {

constexpr const char* kDeliveries = "ponte_outbox_deliveries_total";
constexpr const char* kAlerts = "ponte_outbox_alerts_total";
constexpr const char* kOldest = "ponte_outbox_oldest_pending_seconds";
constexpr const char* kDisabled = "ponte_outbox_ledger_disabled";
constexpr const char* kWaiting = "ponte_outbox_waiting";
constexpr const char* kPaused = "ponte_outbox_route_paused";
constexpr const char* kYield = "ponte_outbox_yield_seconds_total";
// How often a thread giving way to the node looks again whether it went quiet.
constexpr std::chrono::microseconds kYieldPoll{2000};

// Rows counted per EC and state at each housekeeping pass; beyond this the gauge says "at least".

std::int64_t seconds(std::int64_t ms) { return ms / 1000; }

}  // namespace

OutboxWorker::OutboxWorker(store::Store& store, LedgerSet& ledgers, std::vector<std::string> ecs,
                           const core::Clock& clock, ops::Logger& log, ops::Metrics* metrics,
                           OutboxOptions options)
    : store_(store),
      ledgers_(ledgers),
      ecs_(std::move(ecs)),
      clock_(clock),
      log_(log),
      metrics_(metrics),
      options_(std::move(options)) {
  if (metrics_ == nullptr) return;
  metrics_->declare(kDeliveries, ops::Metrics::Type::kCounter,
                    "Deliveries to ledgers, by route and outcome: delivered, retry (failed, tried "
                    "again later), dead, disabled (the ledger answered FATAL), postponed (not "
                    "tried: the ledger failed on an earlier receipt of the same pass).");
  metrics_->declare(kAlerts, ops::Metrics::Type::kCounter,
                    "Times an EC's oldest pending delivery became older than outbox.alert_after_s.");
  metrics_->declare(kOldest, ops::Metrics::Type::kGauge,
                    "Age of the EC's oldest pending delivery (0 when none is pending).");
  metrics_->declare(kDisabled, ops::Metrics::Type::kGauge,
                    "1 while a ledger is disabled after a FATAL answer, until resumed.");
  metrics_->declare(kWaiting, ops::Metrics::Type::kGauge,
                    "Deliveries not delivered, by EC and state: pending (to be tried, or being "
                    "tried) and dead (refused by the ledger, waiting for `ponte outbox retry`).");
  metrics_->declare(kPaused, ops::Metrics::Type::kGauge,
                    "1 while a ledger route is paused (by `ponte outbox pause` or after FATAL).");
  metrics_->declare(kYield, ops::Metrics::Type::kCounter,
                    "Time the delivery threads waited for the node's requests in flight before "
                    "delivering a batch (outbox.yield_to_node_ms).");
  for (LedgerRoute* route : ledgers_.all()) {
    metrics_->set(kDisabled, {{"route", route->name()}}, 0);
    metrics_->set(kPaused, {{"route", route->name()}}, 0);
  }
}

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::start(std::function<bool()> node_busy) {
  node_busy_ = std::move(node_busy);
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    threads_.emplace_back([this] {
      core::nameThisThread("ponte-outbox");
      // Linux gives each thread its own nice value; lowering one's own priority needs no right.
      if (options_.nice > 0 &&
          setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), options_.nice) != 0) {
        log_.warning("outbox.nice_failed", {{"nice", options_.nice},
                                            {"detail", std::strerror(errno)},
                                            {"action", "deliveries run at the daemon's priority"}});
      }
      loop();
    });
  }
}

void OutboxWorker::stop() {
  stopping_.store(true);
  wake();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void OutboxWorker::wake() {
  {
    std::lock_guard lock(wait_mutex_);
    woken_ = true;
  }
  wait_.notify_all();
}

void OutboxWorker::loop() {
  while (!stopping_.load()) {
    if (runOnce() > 0) continue;
    std::unique_lock lock(wait_mutex_);
    wait_.wait_for(lock, options_.idle_wait, [this] { return woken_ || stopping_.load(); });
    woken_ = false;
  }
}

bool OutboxWorker::nodeBusy() const {
  return node_busy_ && options_.yield_to_node.count() > 0 && node_busy_();
}

void OutboxWorker::yieldToNode() {
  if (!nodeBusy()) return;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + options_.yield_to_node;
  auto now = start;
  while (!stopping_.load() && now < deadline && node_busy_()) {
    std::this_thread::sleep_for(kYieldPoll);
    now = std::chrono::steady_clock::now();
  }
  if (metrics_ != nullptr) {
    metrics_->add(kYield, {}, std::chrono::duration<double>(now - start).count());
  }
}

std::size_t OutboxWorker::runOnce() {
  housekeeping();
  std::size_t attempted = 0;
  for (const std::string& ec : ecs_) {
    if (stopping_.load()) break;
    const std::int64_t now = clock_.nowUnixMs();
    auto claimed = store_.claimDeliveries(ec, now, now + options_.lease_ms, options_.batch);
    if (!claimed) {
      log_.warning("outbox.claim_failed",
                   {{"ec", ec},
                    {"detail", claimed.error().message},
                    {"action", "deliveries wait in the database; they are tried again"}});
      continue;
    }
    // Only a batch to deliver waits for the node: an EC with nothing due costs no wait, so the
    // floor (a batch per thread per wait) holds however many ECs are served. The lease is far
    // longer than the wait; a stop during it hands the batch back below.
    if (!claimed.value().empty()) yieldToNode();
    // Ledgers that answered RETRY in this batch, with their reason: down or overloaded, they
    // are not asked again for the batch's other receipts (each would wait for the timeout).
    std::map<std::string, std::string> failing;
    Reports reports;
    reports.reserve(claimed.value().size());
    ReceiptView last;
    for (const store::Delivery& d : claimed.value()) {
      // A delivery whose lease is nearly over may soon be taken by another worker: hand it back
      // rather than deliver it twice at once. So does a stop.
      if (stopping_.load() || clock_.nowUnixMs() >= d.next_attempt_unix_ms - options_.lease_ms / 10) {
        release(d, reports);
        continue;
      }
      if (auto it = failing.find(d.route); it != failing.end()) {
        postpone(d, it->second, reports);
        continue;
      }
      if (auto why = deliverOne(d, reports, last)) failing.emplace(d.route, *why);
      ++attempted;
    }
    record(ec, reports);
  }
  return attempted;
}

std::optional<std::string> OutboxWorker::deliverOne(const store::Delivery& d, Reports& reports,
                                                    ReceiptView& last) {
  store::DeliveryReport r;
  LedgerRoute* route = ledgers_.find(d.route);
  if (route == nullptr) {
    // The row names a ledger no longer configured: kept pending, loudly, until one is.
    r.at_unix_ms = clock_.nowUnixMs();
    r.error = "no ledger named " + d.route + " in the configuration";
    r.retry_at_unix_ms = r.at_unix_ms + options_.backoff.max_ms;
    log_.error("outbox.unknown_ledger",
               {{"ec", d.ec_fiscal_code},
                {"delivery", d.id},
                {"route", d.route},
                {"action", "define the ledger under ledgers and restart ponte"}});
    count(d.route, "retry");
    retried_.fetch_add(1);
    reports.push_back({d.id, std::move(r)});
    return std::nullopt;
  }
  if (route->disabled()) {
    // Claimed before the ledger was disabled (same batch), or on an engine that cannot pause.
    // Held by a pause, it is due at once and goes when the ledger is resumed; otherwise it
    // waits the longest backoff, and the ledger stays off until a restart.
    bool held = false;
    {
      std::lock_guard lock(held_mutex_);
      held = held_.count(d.route) != 0;
    }
    r.at_unix_ms = clock_.nowUnixMs();
    r.error = "ledger disabled: " + route->disabledReason();
    r.retry_at_unix_ms = r.at_unix_ms + (held ? 0 : options_.backoff.max_ms);
    reports.push_back({d.id, std::move(r)});
    return std::nullopt;
  }
  if (last.receipt_row != d.receipt.id || d.receipt.id == 0) {
    last.error.clear();
    last.view = LedgerReceipt::fromDelivery(d, &last.error);
    last.receipt_row = d.receipt.id;
  }
  LedgerResult result;
  if (last.view) {
    result = route->deliver(*last.view);
  } else {
    result = {PONTE_LEDGER_REJECT, last.error};
  }
  const std::int64_t now = clock_.nowUnixMs();
  r.at_unix_ms = now;
  switch (result.status) {
    case PONTE_LEDGER_OK:
      r.delivered = true;
      delivered_.fetch_add(1);
      count(d.route, "delivered");
      log_.info("outbox.delivered", {{"ec", d.ec_fiscal_code},
                                     {"route", d.route},
                                     {"delivery", d.id},
                                     {"receipt_id", d.receipt.receipt_id},
                                     {"attempts", d.attempts}});
      break;
    case PONTE_LEDGER_RETRY: {
      const std::int64_t wait = backoffDelayMs(options_.backoff, d.attempts, draw());
      r.error = result.message;
      r.retry_at_unix_ms = now + wait;
      retried_.fetch_add(1);
      count(d.route, "retry");
      log_.warning("outbox.retry", {{"ec", d.ec_fiscal_code},
                                    {"route", d.route},
                                    {"delivery", d.id},
                                    {"attempts", d.attempts},
                                    {"next_in_s", seconds(wait)},
                                    {"error", result.message}});
      break;
    }
    case PONTE_LEDGER_REJECT:
      r.error = "rejected: " + result.message;
      dead_.fetch_add(1);
      count(d.route, "dead");
      log_.error("outbox.dead_letter",
                 {{"ec", d.ec_fiscal_code},
                  {"route", d.route},
                  {"delivery", d.id},
                  {"receipt_id", d.receipt.receipt_id},
                  {"error", result.message},
                  {"action", "fix the cause, then `ponte outbox retry " + std::to_string(d.id) +
                                 "`"}});
      break;
    case PONTE_LEDGER_FATAL: {
      route->disable(result.message);
      disabled_.fetch_add(1);
      count(d.route, "disabled");
      if (metrics_ != nullptr) metrics_->set(kDisabled, {{"route", d.route}}, 1);
      auto paused = store_.pauseRoute(d.route, "disabled after FATAL: " + result.message, now);
      if (paused) {
        std::lock_guard lock(held_mutex_);
        held_.insert(d.route);
      }
      r.error = "ledger FATAL: " + result.message;
      // Paused, the delivery is held by the pause and goes as soon as the ledger is resumed.
      r.retry_at_unix_ms = paused ? now : now + options_.backoff.max_ms;
      log_.error("outbox.ledger_disabled",
                 {{"route", d.route},
                  {"plugin", route->plugin().origin()},
                  {"error", result.message},
                  {"action", paused ? "fix the ledger, then `ponte outbox resume " + d.route + "`"
                                    : "fix the ledger, then restart ponte"}});
      break;
    }
  }
  reports.push_back({d.id, std::move(r)});
  if (result.status == PONTE_LEDGER_RETRY) return result.message;
  return std::nullopt;
}

void OutboxWorker::postpone(const store::Delivery& d, const std::string& why, Reports& reports) {
  store::DeliveryReport r;
  r.at_unix_ms = clock_.nowUnixMs();
  r.error = why + " (not tried: the ledger failed on an earlier receipt of the same pass)";
  r.retry_at_unix_ms = r.at_unix_ms + backoffDelayMs(options_.backoff, d.attempts, draw());
  postponed_.fetch_add(1);
  count(d.route, "postponed");
  reports.push_back({d.id, std::move(r)});
}

void OutboxWorker::record(const std::string& ec, const Reports& reports) {
  if (reports.empty()) return;
  auto done = store_.reportDeliveries(ec, reports);
  if (!done) {
    // The leases run out and another pass tries again: at worst a ledger sees a receipt twice,
    // with the same idempotency key.
    log_.warning("outbox.report_failed", {{"ec", ec},
                                          {"deliveries", static_cast<std::int64_t>(reports.size())},
                                          {"detail", done.error().message}});
  }
}

void OutboxWorker::release(const store::Delivery& d, Reports& reports) {
  store::DeliveryReport r;
  r.at_unix_ms = clock_.nowUnixMs();
  r.error = d.last_error;
  r.retry_at_unix_ms = r.at_unix_ms;
  released_.fetch_add(1);
  reports.push_back({d.id, std::move(r)});
}

void OutboxWorker::housekeeping() {
  std::unique_lock lock(housekeeping_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  const std::int64_t now = clock_.nowUnixMs();
  if (last_housekeeping_ms_ == INT64_MIN ||
      now - last_housekeeping_ms_ >= options_.housekeeping_ms) {
    last_housekeeping_ms_ = now;
    checkRoutes(now);
    counts_due_ = true;
  }
  // The counts and the oldest pending delivery are read with every receipt's deliveries queued
  // (an engine that queues them after the receipt, SQLite, queues them all for these reads).
  // While the node has requests in flight that would put its receipts behind the queueing: they
  // are read at the next pass that finds the node quiet, which under a steady load is soon.
  if (!counts_due_ || nodeBusy()) return;
  counts_due_ = false;
  checkAges(now);
}

void OutboxWorker::checkRoutes(std::int64_t now) {
  // A disabled ledger that is no longer paused was resumed by an operator: make it again.
  auto paused = store_.listPausedRoutes();
  if (paused) {
    std::set<std::string> names;
    for (const auto& p : paused.value()) names.insert(p.route);
    if (metrics_ != nullptr) {
      for (LedgerRoute* route : ledgers_.all()) {
        metrics_->set(kPaused, {{"route", route->name()}}, names.count(route->name()) ? 1 : 0);
      }
    }
    for (LedgerRoute* route : ledgers_.all()) {
      if (!route->disabled() || names.count(route->name()) != 0) continue;
      std::string error;
      if (route->enable(&error)) {
        {
          std::lock_guard held(held_mutex_);
          held_.erase(route->name());
        }
        log_.info("outbox.ledger_enabled", {{"route", route->name()}});
        if (metrics_ != nullptr) metrics_->set(kDisabled, {{"route", route->name()}}, 0);
      } else {
        if (store_.pauseRoute(route->name(), error, now)) {
          std::lock_guard held(held_mutex_);
          held_.insert(route->name());
        }
        log_.error("outbox.ledger_disabled",
                   {{"route", route->name()},
                    {"error", error},
                    {"action", "fix the ledger, then `ponte outbox resume " + route->name() + "`"}});
      }
    }
  }
}

void OutboxWorker::checkAges(std::int64_t now) {
  for (const std::string& ec : ecs_) {
    if (metrics_ != nullptr) {
      for (auto [state, name] : {std::pair(store::DeliveryState::kPending, "pending"),
                                 std::pair(store::DeliveryState::kDead, "dead")}) {
        if (auto n = countDeliveries(ec, state); n >= 0) {
          metrics_->set(kWaiting, {{"ec", ec}, {"state", name}}, static_cast<double>(n));
        }
      }
    }
    auto oldest = store_.listDeliveries(ec, store::DeliveryState::kPending, 0, 1);
    if (!oldest) continue;
    const store::Delivery* d = oldest.value().empty() ? nullptr : &oldest.value().front();
    const std::int64_t age = d ? std::max<std::int64_t>(0, now - d->created_unix_ms) : 0;
    if (metrics_ != nullptr) metrics_->set(kOldest, {{"ec", ec}}, static_cast<double>(age) / 1000);
    const bool late = d != nullptr && age > options_.alert_after_ms;
    std::lock_guard alert(alert_mutex_);
    const bool was_late = alerting_.count(ec) != 0;
    if (late) {
      alerting_[ec] = LateDelivery{ec, d->id, d->route, age, d->attempts, d->last_error};
    }
    if (late && !was_late) {
      alerts_.fetch_add(1);
      if (metrics_ != nullptr) metrics_->add(kAlerts, {{"ec", ec}});
      log_.warning("outbox.delivery_late",
                   {{"ec", ec},
                    {"delivery", d->id},
                    {"route", d->route},
                    {"age_s", seconds(age)},
                    {"attempts", d->attempts},
                    {"last_error", d->last_error},
                    {"action", "see `ponte outbox list --ec " + ec + "` and the ledger's state"}});
    } else if (!late && was_late) {
      alerting_.erase(ec);
      log_.info("outbox.delivery_late_cleared", {{"ec", ec}});
    }
  }
}

void OutboxWorker::count(const std::string& route, const char* outcome) {
  if (metrics_ != nullptr) metrics_->add(kDeliveries, {{"outcome", outcome}, {"route", route}});
}

double OutboxWorker::draw() {
  if (options_.random) return options_.random();
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

OutboxStats OutboxWorker::stats() const {
  OutboxStats s;
  s.delivered = delivered_.load();
  s.retried = retried_.load();
  s.dead = dead_.load();
  s.disabled = disabled_.load();
  s.alerts = alerts_.load();
  s.released = released_.load();
  s.postponed = postponed_.load();
  return s;
}

bool OutboxWorker::alerting(const std::string& ec) const {
  std::lock_guard lock(alert_mutex_);
  return alerting_.count(ec) != 0;
}

std::vector<LateDelivery> OutboxWorker::lateDeliveries() const {
  std::lock_guard lock(alert_mutex_);
  std::vector<LateDelivery> out;
  for (const auto& [ec, late] : alerting_) out.push_back(late);
  return out;
}

std::int64_t OutboxWorker::countDeliveries(const std::string& ec, store::DeliveryState state) {
  auto n = store_.countDeliveries(ec, state);
  return n ? n.value() : -1;
}

}  // namespace ponte::outbox
