// Connection pool: idle connections are checked before reuse, broken ones are closed, and a
// failed connect opens a short window in which callers are refused without trying.
#include "store/postgres_pool.h"

namespace ponte::store::pg {

using Clock = std::chrono::steady_clock;

Pool::Pool(PoolOptions options) : options_(std::move(options)) {}

Pool::~Pool() = default;

Pool::Lease::~Lease() {
  if (conn_) pool_->giveBack(std::move(conn_));
}

void Pool::giveBack(std::unique_ptr<Connection> conn) {
  std::unique_lock lock(mutex_);
  // A connection given back inside a transaction was abandoned half-way (an early return): its
  // locks must not stay held, and closing it is the surest rollback.
  if (conn->broken() || conn->inTransaction()) {
    --open_;
    ++stats_.dropped;
    lock.unlock();
    conn.reset();
  } else {
    idle_.push_back(std::move(conn));
    lock.unlock();
  }
  returned_.notify_one();
}

Result<Pool::Lease> Pool::acquire() {
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(options_.connect.connect_timeout_ms);
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (!conn->brokenWhileIdle()) return Lease(this, std::move(conn), false);
      // The server went away since this connection was last used (a restart, a failover):
      // close it and try the next; a new one is made below when none is left.
      conn.reset();
      lock.lock();
      --open_;
      ++stats_.dropped;
    }
    if (open_ < static_cast<std::size_t>(options_.size)) {
      const bool failing = !failure_.empty();
      if (failing && (probing_ || Clock::now() - failed_at_ <
                                      std::chrono::milliseconds(options_.retry_after_failure_ms))) {
        return Error{ErrorKind::kUnavailable, failure_};
      }
      ++open_;
      probing_ = failing;
      lock.unlock();
      auto conn = Connection::connect(options_.connect);
      lock.lock();
      probing_ = false;
      if (!conn) {
        --open_;
        ++stats_.connect_failures;
        failure_ = conn.error().message;
        failed_at_ = Clock::now();
        return conn.error();
      }
      ++stats_.connects;
      failure_.clear();
      return Lease(this, std::move(conn.value()), true);
    }
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= static_cast<std::size_t>(options_.size)) {
      return Error{ErrorKind::kUnavailable,
                   "postgres: all " + std::to_string(options_.size) +
                       " pool connections stayed busy for " +
                       std::to_string(options_.connect.connect_timeout_ms) + " ms"};
    }
  }
}

Pool::Stats Pool::stats() const {
  std::lock_guard lock(mutex_);
  Stats s = stats_;
  s.open = open_;
  s.idle = idle_.size();
  return s;
}

}  // namespace ponte::store::pg
