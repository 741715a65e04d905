// A bounded pool of PostgreSQL connections, made on demand and dropped when broken, that fails
// fast while the server is unreachable instead of letting every caller wait for a connect.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres_connection.h"

namespace ponte::store::pg {

struct PoolOptions {
  ConnectOptions connect;
  int size = 8;  // at most this many connections open at once
  // After a failed connect, calls fail at once with kUnavailable for this long, and then one
  // caller at a time tries again: an outage costs each request microseconds, not a timeout.
  int retry_after_failure_ms = 200;
};

class Pool {
 public:
  explicit Pool(PoolOptions options);
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  // Closes the idle connections. Every Lease must have been destroyed.
  ~Pool();

  // A connection lent to one caller; given back (or closed, when broken) by the destructor.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn, bool fresh)
        : pool_(pool), conn_(std::move(conn)), fresh_(fresh) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }
    // True when the connection was made for this lease (not reused from the pool).
    bool fresh() const { return fresh_; }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
    bool fresh_;
  };

  // An idle connection, or a new one when fewer than `size` are open. Waits up to
  // connect_timeout_ms when all are lent. kUnavailable when no connection can be had (the
  // message says why); kInvalid for a malformed dsn.
  Result<Lease> acquire();

  // Runs fn(Connection&) on a leased connection. When fn fails because a reused connection was
  // found broken (the server restarted since it was last used), fn runs once more on a fresh
  // one: only for work that is safe to repeat (reads, single-statement writes).
  template <class Fn>
  auto withRetry(Fn fn) -> decltype(fn(std::declval<Connection&>())) {
    for (int attempt = 0;; ++attempt) {
      auto lease = acquire();
      if (!lease) return lease.error();
      auto result = fn(*lease.value());
      if (result.ok() || attempt > 0 || lease.value().fresh() || !lease.value()->broken()) {
        return result;
      }
    }
  }

  struct Stats {
    std::size_t open = 0;  // connections open (idle or lent)
    std::size_t idle = 0;
    std::uint64_t connects = 0;  // successful
    std::uint64_t connect_failures = 0;
    std::uint64_t dropped = 0;  // broken connections closed
  };
  Stats stats() const;

 private:
  void giveBack(std::unique_ptr<Connection> conn);

  PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
  bool probing_ = false;  // one caller is trying to connect after a failure
  std::chrono::steady_clock::time_point failed_at_{};
  std::string failure_;  // empty while the server is reachable
  Stats stats_;
};

}  // namespace ponte::store::pg
