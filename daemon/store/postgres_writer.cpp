// Group commit on one thread. A batch first runs without savepoints (one round trip saved per
// job); only when a job fails is it rolled back and replayed with a savepoint around each job,
// so one failing job costs the others nothing but time.
#include "store/postgres_writer.h"
#include "core/thread_name.h"

#include <algorithm>
#include <exception>
#include <optional>

namespace ponte::store::pg {
namespace {

constexpr std::size_t kMaxRecordsPerBatch = 256;

Result<Done> runJob(WriteJob& job, Connection& db) {
  try {
    return job.run(db);
  } catch (const std::exception& e) {
    return Error{ErrorKind::kInvalid, std::string("write job threw: ") + e.what()};
  } catch (...) {
    return Error{ErrorKind::kInvalid, "write job threw a non-standard exception"};
  }
}

}  // namespace

Writer::Writer(PoolOptions pool, WriterOptions options)
    : pool_(std::move(pool)), options_(options) {
  thread_ = std::thread([this] {
    core::nameThisThread("ponte-writer");
    loop();
  });
}

Writer::~Writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Writer::submit(std::unique_ptr<WriteJob> job) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && jobs_.size() < options_.max_pending) {
      jobs_.push_back(Queued{std::move(job), 0});
      wake_.notify_one();
      return;
    }
  }
  Error refused{ErrorKind::kUnavailable, "postgres: the writer queue is full or closing"};
  job->complete(&refused);
}

void Writer::submitAttempt(PaymentAttempt attempt) {
  std::lock_guard lock(mutex_);
  if (stopping_ || attempts_.size() + audit_.size() >= options_.max_pending_records) {
    ++stats_.records_dropped;
    return;
  }
  attempts_.push_back(std::move(attempt));
  wake_.notify_one();
}

void Writer::submitAudit(AuditEntry entry) {
  std::lock_guard lock(mutex_);
  if (stopping_ || attempts_.size() + audit_.size() >= options_.max_pending_records) {
    ++stats_.records_dropped;
    return;
  }
  audit_.push_back(std::move(entry));
  wake_.notify_one();
}

bool Writer::onWriterThread() const { return std::this_thread::get_id() == thread_.get_id(); }

Writer::Stats Writer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Writer::loop() {
  std::vector<Queued> jobs;
  std::vector<PaymentAttempt> attempts;
  std::vector<AuditEntry> audit;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] {
        return stopping_ || !jobs_.empty() || !attempts_.empty() || !audit_.empty();
      });
      if (jobs_.empty() && attempts_.empty() && audit_.empty()) return;  // stopping, drained
      while (!jobs_.empty() && jobs.size() < options_.max_batch) {
        jobs.push_back(std::move(jobs_.front()));
        jobs_.pop_front();
      }
      // Records ride along with the receipts' transaction, at most kMaxRecordsPerBatch each.
      std::size_t take = std::min(attempts_.size(), kMaxRecordsPerBatch);
      attempts.assign(std::make_move_iterator(attempts_.begin()),
                      std::make_move_iterator(attempts_.begin() + static_cast<long>(take)));
      attempts_.erase(attempts_.begin(), attempts_.begin() + static_cast<long>(take));
      take = std::min(audit_.size(), kMaxRecordsPerBatch);
      audit.assign(std::make_move_iterator(audit_.begin()),
                   std::make_move_iterator(audit_.begin() + static_cast<long>(take)));
      audit_.erase(audit_.begin(), audit_.begin() + static_cast<long>(take));
    }
    runBatch(jobs, attempts, audit);
    jobs.clear();
    attempts.clear();
    audit.clear();
  }
}

