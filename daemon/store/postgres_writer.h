// The writer thread of the PostgreSQL engine and its group commit: the pending jobs share one
// transaction and one WAL flush (synchronous_commit on), and no job is answered before that
// commit is durable. Jobs that lose a deadlock against another instance run again in the next
// transaction.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres_pool.h"
#include "store/postgres_writes.h"
#include "store/store.h"

namespace ponte::store::pg {

// One unit of work for the writer (a receipt, a spontaneous position).
class WriteJob {
 public:
  virtual ~WriteJob() = default;
  // Runs on the writer thread inside the batch's transaction. May run more than once (the
  // batch is replayed job by job after a failure), so it must derive everything from the
  // database and its own inputs. An error undoes this job's writes and is passed to complete().
  // An exception counts as a kInvalid error. A job that keeps its writes returns Done even when
  // its own answer is an error (a spontaneous position that conflicts still uses its value).
  virtual Result<Done> run(Connection& db) = 0;
  // Called exactly once, after the transaction ended: failure is null when run() succeeded and
  // the commit is durable. Must not throw.
  virtual void complete(const Error* failure) noexcept = 0;
  // The rows this job locks first, as a sort key. The writer runs each batch in key order, so
  // two instances' batches lock rows in the same order and seldom deadlock each other.
  virtual std::string lockKey() const = 0;
};

struct WriterOptions {
  std::size_t max_batch = 1000;
  std::size_t max_pending = 100000;
  std::size_t max_pending_records = 100000;  // payment attempts and audit entries
  int max_job_retries = 3;                   // deadlocks lost before a job fails kUnavailable
};

class Writer {
 public:
  // Starts the thread; it takes its connection from `pool` (a pool of its own, so readers never
  // wait behind it) for each batch.
  Writer(PoolOptions pool, WriterOptions options);
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  // Stops accepting jobs, runs and completes every job accepted before, then joins.
  ~Writer();

  // Queues a job. When max_pending jobs are waiting or the writer is stopping, the job is
  // completed at once on the calling thread with kUnavailable.
  void submit(std::unique_ptr<WriteJob> job);
  // Queues a payment attempt or an audit entry for the next transaction; not durable by itself
  // (a batch of records alone commits without waiting for the WAL flush). Dropped, and counted,
  // when max_pending_records are waiting or the database is unreachable.
  void submitAttempt(PaymentAttempt attempt);
  void submitAudit(AuditEntry entry);

  struct Stats {
    std::uint64_t transactions = 0;  // committed
    std::uint64_t jobs = 0;          // completed, with or without error
    std::uint64_t replays = 0;       // batches replayed job by job after a failure
    std::uint64_t retried_jobs = 0;  // jobs moved to the next batch after a deadlock
    std::uint64_t records_written = 0;
    std::uint64_t records_dropped = 0;
  };
  Stats stats() const;

  // True on the writer thread itself (inside a job or a callback).
  bool onWriterThread() const;

 private:
  struct Queued {
    std::unique_ptr<WriteJob> job;
    int retries = 0;
  };
  void loop();
  void runBatch(std::vector<Queued>& jobs, std::vector<PaymentAttempt>& attempts,
                std::vector<AuditEntry>& audit);

  Pool pool_;
  WriterOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> jobs_;
  std::vector<PaymentAttempt> attempts_;
  std::vector<AuditEntry> audit_;
  bool stopping_ = false;
  Stats stats_;

  std::thread thread_;  // last: started after everything above is built
};

}  // namespace ponte::store::pg
