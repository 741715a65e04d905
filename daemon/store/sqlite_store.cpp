// The SQLite Store: reads on per-thread connections, writes as jobs of the group-commit writer.
#include "store/sqlite_store.h"

#include <exception>
#include <future>

#include "store/delivery_reports.h"
#include "store/receipt_json.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_readers.h"
#include "store/sqlite_reads.h"
#include "store/sqlite_schema.h"
#include "store/sqlite_wal_gather.h"
#include "store/sqlite_writer.h"
#include "store/sqlite_writes.h"

namespace ponte::store {
namespace {

using sqlite::Connection;
using sqlite::WriteJob;

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
    auto r = sqlite::writeReceipt(db, write_);
    if (!r) return r.error();
    outcome_ = r.value();
    return Done{};
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

// A write whose caller waits for it (upserts, outbox bookkeeping): the writer runs `fn` in the
// job's savepoint and the caller's future gets its result once the commit is durable.
template <class T>
class SyncJob final : public WriteJob {
 public:
  explicit SyncJob(std::function<Result<T>(Connection&)> fn, bool patient = false)
      : fn_(std::move(fn)), patient_(patient) {}

  std::future<Result<T>> future() { return promise_.get_future(); }

  Result<Done> run(Connection& db) override {
    auto r = fn_(db);
    if (!r) return r.error();
    value_ = std::move(r.value());
    return Done{};
  }
  void complete(const Error* failure) noexcept override {
    if (failure) {
      promise_.set_value(Result<T>(*failure));
    } else {
      promise_.set_value(Result<T>(std::move(*value_)));
    }
  }

  bool patient() const override { return patient_; }

 private:
  std::function<Result<T>(Connection&)> fn_;
  bool patient_;
  std::optional<T> value_;
  std::promise<Result<T>> promise_;
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
    auto value = sqlite::nextSequenceValue(db, ec_, counter_);
    if (!value) return value.error();
    core::DebtPosition position = make_(value.value());  // may throw: the writer rolls back
    if (position.ec_fiscal_code != ec_) {
      outcome_ = Error{ErrorKind::kInvalid, "spontaneous position of EC " +
                                                position.ec_fiscal_code + " made for EC " + ec_};
      return Done{};
    }
    // A position that cannot be stored still consumes its counter value: otherwise the next
    // call would be handed the same value, make the same notice and fail the same way forever.
    if (auto r = db.run("SAVEPOINT spontaneous"); !r) return r.error();
    auto written = sqlite::writePosition(db, position, /*must_create=*/true);
    if (!written) {
      if (!db.inTransaction()) return written.error();
      if (auto r = db.run("ROLLBACK TO spontaneous"); !r) return r.error();
      if (auto r = db.run("RELEASE spontaneous"); !r) return r.error();
      outcome_ = written.error();
      return Done{};
    }
    if (auto r = db.run("RELEASE spontaneous"); !r) return r.error();
    outcome_ = std::move(position);
    return Done{};
  }
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

class SqliteStore final : public Store {
 public:
  SqliteStore(const SqliteOptions& options, std::unique_ptr<Connection> writer,
              std::unique_ptr<Connection> checkpoints)
      : readers_(options.path, readerOptions(options), [this] { return writer_.commits(); }),
        writer_(std::move(writer), std::move(checkpoints),
                sqlite::WriterOptions{options.max_batch, options.max_pending,
                                      options.max_pending_attempts}) {}

  void beginSharedReads() override { readers_.beginSharedReads(); }
  void endSharedReads() override { readers_.endSharedReads(); }

  Result<std::optional<NoticeMatch>> findByNotice(const std::string& ec,
                                                  const std::string& nav) override {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return sqlite::readByNotice(*db.value(), ec, nav);
  }

  Result<std::optional<core::DebtPosition>> getPosition(const std::string& ec,
                                                        const std::string& iupd) override {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return sqlite::readPosition(*db.value(), ec, iupd);
  }

  Result<std::vector<core::DebtPosition>> listPositions(const std::string& ec,
                                                        const PositionFilter& filter) override {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return sqlite::readPositions(*db.value(), ec, filter);
  }

