// The PostgreSQL Store: reads and synchronous writes on pooled connections, receipts and
// spontaneous positions as group-committed jobs of the writer thread.
#include "store/postgres_store.h"

#include <exception>
#include <fstream>

#include "store/postgres_connection.h"
#include "store/delivery_reports.h"
#include "store/receipt_json.h"
#include "store/postgres_migrations.h"
#include "store/postgres_pool.h"
#include "store/postgres_reads.h"
#include "store/postgres_writer.h"
#include "store/postgres_writes.h"

namespace ponte::store {
namespace {

using pg::Connection;
using pg::WriteJob;

// A transaction is retried this often when it loses a deadlock or a serialization check
// against another instance.
constexpr int kTransactionRetries = 3;
// Positions imported per transaction by upsertPositions.
constexpr std::size_t kImportChunk = 500;

// Callbacks belong to the caller; one that throws must not take the writer thread down.
template <class Fn, class Arg>
void answer(Fn& fn, Arg&& arg) noexcept {
  try {
    fn(std::forward<Arg>(arg));
  } catch (...) {
  }
}

class ReceiptJob final : public WriteJob {
 public:
  ReceiptJob(ReceiptWrite write, std::function<void(Result<ReceiptOutcome>)> done)
      : write_(std::move(write)), done_(std::move(done)) {
    if (write_.receipt_json.empty()) write_.receipt_json = receiptToJson(write_.receipt);
  }

  Result<Done> run(Connection& db) override {
    auto r = pg::writeReceipt(db, write_);
    if (!r) return r.error();
    outcome_ = r.value();
    return Done{};
  }
  // The paid position is locked first (see writeReceipt).
  std::string lockKey() const override {
    return "p\x1f" + write_.ec_fiscal_code + "\x1f" + write_.receipt.notice_number;
  }
  void complete(const Error* failure) noexcept override {
    if (failure) {
      answer(done_, Result<ReceiptOutcome>(*failure));
    } else {
      answer(done_, Result<ReceiptOutcome>(outcome_));
    }
  }

 private:
  ReceiptWrite write_;
  std::function<void(Result<ReceiptOutcome>)> done_;
  ReceiptOutcome outcome_ = ReceiptOutcome::kStored;
};

class SpontaneousJob final : public WriteJob {
 public:
  SpontaneousJob(std::string ec, std::string counter,
                 std::function<core::DebtPosition(std::uint64_t)> make,
                 std::function<void(Result<core::DebtPosition>)> done)
      : ec_(std::move(ec)),
        counter_(std::move(counter)),
        make_(std::move(make)),
        done_(std::move(done)) {}

  Result<Done> run(Connection& db) override {
    auto value = pg::nextSequenceValue(db, ec_, counter_);
    if (!value) return value.error();
    core::DebtPosition position = make_(value.value());  // may throw: the writer rolls back
    if (position.ec_fiscal_code != ec_) {
      outcome_ = Error{ErrorKind::kInvalid, "spontaneous position of EC " +
                                                position.ec_fiscal_code + " made for EC " + ec_};
      return Done{};
    }
    // A position that cannot be stored still consumes its counter value: otherwise the next
    // call would be handed the same value, make the same notice and fail the same way forever.
    if (auto r = db.exec("SAVEPOINT spontaneous", "savepoint"); !r) return r.error();
    auto written = pg::writePosition(db, position, /*must_create=*/true);
    if (!written) {
      // A lost deadlock or a dead connection is not the position's fault: the whole job runs
      // again (or fails kUnavailable), its value included.
      if (db.broken() || pg::isRetryable(db.lastSqlState())) return written.error();
      if (auto r = db.exec("ROLLBACK TO SAVEPOINT spontaneous; RELEASE SAVEPOINT spontaneous",
                           "roll back savepoint");
          !r) {
        return r.error();
      }
      outcome_ = written.error();
      return Done{};
    }
    if (auto r = db.exec("RELEASE SAVEPOINT spontaneous", "release savepoint"); !r) {
      return r.error();
    }
    outcome_ = std::move(position);
    return Done{};
  }
  // The counter row is locked first.
  std::string lockKey() const override { return "s\x1f" + ec_ + "\x1f" + counter_; }
  void complete(const Error* failure) noexcept override {
    if (failure) {
      answer(done_, Result<core::DebtPosition>(*failure));
    } else {
      answer(done_, std::move(*outcome_));
    }
  }

