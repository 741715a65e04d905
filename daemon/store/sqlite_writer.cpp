// Group commit on one thread: take everything pending, one transaction, one fsync, then answer.
#include "store/sqlite_writer.h"

#include "store/sqlite_wal_gather.h"

#include <sqlite3.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <type_traits>

#include "core/thread_name.h"
#include "store/sqlite_writes.h"

namespace ponte::store::sqlite {
namespace {

// Side records riding along with jobs: at most this many per transaction, so that a flood of
// paGetPayment adds well under a millisecond to a receipt's commit.
constexpr std::size_t kMaxAttemptsPerBatch = 256;
// Side records in a transaction of their own, when nothing else is pending.
constexpr std::size_t kMaxSideBatch = 2048;

int onWalCommit(void* pages, sqlite3*, const char*, int wal_pages) {
  *static_cast<int*>(pages) = wal_pages;
  return SQLITE_OK;
}

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

Writer::Writer(std::unique_ptr<Connection> db, std::unique_ptr<Connection> checkpoints,
               WriterOptions options)
    : db_(std::move(db)),
      options_(options),
      next_background_(options.background_checkpoint_pages),
      checkpoint_db_(std::move(checkpoints)) {
  // Our hook replaces SQLite's automatic checkpoint, which would run inside COMMIT and delay
  // every answer of the batch; checkpointIfDue hands it to the checkpoint thread instead.
  sqlite3_wal_hook(db_->raw(), onWalCommit, &wal_pages_);
  // FULL: the checkpoint syncs the WAL before copying it (commits of side records alone are not
  // synced) and the database before the WAL may be started over.
  (void)checkpoint_db_->exec("PRAGMA synchronous=FULL", "configure the checkpoint connection");
  checkpoint_thread_ = std::thread([this] {
    core::nameThisThread("ponte-checkpt");
    checkpointLoop();
  });
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
  sqlite3_wal_hook(db_->raw(), nullptr, nullptr);
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_stopping_ = true;
  }
  checkpoint_wake_.notify_one();
  checkpoint_thread_.join();
}

void Writer::submit(std::unique_ptr<WriteJob> job) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && jobs_.size() < options_.max_pending) {
      const bool patient = job->patient();
      if (patient && jobs_.size() == urgent_jobs_) {
        first_patient_ = std::chrono::steady_clock::now();
      }
      if (!patient) ++urgent_jobs_;
      jobs_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  Error refused{ErrorKind::kUnavailable, "sqlite: the writer queue is full or closing"};
  job->complete(&refused);
}

void Writer::submitAttempt(PaymentAttempt attempt) { submitSide(SideRecord(std::move(attempt))); }

void Writer::submitAudit(AuditEntry entry) { submitSide(SideRecord(std::move(entry))); }

void Writer::submitSide(SideRecord record) {
  std::lock_guard lock(mutex_);
  if (stopping_ || attempts_.size() >= options_.max_pending_attempts) {
    ++stats_.attempts_dropped;
    return;
  }
  if (attempts_.empty()) first_side_ = std::chrono::steady_clock::now();
  attempts_.push_back(std::move(record));
  // The writer sleeps on side records alone until they make a batch or their delay is up.
  if (attempts_.size() == 1 || attempts_.size() == kMaxSideBatch) wake_.notify_one();
}

bool Writer::onWriterThread() const { return std::this_thread::get_id() == thread_.get_id(); }

Writer::Stats Writer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Writer::loop() {
  std::vector<std::unique_ptr<WriteJob>> jobs;
  std::vector<SideRecord> attempts;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty() || !attempts_.empty(); });
      if (jobs_.empty() && attempts_.empty()) return;  // stopping, and everything drained
      // Only patient jobs and side records: wait for an urgent job, a full batch or the
      // earliest of their delays (a patient job arriving meanwhile brings that earlier).
      const auto ready = [&] {
        return stopping_ || urgent_jobs_ > 0 || attempts_.size() >= kMaxSideBatch ||
               jobs_.size() >= options_.max_batch;
      };
      while (!ready()) {
        auto due = std::chrono::steady_clock::time_point::max();
        if (!jobs_.empty()) due = first_patient_ + options_.patient_delay;
        if (!attempts_.empty()) due = std::min(due, first_side_ + options_.side_delay);
        if (std::chrono::steady_clock::now() >= due) break;
        wake_.wait_until(lock, due);
      }
      while (!jobs_.empty() && jobs.size() < options_.max_batch) {
        if (!jobs_.front()->patient()) --urgent_jobs_;
        jobs.push_back(std::move(jobs_.front()));
        jobs_.pop_front();
      }
      // Attempts ride along with the receipts' transaction: a flood of paGetPayment adds at
      // most kMaxAttemptsPerBatch inserts (well under a millisecond) to a receipt's commit.
      std::size_t take =
          std::min(attempts_.size(), jobs.empty() ? kMaxSideBatch : kMaxAttemptsPerBatch);
      attempts.assign(std::make_move_iterator(attempts_.begin()),
                      std::make_move_iterator(attempts_.begin() + static_cast<long>(take)));
      attempts_.erase(attempts_.begin(), attempts_.begin() + static_cast<long>(take));
    }
    runBatch(jobs, attempts);
    jobs.clear();
    attempts.clear();
    checkpointIfDue();
  }
}