  Result<std::vector<StoredReceipt>> listReceipts(const std::string& ec, std::int64_t from_unix_ms,
                                                  std::int64_t to_unix_ms) override {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return sqlite::readReceipts(*db.value(), ec, from_unix_ms, to_unix_ms);
  }

  Result<std::int64_t> countPositions() override {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return sqlite::readPositionCount(*db.value());
  }

  Result<std::int64_t> countMatchingPositions(const std::string& ec,
                                              const PositionFilter& filter) override {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return sqlite::readMatchingPositionCount(*db.value(), ec, filter);
  }

  Result<std::vector<StoredReceipt>> listReceiptsByNotice(const std::string& ec,
                                                          const std::string& nav) override {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return sqlite::readReceiptsByNotice(*db.value(), ec, nav);
  }

  Result<UpsertOutcome> createPosition(const core::DebtPosition& position) override {
    return wait<UpsertOutcome>([position](Connection& db) {
      return sqlite::writePosition(db, position, /*must_create=*/true);
    });
  }

  Result<Done> deletePosition(const std::string& ec, const std::string& iupd,
                              core::PositionStatus only_if) override {
    return wait<Done>([ec, iupd, only_if](Connection& db) {
      return sqlite::removePosition(db, ec, iupd, only_if);
    });
  }

  Result<UpsertOutcome> upsertPosition(const core::DebtPosition& position) override {
    return wait<UpsertOutcome>(
        [position](Connection& db) { return sqlite::writePosition(db, position); });
  }

  std::vector<Result<UpsertOutcome>> upsertPositions(
      const std::vector<core::DebtPosition>& positions) override {
    std::vector<Result<UpsertOutcome>> out;
    out.reserve(positions.size());
    if (writer_.onWriterThread()) {
      for (std::size_t i = 0; i < positions.size(); ++i) out.push_back(onWriterThreadError());
      return out;
    }
    // All jobs are queued before waiting on the first, so the writer commits them in batches of
    // max_batch instead of one fsync per position.
    std::vector<std::future<Result<UpsertOutcome>>> futures;
    futures.reserve(positions.size());
    for (const auto& position : positions) {
      auto job = std::make_unique<SyncJob<UpsertOutcome>>(
          [&position](Connection& db) { return sqlite::writePosition(db, position); });
      futures.push_back(job->future());
      writer_.submit(std::move(job));
    }
    for (auto& f : futures) out.push_back(f.get());
    return out;
  }

  void commitReceipt(ReceiptWrite write,
                     std::function<void(Result<ReceiptOutcome>)> done) override {
    writer_.submit(std::make_unique<ReceiptJob>(std::move(write), std::move(done)));
  }

  void recordPaymentAttempt(const std::string& ec, const std::string& nav,
                            const std::string& payment_note, std::int64_t at_unix_ms) override {
    writer_.submitAttempt(sqlite::PaymentAttempt{ec, nav, payment_note, at_unix_ms});
  }

  void createWithSequence(const std::string& ec, const std::string& counter,
                          std::function<core::DebtPosition(std::uint64_t)> make,
                          std::function<void(Result<core::DebtPosition>)> done) override {
    writer_.submit(std::make_unique<SpontaneousJob>(ec, counter, std::move(make), std::move(done)));
  }

  Result<std::vector<Delivery>> listDeliveries(const std::string& ec, DeliveryState state,
                                               std::int64_t after_id, int limit) override {
    auto db = queuedForThisThread();
    if (!db) return db.error();
    return sqlite::readDeliveries(*db.value(), ec, state, after_id, limit);
  }

  Result<std::optional<Delivery>> getDelivery(const std::string& ec, std::int64_t id) override {
    auto db = queuedForThisThread();
    if (!db) return db.error();
    return sqlite::readDelivery(*db.value(), ec, id);
  }

  Result<std::vector<Delivery>> claimDeliveries(const std::string& ec, std::int64_t now_unix_ms,
                                                std::int64_t lease_until_unix_ms,
                                                int limit) override {
    // The lease is written with the next receipts' commit; the deliveries and their receipts
    // are then read on this thread, not on the writer's.
    auto leased = wait<std::vector<std::int64_t>>(
        [=](Connection& db) {
          return sqlite::leaseDeliveries(db, ec, now_unix_ms, lease_until_unix_ms, limit);
        },
        /*patient=*/true);
    if (!leased) return leased.error();
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    std::vector<Delivery> out;
    out.reserve(leased.value().size());
    for (std::int64_t id : leased.value()) {
      auto d = sqlite::readDelivery(*db.value(), ec, id);
      if (!d) return d.error();
      if (d.value()) out.push_back(std::move(*d.value()));
    }
    return out;
  }