 private:
  std::string ec_;
  std::string counter_;
  std::function<core::DebtPosition(std::uint64_t)> make_;
  std::function<void(Result<core::DebtPosition>)> done_;
  std::optional<Result<core::DebtPosition>> outcome_;
};

pg::PoolOptions poolOptions(const PostgresOptions& o, int size) {
  pg::PoolOptions p;
  p.connect.dsn = o.dsn;
  p.connect.password = o.password;
  p.connect.connect_timeout_ms = o.connect_timeout_ms;
  p.connect.statement_timeout_ms = o.statement_timeout_ms;
  p.connect.application_name = o.application_name;
  p.size = size;
  return p;
}

// Ends a transaction with COMMIT, refusing to call an aborted one committed (PostgreSQL
// answers COMMIT on a failed transaction with a silent ROLLBACK).
Result<Done> commit(Connection& db) {
  if (db.inFailedTransaction()) {
    db.exec("ROLLBACK", "roll back");
    return Error{ErrorKind::kUnavailable, "postgres: the transaction failed before its commit"};
  }
  return db.exec("COMMIT", "commit");
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const PostgresOptions& options)
      : pool_(poolOptions(options, options.pool_size)),
        writer_(poolOptions(options, 1),
                pg::WriterOptions{options.max_batch, options.max_pending,
                                  options.max_pending_records, kTransactionRetries}) {}

  Result<std::optional<NoticeMatch>> findByNotice(const std::string& ec,
                                                  const std::string& nav) override {
    return pool_.withRetry([&](Connection& db) { return pg::readByNotice(db, ec, nav); });
  }

  Result<std::optional<core::DebtPosition>> getPosition(const std::string& ec,
                                                        const std::string& iupd) override {
    return pool_.withRetry([&](Connection& db) { return pg::readPosition(db, ec, iupd); });
  }

  Result<std::vector<core::DebtPosition>> listPositions(const std::string& ec,
                                                        const PositionFilter& filter) override {
    return pool_.withRetry([&](Connection& db) { return pg::readPositions(db, ec, filter); });
  }

  Result<std::vector<StoredReceipt>> listReceipts(const std::string& ec, std::int64_t from_unix_ms,
                                                  std::int64_t to_unix_ms) override {
    return pool_.withRetry(
        [&](Connection& db) { return pg::readReceipts(db, ec, from_unix_ms, to_unix_ms); });
  }

  Result<std::int64_t> countPositions() override {
    return pool_.withRetry([&](Connection& db) { return pg::readPositionCount(db); });
  }

  Result<std::int64_t> countMatchingPositions(const std::string& ec,
                                              const PositionFilter& filter) override {
    return pool_.withRetry(
        [&](Connection& db) { return pg::readMatchingPositionCount(db, ec, filter); });
  }

  Result<std::vector<StoredReceipt>> listReceiptsByNotice(const std::string& ec,
                                                          const std::string& nav) override {
    return pool_.withRetry([&](Connection& db) { return pg::readReceiptsByNotice(db, ec, nav); });
  }

  // One transaction: the insert of a new iupd waits for (and then loses to) a concurrent
  // creation of the same iupd by another instance, so exactly one of them succeeds.
  Result<UpsertOutcome> createPosition(const core::DebtPosition& position) override {
    return transact<UpsertOutcome>(
        [&](Connection& db) { return pg::writePosition(db, position, /*must_create=*/true); });
  }