void Writer::runBatch(std::vector<Queued>& jobs, std::vector<PaymentAttempt>& attempts,
                      std::vector<AuditEntry>& audit) {
  const std::size_t n = jobs.size();
  const std::size_t records = attempts.size() + audit.size();
  std::vector<std::optional<Error>> failures(n);
  std::vector<bool> retry(n, false);
  std::optional<Error> batch_failure;
  bool records_written = false;
  bool replayed = false;

  // Arrival order is kept among jobs on the same rows (two receipts for one notice: the first
  // pays it, the second is the double payment).
  std::stable_sort(jobs.begin(), jobs.end(), [](const Queued& a, const Queued& b) {
    return a.job->lockKey() < b.job->lockKey();
  });
  auto lease = pool_.acquire();
  if (!lease) {
    batch_failure = lease.error();
  } else {
    Connection& db = *lease.value();
    // Records alone are not worth a WAL flush: they become durable with the next commit that
    // waits for one.
    const std::string begin =
        n == 0 ? "BEGIN; SET LOCAL synchronous_commit = off" : std::string("BEGIN");
    auto abandon = [&](Error e) {
      if (!db.broken() && db.inTransaction()) db.exec("ROLLBACK", "roll back the batch");
      batch_failure = std::move(e);
    };

    // Fast pass: every job in one transaction, no savepoints.
    bool fast_ok = false;
    if (auto r = db.exec(begin, "begin a batch"); !r) {
      abandon(r.error());
    } else {
      fast_ok = true;
      for (std::size_t i = 0; i < n && fast_ok; ++i) fast_ok = runJob(*jobs[i].job, db).ok();
      if (fast_ok) fast_ok = writeSideRecords(db, attempts, audit).ok();
      if (fast_ok && !db.inFailedTransaction()) {
        if (auto c = db.exec("COMMIT", "commit a batch"); !c) {
          abandon(c.error());
        } else {
          records_written = records > 0;
        }
      } else if (db.broken()) {
        abandon(Error{ErrorKind::kUnavailable, "postgres: the connection was lost in a batch"});
        fast_ok = true;  // nothing to replay on a dead connection
      } else {
        fast_ok = false;
      }
    }

    // Replay: a savepoint around each job, so a failing job loses only its own writes.
    if (!fast_ok && !batch_failure) {
      replayed = true;
      if (auto r = db.exec("ROLLBACK", "roll back the batch"); !r) {
        abandon(r.error());
      } else if (auto b = db.exec(begin, "begin a batch"); !b) {
        abandon(b.error());
      } else {
        for (std::size_t i = 0; i < n && !batch_failure; ++i) {
          if (auto s = db.exec("SAVEPOINT job", "savepoint"); !s) {
            abandon(s.error());
            break;
          }
          auto result = runJob(*jobs[i].job, db);
          if (result) {
            if (auto r = db.exec("RELEASE SAVEPOINT job", "release savepoint"); !r) {
              abandon(r.error());
            }
            continue;
          }
          if (db.broken()) {
            abandon(result.error());
            break;
          }
          failures[i] = result.error();
          retry[i] = isRetryable(db.lastSqlState()) && jobs[i].retries < options_.max_job_retries;
          if (auto r =
                  db.exec("ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job", "roll back a job");
              !r) {
            abandon(r.error());
          }
        }
        if (!batch_failure && records > 0) {
          // A record that cannot be written is only a lost record; it must not cost the jobs of
          // the batch their commit.
          if (db.exec("SAVEPOINT records", "savepoint") &&
              writeSideRecords(db, attempts, audit).ok() &&
              db.exec("RELEASE SAVEPOINT records", "release savepoint")) {
            records_written = true;
          } else if (!db.broken()) {
            db.exec("ROLLBACK TO SAVEPOINT records", "roll back records");
          }
        }
        if (!batch_failure && db.inFailedTransaction()) {
          // COMMIT would answer ROLLBACK without an error: never report that as durable.
          abandon(Error{ErrorKind::kUnavailable, "postgres: the batch's transaction failed"});
          records_written = false;
        } else if (!batch_failure) {
          if (auto c = db.exec("COMMIT", "commit a batch"); !c) {
            abandon(c.error());
            records_written = false;
          }
        }
      }
    }
  }

  std::vector<Queued> again;
  {
    std::lock_guard lock(mutex_);
    if (!batch_failure) {
      ++stats_.transactions;
    }
    if (replayed) ++stats_.replays;
    if (records_written && !batch_failure) {
      stats_.records_written += records;
    } else {
      stats_.records_dropped += records;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!batch_failure && retry[i]) {
        ++stats_.retried_jobs;
        again.push_back(Queued{std::move(jobs[i].job), jobs[i].retries + 1});
      } else {
        ++stats_.jobs;
      }
    }
    // Lost deadlocks go first into the next transaction, in their original order.
    for (auto it = again.rbegin(); it != again.rend(); ++it) jobs_.push_front(std::move(*it));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!jobs[i].job) continue;  // moved to the next batch
    const Error* failure = batch_failure ? &*batch_failure : failures[i] ? &*failures[i] : nullptr;
    jobs[i].job->complete(failure);
  }
}

}  // namespace ponte::store::pg