Result<Done> Writer::setDurable(bool durable) {
  int mode = durable ? 1 : 0;
  if (mode == sync_mode_) return Done{};
  auto r = db_->exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                     "set synchronous");
  if (r) sync_mode_ = mode;
  return r;
}

void Writer::runBatch(std::vector<std::unique_ptr<WriteJob>>& jobs,
                      std::vector<SideRecord>& attempts) {
  Connection& db = *db_;
  std::vector<std::optional<Error>> failures(jobs.size());
  std::optional<Error> batch_failure;
  std::size_t attempts_written = 0;

  auto fail_batch = [&](Error e) {
    if (db.inTransaction()) db.exec("ROLLBACK", "roll back batch");
    batch_failure = std::move(e);
  };

  const bool durable = !jobs.empty();
  if (auto r = setDurable(durable); !r) {
    batch_failure = r.error();
  } else if (auto begin = db.run("BEGIN IMMEDIATE"); !begin) {
    batch_failure = begin.error();
  } else {
    // Only a durable commit syncs the WAL before the other connections can see its frames.
    if (durable) gatherWalWrites(db.raw(), true);
    for (std::size_t i = 0; i < jobs.size() && !batch_failure; ++i) {
      if (auto r = db.run("SAVEPOINT job"); !r) {
        fail_batch(r.error());
        break;
      }
      auto result = runJob(*jobs[i], db);
      if (result) {
        if (auto r = db.run("RELEASE job"); !r) fail_batch(r.error());
        continue;
      }
      failures[i] = result.error();
      if (!db.inTransaction()) {
        // SQLite rolled the whole transaction back by itself (disk full, I/O error): the jobs
        // already run in this batch are gone too.
        batch_failure = result.error();
        break;
      }
      if (auto r = db.run("ROLLBACK TO job"); !r) {
        fail_batch(r.error());
      } else if (auto r2 = db.run("RELEASE job"); !r2) {
        fail_batch(r2.error());
      }
    }
    if (!batch_failure) {
      for (const auto& record : attempts) {
        // A record that cannot be written is only a lost record; it must not cost the receipts
        // of the batch their commit.
        const bool written = std::visit(
            [&db](const auto& r) -> bool {
              if constexpr (std::is_same_v<std::decay_t<decltype(r)>, PaymentAttempt>) {
                return static_cast<bool>(
                    writePaymentAttempt(db, r.ec, r.nav, r.payment_note, r.at_unix_ms));
              } else {
                return static_cast<bool>(writeAuditEntry(db, r));
              }
            },
            record);
        if (written) ++attempts_written;
        if (!db.inTransaction()) break;
      }
      if (!db.inTransaction()) {
        batch_failure = db.error("payment attempts");
      } else if (auto commit = db.run("COMMIT"); !commit) {
        fail_batch(commit.error());
      }
    }
  }

  if (durable) {
    // Committed, the gathered writes went out with the WAL's sync; rolled back, they are frames
    // past the log's end, still written in order, as they would have been one by one.
    if (const int rc = gatherWalWrites(db.raw(), false); rc != SQLITE_OK && !batch_failure) {
      batch_failure = db.error("write the log", rc);
    }
  }
  if (!batch_failure) commits_.fetch_add(1, std::memory_order_release);
  {
    std::lock_guard lock(mutex_);
    if (!batch_failure) {
      ++stats_.transactions;
      stats_.attempts_written += attempts_written;
    } else {
      stats_.attempts_dropped += attempts.size();
    }
    stats_.jobs += jobs.size();
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Error* failure = batch_failure ? &*batch_failure : failures[i] ? &*failures[i] : nullptr;
    jobs[i]->complete(failure);
  }
}

void Writer::checkpointIfDue() {
  if (wal_pages_ < last_wal_pages_) {
    next_background_ = options_.background_checkpoint_pages;  // the WAL started over
  }
  last_wal_pages_ = wal_pages_;
  if (wal_pages_ >= options_.checkpoint_pages && !checkpoint_running_.load()) {
    // PASSIVE: never waits for readers; what it cannot copy now is copied next time. When it
    // copies everything, the next transaction starts the WAL over.
    sqlite3_wal_checkpoint_v2(db_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    wal_pages_ = 0;
    last_wal_pages_ = 0;
    next_background_ = options_.background_checkpoint_pages;
    std::lock_guard lock(mutex_);
    ++stats_.checkpoints;
    return;
  }
  if (wal_pages_ < next_background_) return;
  next_background_ = wal_pages_ + options_.background_checkpoint_pages;
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_due_ = true;
  }
  checkpoint_wake_.notify_one();
}

void Writer::checkpointLoop() {
  for (;;) {
    {
      std::unique_lock lock(checkpoint_mutex_);
      checkpoint_wake_.wait(lock, [&] { return checkpoint_stopping_ || checkpoint_due_; });
      if (checkpoint_stopping_) return;
      checkpoint_due_ = false;
    }
    checkpoint_running_.store(true);
    // PASSIVE, concurrent with the writer's commits: copies the frames committed so far that
    // no reader still needs from the WAL.
    sqlite3_wal_checkpoint_v2(checkpoint_db_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    checkpoint_running_.store(false);
    std::lock_guard lock(mutex_);
    ++stats_.background_checkpoints;
  }
}

}  // namespace ponte::store::sqlite