  Result<Done> deletePosition(const std::string& ec, const std::string& iupd,
                              core::PositionStatus only_if) override {
    return transact<Done>(
        [&](Connection& db) { return pg::removePosition(db, ec, iupd, only_if); });
  }

  Result<UpsertOutcome> upsertPosition(const core::DebtPosition& position) override {
    return transact<UpsertOutcome>([&](Connection& db) { return pg::writePosition(db, position); });
  }

  std::vector<Result<UpsertOutcome>> upsertPositions(
      const std::vector<core::DebtPosition>& positions) override {
    std::vector<Result<UpsertOutcome>> out;
    out.reserve(positions.size());
    for (std::size_t first = 0; first < positions.size(); first += kImportChunk) {
      std::size_t last = std::min(positions.size(), first + kImportChunk);
      importChunk(positions, first, last, out);
    }
    return out;
  }

  void commitReceipt(ReceiptWrite write,
                     std::function<void(Result<ReceiptOutcome>)> done) override {
    writer_.submit(std::make_unique<ReceiptJob>(std::move(write), std::move(done)));
  }

  void recordPaymentAttempt(const std::string& ec, const std::string& nav,
                            const std::string& payment_note, std::int64_t at_unix_ms) override {
    writer_.submitAttempt(pg::PaymentAttempt{ec, nav, payment_note, at_unix_ms});
  }

  void createWithSequence(const std::string& ec, const std::string& counter,
                          std::function<core::DebtPosition(std::uint64_t)> make,
                          std::function<void(Result<core::DebtPosition>)> done) override {
    writer_.submit(std::make_unique<SpontaneousJob>(ec, counter, std::move(make), std::move(done)));
  }

  Result<Done> createCart(const CartRecord& cart) override {
    return transact<Done>([&](Connection& db) { return pg::writeCart(db, cart); });
  }

  Result<std::optional<CartRecord>> getCart(const std::string& id) override {
    return pool_.withRetry([&](Connection& db) { return pg::readCart(db, id); });
  }

  void recordAudit(AuditEntry entry) override { writer_.submitAudit(std::move(entry)); }

  Result<std::vector<AuditEntry>> listAudit(const AuditFilter& filter) override {
    if (filter.limit < 1 || filter.limit > 100000) {
      return Error{ErrorKind::kInvalid, "audit limit must be 1..100000"};
    }
    return pool_.withRetry([&](Connection& db) { return pg::readAudit(db, filter); });
  }

  Result<std::int64_t> purgeAudit(std::int64_t before_unix_ms) override {
    return once<std::int64_t>(
        [&](Connection& db) { return pg::deleteAuditBefore(db, before_unix_ms); });
  }

  Result<std::vector<Delivery>> listDeliveries(const std::string& ec, DeliveryState state,
                                               std::int64_t after_id, int limit) override {
    return pool_.withRetry(
        [&](Connection& db) { return pg::readDeliveries(db, ec, state, after_id, limit); });
  }

  Result<std::vector<Delivery>> claimDeliveries(const std::string& ec, std::int64_t now_unix_ms,
                                                std::int64_t lease_until_unix_ms,
                                                int limit) override {
    // Safe to repeat: a claim whose answer was lost only delays its rows until the lease ends.
    return pool_.withRetry([&](Connection& db) {
      return pg::claimDeliveries(db, ec, now_unix_ms, lease_until_unix_ms, limit);
    });
  }

  Result<std::int64_t> reportDeliveries(const std::string& ec,
                                        const std::vector<DeliveryOutcome>& outcomes) override {
    // Repeated on a lost connection: reports that did commit are then skipped, no longer pending.
    return transact<std::int64_t>(
        [&](Connection& db) {
          return writeDeliveryReports(db, ec, outcomes, pg::writeDeliveryReport);
        });
  }

