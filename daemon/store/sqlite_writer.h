// The single writer thread of the SQLite engine and its group commit: every pending job shares
// one BEGIN IMMEDIATE transaction (each in its own savepoint) and one fsync, and no job is
// answered before that commit is durable.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "store/sqlite_connection.h"
#include "store/store.h"

namespace ponte::store::sqlite {

// One unit of work for the writer (a receipt, an upsert, a spontaneous position...).
class WriteJob {
 public:
  virtual ~WriteJob() = default;
  // Runs on the writer thread inside the job's own savepoint. An error rolls the savepoint back
  // (only this job's writes are lost) and is passed to complete(). An exception counts as a
  // kInvalid error. A job that keeps its writes returns Done even when its own answer is an
  // error (a spontaneous position that conflicts still consumes its counter value).
  virtual Result<Done> run(Connection& db) = 0;
  // Called exactly once, after the transaction ended: failure is null when run() succeeded and
  // the commit is durable, else the error of run() or of the transaction. Must not throw.
  virtual void complete(const Error* failure) noexcept = 0;
  // A patient job does not start a transaction of its own at once: like the side records, it
  // waits for another job, a full batch or WriterOptions::patient_delay, so the outbox's leases
  // and reports ride along with the receipts' commits instead of adding commits of their own.
  virtual bool patient() const { return false; }
};

struct PaymentAttempt {
  std::string ec;
  std::string nav;
  std::string payment_note;
  std::int64_t at_unix_ms = 0;
};

// A record written alongside the jobs, without a durable commit of its own: a payment attempt
// or an audit entry. Lost records are counted, never waited for.
using SideRecord = std::variant<PaymentAttempt, AuditEntry>;

struct WriterOptions {
  std::size_t max_batch = 1000;
  std::size_t max_pending = 100000;
  std::size_t max_pending_attempts = 100000;
  // Checkpoints copy the WAL into the database file. A thread of its own, with a connection of
  // its own, runs one every background_checkpoint_pages new WAL pages, concurrently with the
  // commits, so no job waits behind its copy and fsyncs. It cannot start the WAL over, as new
  // frames keep coming while it copies: once the WAL holds checkpoint_pages, the writer itself
  // runs one between two transactions (mostly copying what came since the last background one)
  // and its next transaction starts the WAL from the beginning. Measured against the writer
  // running every checkpoint itself (at 250 pages when no job was waiting, 1 000 otherwise) in
  // alternating runs on 2 cores: paSendRTV2 closed loop 6 488 to 6 832/s instead of 5 585 to
  // 6 014/s (p99 17.8 to 19.3 ms instead of 24.2 to 27.0), and at 3 750/s a lower p99 in 11 of
  // 14 pairs of runs (medians 9.6 and 10.8 ms).
  int checkpoint_pages = 4000;
  int background_checkpoint_pages = 250;
  // Side records with no job to ride along wait up to this long (or until a batch of them is
  // pending) before a transaction of their own: each commit makes every reader's page cache
  // stale and rewrites the last page of each table, so under a flood of paVerify a commit per
  // few entries costs the node path throughput. Yet a batch is a burst of work on the writer
  // that the event loops wait behind on a small machine: at 10 000 paVerify/s on 2 cores, the
  // median p99 over alternating runs was 1.8 ms with 50 ms batches, 2.5 ms with 200 ms and
  // 1.4 ms with 10 ms, and closed-loop throughput was the same at 10 and 50 ms. Nobody waits
  // for side records: an audit entry or payment attempt is readable this much later at most.
  std::chrono::milliseconds side_delay{10};
  // A patient job (an outbox lease or report) with no urgent job to ride along waits up to this
  // long: a delivery thread waits for it.
  std::chrono::milliseconds patient_delay{10};
};

class Writer {
 public:
  // Takes the writer connection and a second connection to the same database for the
  // background checkpoints, and starts both threads.
  Writer(std::unique_ptr<Connection> db, std::unique_ptr<Connection> checkpoints,
         WriterOptions options);
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  // Stops accepting jobs, commits and completes every job accepted before, then joins.
  ~Writer();

  // Queues a job. When max_pending jobs are waiting or the writer is stopping, the job is
  // completed at once on the calling thread with kUnavailable.
  void submit(std::unique_ptr<WriteJob> job);

  // Queues a payment attempt for the next transaction. Attempts alone are committed without an
  // fsync (they become durable with the next receipt's commit or a checkpoint). Dropped when
  // max_pending_attempts are waiting.
  void submitAttempt(PaymentAttempt attempt);
  // The same for an audit journal entry (sharing the attempts' limit).
  void submitAudit(AuditEntry entry);

  struct Stats {
    std::uint64_t transactions = 0;  // committed
    std::uint64_t jobs = 0;          // completed, with or without error
    std::uint64_t attempts_written = 0;
    std::uint64_t attempts_dropped = 0;
    std::uint64_t checkpoints = 0;             // of the WAL, run by the writer thread
    std::uint64_t background_checkpoints = 0;  // run by the checkpoint thread
  };
  Stats stats() const;

  // True on the writer thread itself (inside a job or a callback), where waiting for the writer
  // would deadlock.
  bool onWriterThread() const;

  // How many transactions this writer has committed. It moves after each COMMIT and before the
  // jobs of that transaction are completed, so a reader that still finds the value it saw when
  // its snapshot began knows that nothing it could have waited for was committed since.
  std::uint64_t commits() const { return commits_.load(std::memory_order_acquire); }

 private:
  void loop();
  void submitSide(SideRecord record);
  void runBatch(std::vector<std::unique_ptr<WriteJob>>& jobs, std::vector<SideRecord>& attempts);
  Result<Done> setDurable(bool durable);
  void checkpointIfDue();
  void checkpointLoop();

  std::unique_ptr<Connection> db_;
  WriterOptions options_;
  int sync_mode_ = -1;  // 1 FULL, 0 NORMAL, -1 not set yet
  int wal_pages_ = 0;   // written by SQLite's wal hook on the writer thread
  // The WAL size (in pages) at the last commit, and the one at which the next background
  // checkpoint is due; both only used on the writer thread.
  int last_wal_pages_ = 0;
  int next_background_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<WriteJob>> jobs_;
  std::size_t urgent_jobs_ = 0;  // the jobs_ that are not patient
  std::vector<SideRecord> attempts_;
  // When the oldest waiting side record, and the oldest waiting patient job, came.
  std::chrono::steady_clock::time_point first_side_;
  std::chrono::steady_clock::time_point first_patient_;
  bool stopping_ = false;
  Stats stats_;
  std::atomic<std::uint64_t> commits_{0};

  // The checkpoint thread and its connection, guarded by checkpoint_mutex_.
  std::unique_ptr<Connection> checkpoint_db_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool checkpoint_due_ = false;
  bool checkpoint_stopping_ = false;
  std::atomic<bool> checkpoint_running_{false};
  std::thread checkpoint_thread_;

  std::thread thread_;  // last: started after everything above is built
};

}  // namespace ponte::store::sqlite