  Result<std::int64_t> reportDeliveries(const std::string& ec,
                                        const std::vector<DeliveryOutcome>& outcomes) override {
    return wait<std::int64_t>(
        [&](Connection& db) {
          return writeDeliveryReports(db, ec, outcomes, sqlite::writeDeliveryReport);
        },
        /*patient=*/true);
  }

  Result<std::int64_t> replayDeliveries(const std::string& ec,
                                        std::optional<std::int64_t> delivery_id,
                                        std::int64_t now_unix_ms) override {
    if (auto db = queuedForThisThread(); !db) return db.error();
    return wait<std::int64_t>(
        [=](Connection& db) { return sqlite::reviveDeliveries(db, ec, delivery_id, now_unix_ms); });
  }

  Result<Done> pauseRoute(const std::string& route, const std::string& reason,
                          std::int64_t at_unix_ms) override {
    return wait<Done>(
        [=](Connection& db) { return sqlite::writeRoutePause(db, route, reason, at_unix_ms); });
  }

  Result<bool> resumeRoute(const std::string& route) override {
    return wait<bool>([=](Connection& db) { return sqlite::removeRoutePause(db, route); });
  }

  Result<std::vector<PausedRoute>> listPausedRoutes() override {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return sqlite::readPausedRoutes(*db.value());
  }

  Result<std::int64_t> countDeliveries(const std::string& ec, DeliveryState state) override {
    auto db = queuedForThisThread();
    if (!db) return db.error();
    return sqlite::readDeliveryCount(*db.value(), ec, state);
  }

  Result<std::vector<DeliveryAttempt>> listDeliveryAttempts(const std::string& ec,
                                                            std::int64_t delivery_id) override {
    auto db = queuedForThisThread();
    if (!db) return db.error();
    return sqlite::readDeliveryAttempts(*db.value(), ec, delivery_id);
  }

  Result<Done> createCart(const CartRecord& cart) override {
    return wait<Done>([cart](Connection& db) { return sqlite::writeCart(db, cart); });
  }

  Result<std::optional<CartRecord>> getCart(const std::string& id) override {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return sqlite::readCart(*db.value(), id);
  }

  void recordAudit(AuditEntry entry) override { writer_.submitAudit(std::move(entry)); }

  Result<std::vector<AuditEntry>> listAudit(const AuditFilter& filter) override {
    if (filter.limit < 1 || filter.limit > 100000) {
      return Error{ErrorKind::kInvalid, "audit limit must be 1..100000"};
    }
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return sqlite::readAudit(*db.value(), filter);
  }

  Result<std::int64_t> purgeAudit(std::int64_t before_unix_ms) override {
    return wait<std::int64_t>(
        [=](Connection& db) { return sqlite::deleteAuditBefore(db, before_unix_ms); });
  }

  // Opens the calling thread's reader and reads the schema through it.
  Result<Done> probeReader() {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    return db.value()->run("SELECT count(*) FROM schema_migrations");
  }

 private:
  // This thread's reader, once every receipt's deliveries are in the outbox: the reads of the
  // outbox see what the other engines write with the receipt. (Claims queue only what they take:
  // see sqlite::leaseDeliveries.)
  Result<Connection*> queuedForThisThread() {
    auto db = readers_.forThisThread();
    if (!db) return db.error();
    for (;;) {
      auto waiting = sqlite::readReceiptsToQueue(*db.value());
      if (!waiting) return waiting.error();
      if (!waiting.value()) break;
      // In slices, so that receipts arriving meanwhile are not held behind one long job; not
      // patient, as the reader waits for each (a patient slice waited out the writer's delay).
      auto queued = wait<std::int64_t>(
          [](Connection& w) { return sqlite::queueDeliveries(w, kQueueSlice); }, /*patient=*/false);
      if (!queued) return queued.error();
      if (queued.value() < kQueueSlice) break;
    }
    return readers_.forThisThread();  // renews a shared read's snapshot past the queueing
  }
  static constexpr int kQueueSlice = 500;