  Result<std::int64_t> replayDeliveries(const std::string& ec,
                                        std::optional<std::int64_t> delivery_id,
                                        std::int64_t now_unix_ms) override {
    return once<std::int64_t>(
        [&](Connection& db) { return pg::reviveDeliveries(db, ec, delivery_id, now_unix_ms); });
  }

  Result<Done> pauseRoute(const std::string& route, const std::string& reason,
                          std::int64_t at_unix_ms) override {
    // An upsert: repeating it after a lost answer changes nothing.
    return pool_.withRetry(
        [&](Connection& db) { return pg::writeRoutePause(db, route, reason, at_unix_ms); });
  }

  Result<bool> resumeRoute(const std::string& route) override {
    // Not repeated on a lost connection: a resume that did commit would then answer false.
    return once<bool>([&](Connection& db) { return pg::removeRoutePause(db, route); });
  }

  Result<std::vector<PausedRoute>> listPausedRoutes() override {
    return pool_.withRetry([&](Connection& db) { return pg::readPausedRoutes(db); });
  }

  Result<std::optional<Delivery>> getDelivery(const std::string& ec, std::int64_t id) override {
    return pool_.withRetry([&](Connection& db) { return pg::readDelivery(db, ec, id); });
  }

  Result<std::int64_t> countDeliveries(const std::string& ec, DeliveryState state) override {
    return pool_.withRetry([&](Connection& db) { return pg::readDeliveryCount(db, ec, state); });
  }

  Result<std::vector<DeliveryAttempt>> listDeliveryAttempts(const std::string& ec,
                                                            std::int64_t delivery_id) override {
    return pool_.withRetry(
        [&](Connection& db) { return pg::readDeliveryAttempts(db, ec, delivery_id); });
  }

  // Takes a pooled connection and reads the schema through it.
  Result<Done> probe() {
    auto lease = pool_.acquire();
    if (!lease) return lease.error();
    auto rows = lease.value()->query("SELECT count(*) FROM schema_migrations", "probe");
    if (!rows) return rows.error();
    return Done{};
  }

 private:
  // Runs a single-statement write on a pooled connection, once.
  template <class T>
  Result<T> once(const std::function<Result<T>(Connection&)>& fn) {
    auto lease = pool_.acquire();
    if (!lease) return lease.error();
    return fn(*lease.value());
  }

  // Runs fn in a transaction, again when it loses a deadlock against another instance or when
  // a reused connection turns out broken before anything was committed.
  template <class T>
  Result<T> transact(const std::function<Result<T>(Connection&)>& fn) {
    for (int attempt = 0;; ++attempt) {
      auto lease = pool_.acquire();
      if (!lease) return lease.error();
      Connection& db = *lease.value();
      if (auto b = db.exec("BEGIN", "begin"); !b) {
        if (attempt == 0 && !lease.value().fresh() && db.broken()) continue;
        return b.error();
      }
      auto result = fn(db);
      if (!result) {
        const bool retry =
            attempt < kTransactionRetries && !db.broken() && pg::isRetryable(db.lastSqlState());
        if (!db.broken()) db.exec("ROLLBACK", "roll back");
        if (retry) continue;
        return result.error();
      }
      if (auto c = commit(db); !c) return c.error();
      return result;
    }
  }