  // Runs fn as a writer job and waits for its durable result. Refused on the writer thread,
  // where waiting for the writer would never end.
  template <class T>
  Result<T> wait(std::function<Result<T>(Connection&)> fn, bool patient = false) {
    if (writer_.onWriterThread()) return onWriterThreadError();
    auto job = std::make_unique<SyncJob<T>>(std::move(fn), patient);
    auto result = job->future();
    writer_.submit(std::move(job));
    return result.get();
  }

  static sqlite::OpenOptions readerOptions(const SqliteOptions& options) {
    sqlite::OpenOptions o;
    o.create = false;
    o.busy_timeout_ms = options.busy_timeout_ms;
    o.cache_kib = options.reader_cache_kib;
    o.vfs = options.vfs;
    return o;
  }
  static Error onWriterThreadError() {
    return Error{ErrorKind::kInvalid,
                 "a synchronous store write called from a store callback would wait for itself"};
  }

  sqlite::ReaderPool readers_;
  sqlite::Writer writer_;  // declared last: destroyed (drained, joined) before the readers close
};

}  // namespace

Result<int> migrate(const std::string& path) {
  sqlite::OpenOptions o;
  o.cache_kib = 2048;
  auto db = Connection::open(path, o);
  if (!db) return db.error();
  return sqlite::applyMigrations(*db.value(), sqlite::migrations());
}

int schemaVersion() { return sqlite::migrations().back().version; }

std::unique_ptr<Store> openSqliteStore(const SqliteOptions& options, Error* error) {
  auto fail = [&](Error e) -> std::unique_ptr<Store> {
    if (error) *error = std::move(e);
    return nullptr;
  };
  if (options.path.empty()) return fail(Error{ErrorKind::kInvalid, "sqlite: no database path"});
  if (options.max_batch < 1 || options.max_pending < 1 || options.writer_cache_kib < 1 ||
      options.reader_cache_kib < 1 || options.busy_timeout_ms < 0) {
    return fail(
        Error{ErrorKind::kInvalid, "sqlite: batch, queue and cache sizes must be positive"});
  }
  sqlite::OpenOptions o;
  o.busy_timeout_ms = options.busy_timeout_ms;
  o.cache_kib = options.writer_cache_kib;
  o.vfs = options.vfs;
  auto db = Connection::open(options.path, o);
  if (!db) return fail(db.error());
  if (auto v = sqlite::applyMigrations(*db.value(), sqlite::migrations()); !v) {
    return fail(v.error());
  }
  // A fresh connection for the writer: one that ran a migration may keep the tables' former
  // definitions in memory (migration 7 changes a CHECK's text only). Its durable commits gather
  // their WAL writes (store/sqlite_wal_gather.h).
  o.vfs = sqlite::gatheringVfs(options.vfs);
  if (o.vfs.empty()) {
    return fail(Error{ErrorKind::kInvalid, "sqlite: no VFS named '" + options.vfs + "'"});
  }
  db = Connection::open(options.path, o);
  if (!db) return fail(db.error());
  // The WAL is truncated back to this size after a checkpoint, so a burst does not leave a
  // huge file behind.
  if (auto r = db.value()->exec("PRAGMA journal_size_limit=67108864", "configure writer"); !r) {
    return fail(r.error());
  }
  // The background checkpoints' connection: it only copies the WAL, through the plain VFS.
  sqlite::OpenOptions c;
  c.create = false;
  c.busy_timeout_ms = options.busy_timeout_ms;
  c.cache_kib = 256;
  c.vfs = options.vfs;
  auto checkpoints = Connection::open(options.path, c);
  if (!checkpoints) return fail(checkpoints.error());
  try {
    auto store = std::make_unique<SqliteStore>(options, std::move(db.value()),
                                               std::move(checkpoints.value()));
    // Open this thread's reader now, so a database readers cannot open fails here and not on
    // the first request.
    if (auto probe = store->probeReader(); !probe) return fail(probe.error());
    return store;
  } catch (const std::exception& e) {
    // Only std::thread creation can throw here (out of resources).
    return fail(Error{ErrorKind::kUnavailable,
                      std::string("sqlite: cannot start the writer: ") + e.what()});
  }
}

}  // namespace ponte::store