  // Imports positions [first, last) in one transaction: first without savepoints; when any
  // position fails, the chunk is rolled back and replayed with a savepoint around each, so
  // every position still succeeds or fails on its own.
  void importChunk(const std::vector<core::DebtPosition>& positions, std::size_t first,
                   std::size_t last, std::vector<Result<UpsertOutcome>>& out) {
    const std::size_t count = last - first;
    auto failAll = [&](const Error& e) {
      for (std::size_t i = 0; i < count; ++i) out.push_back(e);
    };
    for (int attempt = 0;; ++attempt) {
      auto lease = pool_.acquire();
      if (!lease) return failAll(lease.error());
      Connection& db = *lease.value();
      std::vector<Result<UpsertOutcome>> results;
      results.reserve(count);
      bool clean = true;
      if (auto b = db.exec("BEGIN", "begin an import"); !b) return failAll(b.error());
      for (std::size_t i = first; i < last && clean; ++i) {
        results.push_back(pg::writePosition(db, positions[i]));
        clean = results.back().ok();
      }
      if (!clean && !db.broken()) {
        // Replay with savepoints.
        results.clear();
        if (auto r = db.exec("ROLLBACK; BEGIN", "replay an import"); !r) return failAll(r.error());
        bool retry = false;
        for (std::size_t i = first; i < last && !db.broken() && !retry; ++i) {
          if (auto s = db.exec("SAVEPOINT position", "savepoint"); !s) break;
          auto r = pg::writePosition(db, positions[i]);
          if (r) {
            db.exec("RELEASE SAVEPOINT position", "release savepoint");
          } else if (!db.broken()) {
            retry = pg::isRetryable(db.lastSqlState()) && attempt < kTransactionRetries;
            db.exec("ROLLBACK TO SAVEPOINT position; RELEASE SAVEPOINT position",
                    "roll back savepoint");
          }
          results.push_back(std::move(r));
        }
        if (retry) {
          db.exec("ROLLBACK", "roll back an import");
          continue;
        }
      }
      if (db.broken() || results.size() != count) {
        if (!db.broken()) db.exec("ROLLBACK", "roll back an import");
        return failAll(
            Error{ErrorKind::kUnavailable, "postgres: the connection was lost during an import"});
      }
      if (auto c = commit(db); !c) return failAll(c.error());
      for (auto& r : results) out.push_back(std::move(r));
      return;
    }
  }

  pg::Pool pool_;
  pg::Writer writer_;  // declared last: destroyed (drained, joined) first
};

Result<Done> checkOptions(const PostgresOptions& o) {
  if (o.dsn.empty()) return Error{ErrorKind::kInvalid, "postgres: no dsn"};
  if (o.pool_size < 1 || o.connect_timeout_ms < 1 || o.statement_timeout_ms < 1 ||
      o.max_batch < 1 || o.max_pending < 1) {
    return Error{ErrorKind::kInvalid,
                 "postgres: pool size, timeouts, batch and queue sizes must be positive"};
  }
  return Done{};
}

Result<int> migrateWith(const PostgresOptions& options) {
  if (auto r = checkOptions(options); !r) return r.error();
  pg::ConnectOptions c = poolOptions(options, 1).connect;
  // Migrations may rewrite big tables: the statement timeout of requests does not apply.
  c.statement_timeout_ms = std::max(options.statement_timeout_ms, 600'000);
  auto db = Connection::connect(c);
  if (!db) return db.error();
  return pg::applyMigrations(*db.value(), pg::migrations());
}

}  // namespace

Result<int> migratePostgres(const PostgresOptions& options) { return migrateWith(options); }

std::unique_ptr<Store> openPostgresStore(const PostgresOptions& options, Error* error) {
  auto fail = [&](Error e) -> std::unique_ptr<Store> {
    if (error) *error = std::move(e);
    return nullptr;
  };
  if (auto v = migrateWith(options); !v) return fail(v.error());
  try {
    auto store = std::make_unique<PostgresStore>(options);
    if (auto probe = store->probe(); !probe) return fail(probe.error());
    return store;
  } catch (const std::exception& e) {
    // Only std::thread creation can throw here (out of resources).
    return fail(Error{ErrorKind::kUnavailable,
                      std::string("postgres: cannot start the writer: ") + e.what()});
  }
}

Result<std::string> readPasswordFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{ErrorKind::kInvalid, "cannot read the password file " + path};
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.empty()) return Error{ErrorKind::kInvalid, "the password file " + path + " is empty"};
  return line;
}

}  // namespace ponte::store
