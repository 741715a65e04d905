// The PostgreSQL engine: registered for the contract suite, plus what only it has: several
// stores (instances) on one database, migrations racing, outages and server restarts.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "postgres_test_server.h"
#include "store/postgres_migrations.h"
#include "store/postgres_store.h"
#include "store/postgres_writes.h"
#include "store_contract.h"
#include "store_fixtures.h"

namespace ponte::store::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::int64_t kForever = 4'000'000'000'000;

int pgSchemaVersion() { return pg::migrations().back().version; }

class PostgresHarness final : public EngineHarness {
 public:
  std::unique_ptr<Store> open() override {
    Error error;
    auto store = tryOpen(&error);
    if (!store) throw std::runtime_error("open postgres store: " + error.message);
    return store;
  }
  std::unique_ptr<Store> tryOpen(Error* error) override {
    return openPostgresStore(schema_.options(), error);
  }
  void makeSchemaNewer() override {
    schema_.server().exec("INSERT INTO " + schema_.name() +
                          ".schema_migrations (version, name, applied_at_ms) VALUES (" +
                          std::to_string(pgSchemaVersion() + 1) + ", 'from the future', 0)");
  }

 private:
  PostgresTestSchema schema_;
};

// The engine joins the contract suite wherever a server can be had. Without the binaries (and
// outside CI) the suite runs on SQLite alone, and every test says so.
const bool registered = [] {
  const std::string why = PostgresTestServer::unavailableReason();
  if (!why.empty()) {
    std::fprintf(stderr, "WARNING: store tests run without PostgreSQL: %s\n", why.c_str());
    return false;
  }
  return registerEngine(
      Engine{"postgres", [] { return std::unique_ptr<EngineHarness>(new PostgresHarness()); }});
}();

// Skips a PostgreSQL-only test, visibly, when no server can be had.
#define REQUIRE_POSTGRES_OR_SKIP()                                   \
  do {                                                               \
    const std::string why = PostgresTestServer::unavailableReason(); \
    if (!why.empty()) {                                              \
      WARN("skipped: " << why);                                      \
      return;                                                        \
    }                                                                \
  } while (false)

std::unique_ptr<Store> mustOpen(const PostgresOptions& options) {
  Error error;
  auto store = openPostgresStore(options, &error);
  if (!store) throw std::runtime_error("open postgres store: " + error.message);
  return store;
}

std::vector<core::DebtPosition> positions(int count, std::uint64_t first_serial,
                                          const std::string& prefix) {
  std::vector<core::DebtPosition> out;
  for (int i = 0; i < count; ++i) {
    out.push_back(singlePosition(kEcA, prefix + std::to_string(i), first_serial + i));
  }
  return out;
}

void importAll(Store& store, const std::vector<core::DebtPosition>& list) {
  for (const auto& r : store.upsertPositions(list)) {
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
  }
}

std::future<Result<ReceiptOutcome>> commitAsync(Store& store, ReceiptWrite write) {
  auto promise = std::make_shared<std::promise<Result<ReceiptOutcome>>>();
  auto future = promise->get_future();
  store.commitReceipt(std::move(write),
                      [promise](Result<ReceiptOutcome> r) { promise->set_value(std::move(r)); });
  return future;
}

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Sends sig to the server's postmaster and every process it started (its backends), by pid.
void signalServer(const PostgresTestServer& server, int sig) {
  std::ifstream pidfile(server.dir() + "/data/postmaster.pid");
  pid_t postmaster = 0;
  pidfile >> postmaster;
  if (postmaster <= 0) throw std::runtime_error("no postmaster.pid in " + server.dir());
  std::vector<pid_t> pids{postmaster};
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    // pid (comm) state ppid ...: the fields after the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string state;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == postmaster) pids.push_back(static_cast<pid_t>(std::stol(name)));
  }
  for (pid_t pid : pids) ::kill(pid, sig);
}

}  // namespace

TEST_CASE("store postgres: migrators racing on a new database apply each migration once",
          "[store][postgres]") {
  REQUIRE_POSTGRES_OR_SKIP();
  PostgresTestSchema schema;
  constexpr int kInstances = 6;
  std::vector<std::future<Result<int>>> runs;
  for (int i = 0; i < kInstances; ++i) {
    runs.push_back(
        std::async(std::launch::async, [&] { return migratePostgres(schema.options()); }));
  }
  for (auto& r : runs) {
    auto v = r.get();
    INFO((v.ok() ? std::string() : v.error().message));
    REQUIRE(v.ok());
    CHECK(v.value() == pgSchemaVersion());
  }
  CHECK(schema.server().queryInt("SELECT count(*) FROM " + schema.name() + ".schema_migrations") ==
        pgSchemaVersion());
  CHECK(migratePostgres(schema.options()).value() == pgSchemaVersion());  // idempotent
  // The same numbers and names as SQLite's, so both engines report one schema version.
  REQUIRE(pg::migrations().size() == sqlite::migrations().size());
  for (std::size_t i = 0; i < pg::migrations().size(); ++i) {
    CHECK(pg::migrations()[i].version == sqlite::migrations()[i].version);
    CHECK(pg::migrations()[i].name == sqlite::migrations()[i].name);
  }
}

TEST_CASE("store postgres: the outbox keeps the claim and dead indexes, no pair constraint",
          "[store][postgres]") {
  REQUIRE_POSTGRES_OR_SKIP();
  PostgresTestSchema schema;
  REQUIRE(migratePostgres(schema.options()).ok());
  const std::string in_schema = "schemaname = '" + schema.name() + "' AND tablename = 'outbox'";
  CHECK(schema.server().queryInt("SELECT count(*) FROM pg_indexes WHERE " + in_schema +
                                 " AND indexname NOT IN ('outbox_pkey', 'outbox_pending',"
                                 " 'outbox_dead')") == 0);
  // The definition is read for this one index only: pg_indexes would compute every schema's
  // definitions, and fail on an index that a test running alongside has just dropped.
  CHECK(schema.server().queryInt("SELECT (pg_get_indexdef('" + schema.name() +
                                 ".outbox_dead'::regclass) LIKE '%ON " + schema.name() +
                                 ".outbox %WHERE (state = ''dead''::text)')::int") == 1);
  CHECK(schema.server().queryInt(
            "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE n.nspname = '" +
            schema.name() + "' AND c.conrelid = '" + schema.name() + ".outbox'::regclass" +
            " AND c.contype = 'u'") == 0);
}

TEST_CASE("store postgres: a database that is not ponte's, or a bad login or dsn, is refused",
          "[store][postgres]") {
  REQUIRE_POSTGRES_OR_SKIP();
  PostgresTestSchema schema;
  SECTION("tables of someone else") {
    schema.server().exec("CREATE TABLE " + schema.name() + ".positions (id int)");
    Error error;
    CHECK(openPostgresStore(schema.options(), &error) == nullptr);
    CHECK(error.kind == ErrorKind::kFatal);
    CHECK_THAT(error.message, Catch::Contains("not a ponte database"));
  }
  SECTION("a wrong password") {
    PostgresOptions o = schema.options();
    o.password = "not-the-password";
    Error error;
    CHECK(openPostgresStore(o, &error) == nullptr);
    CHECK(error.kind == ErrorKind::kUnavailable);
    CHECK_THAT(error.message, Catch::Contains("password authentication failed"));
  }
  SECTION("a malformed dsn") {
    PostgresOptions o = schema.options();
    o.dsn = "host=127.0.0.1 port";
    Error error;
    CHECK(openPostgresStore(o, &error) == nullptr);
    CHECK(error.kind == ErrorKind::kInvalid);
  }
  SECTION("the password file gives the password") {
    TempDir dir;
    std::ofstream(dir.file("pw")) << schema.server().password() << "\n";
    auto pw = readPasswordFile(dir.file("pw"));
    REQUIRE(pw.ok());
    CHECK(pw.value() == schema.server().password());
    std::ofstream(dir.file("empty")) << "\n";
    CHECK(readPasswordFile(dir.file("empty")).error().kind == ErrorKind::kInvalid);
    CHECK(readPasswordFile(dir.file("missing")).error().kind == ErrorKind::kInvalid);
  }
}

TEST_CASE("store postgres: the same receipt committed by two instances at once is stored once",
          "[store][postgres]") {
  REQUIRE_POSTGRES_OR_SKIP();
  PostgresTestSchema schema;
  auto a = mustOpen(schema.options());
  auto b = mustOpen(schema.options());
  constexpr int kCount = 200;
  auto list = positions(kCount, 60'000, "TWO-");
  importAll(*a, list);

  // B sends them in the opposite order, so the two writers' transactions lock the positions in
  // opposite orders: deadlocks happen, and must cost nothing but time.
  std::vector<std::future<Result<ReceiptOutcome>>> from_a, from_b(kCount);
  for (int i = 0; i < kCount; ++i) {
    from_a.push_back(commitAsync(
        *a, receiptFor(kEcA, list[i].options[0].nav, "SAME-" + std::to_string(i), 1000 + i)));
  }
  for (int i = kCount - 1; i >= 0; --i) {
    from_b[i] = commitAsync(
        *b, receiptFor(kEcA, list[i].options[0].nav, "SAME-" + std::to_string(i), 2000 + i));
  }
  int stored = 0, duplicate = 0;
  for (int i = 0; i < kCount; ++i) {
    auto ra = await(std::move(from_a[i]));
    auto rb = await(std::move(from_b[i]));
    INFO("receipt " << i << ": " << (ra.ok() ? "" : ra.error().message) << " "
                    << (rb.ok() ? "" : rb.error().message));
    REQUIRE(ra.ok());
    REQUIRE(rb.ok());
    std::multiset<ReceiptOutcome> both{ra.value(), rb.value()};
    CHECK(both ==
          std::multiset<ReceiptOutcome>{ReceiptOutcome::kStored, ReceiptOutcome::kDuplicate});
    stored += (ra.value() == ReceiptOutcome::kStored) + (rb.value() == ReceiptOutcome::kStored);
    duplicate +=
        (ra.value() == ReceiptOutcome::kDuplicate) + (rb.value() == ReceiptOutcome::kDuplicate);
  }
  CHECK(stored == kCount);
  CHECK(duplicate == kCount);
  auto receipts = b->listReceipts(kEcA, 0, kForever);
  REQUIRE(receipts.ok());
  CHECK(receipts.value().size() == kCount);
  for (const auto& r : receipts.value()) CHECK_FALSE(r.double_payment);
  CHECK(schema.server().queryInt("SELECT count(*) FROM " + schema.name() + ".outbox") ==
        2 * kCount);
  for (int i = 0; i < kCount; i += 17) {
    auto p = a->getPosition(kEcA, "TWO-" + std::to_string(i));
    REQUIRE(p.ok());
    CHECK(p.value()->status == core::PositionStatus::kPaid);
  }
}

TEST_CASE(
    "store postgres: two instances' outbox claims never overlap, and a dead one's lease expires",
    "[store][postgres]") {
  REQUIRE_POSTGRES_OR_SKIP();
  PostgresTestSchema schema;
  auto a = mustOpen(schema.options());
  auto b = mustOpen(schema.options());
  constexpr int kCount = 400;
  std::vector<std::future<Result<ReceiptOutcome>>> commits;
  for (int i = 0; i < kCount; ++i) {
    commits.push_back(
        commitAsync(*a, receiptFor(kEcA, notice(70'000 + i).nav, "CLAIM-" + std::to_string(i),
                                   1000 + i, {"ledger"})));
  }
  for (auto& c : commits) REQUIRE(await(std::move(c)).ok());

  auto claimAll = [](Store& store, std::vector<std::int64_t>* ids, std::string* failure) {
    for (int round = 0; round < 10'000; ++round) {
      auto got = store.claimDeliveries(kEcA, 1'000'000, kForever, 7);
      if (!got) {
        *failure = got.error().message;
        return;
      }
      if (got.value().empty()) return;
      for (const auto& d : got.value()) {
        if (d.attempts != 1) *failure = "a delivery was claimed twice";
        ids->push_back(d.id);
      }
    }
  };
  std::vector<std::int64_t> ids_a, ids_b;
  std::string failure_a, failure_b;
  std::thread ta(claimAll, std::ref(*a), &ids_a, &failure_a);
  std::thread tb(claimAll, std::ref(*b), &ids_b, &failure_b);
  ta.join();
  tb.join();
  CHECK(failure_a.empty());
  CHECK(failure_b.empty());
  std::set<std::int64_t> all(ids_a.begin(), ids_a.end());
  std::size_t overlap = 0;
  for (auto id : ids_b) overlap += all.count(id);
  all.insert(ids_b.begin(), ids_b.end());
  CHECK(overlap == 0);
  CHECK(all.size() == kCount);
  CHECK(ids_a.size() + ids_b.size() == kCount);
  INFO("claimed by A: " << ids_a.size() << ", by B: " << ids_b.size());

  // A claims fresh deliveries and dies; B gets them once A's lease has run out.
  for (int i = 0; i < 10; ++i) {
    REQUIRE(commit(*a, receiptFor(kEcA, notice(71'000 + i).nav, "LEASE-" + std::to_string(i),
                                  5'000'000, {"ledger"}))
                .ok());
  }
  REQUIRE(a->claimDeliveries(kEcA, 5'000'000, 5'060'000, 100).value().size() == 10);
  a.reset();
  CHECK(b->claimDeliveries(kEcA, 5'030'000, 5'090'000, 100).value().empty());
  auto taken = b->claimDeliveries(kEcA, 5'060'000, 5'120'000, 100);
  REQUIRE(taken.ok());
  REQUIRE(taken.value().size() == 10);
  CHECK(taken.value()[0].attempts == 2);
}

TEST_CASE("store postgres: spontaneous numbers and new positions stay unique across instances",
          "[store][postgres]") {
  REQUIRE_POSTGRES_OR_SKIP();
  PostgresTestSchema schema;
  auto a = mustOpen(schema.options());
  auto b = mustOpen(schema.options());

  SECTION("sequence values") {
    std::mutex mutex;
    std::vector<std::uint64_t> values;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      Store& store = t % 2 == 0 ? *a : *b;
      threads.emplace_back([&, t] {
        for (int k = 0; k < 20; ++k) {
          std::uint64_t value = 0;
          auto created = createSpontaneous(store, kEcA, "spontaneous", &value);
          if (!created.ok()) {
            ++failures;
            continue;
          }
          std::lock_guard lock(mutex);
          values.push_back(value);
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(failures.load() == 0);
    std::sort(values.begin(), values.end());
    REQUIRE(values.size() == 80);
    for (std::size_t i = 0; i < values.size(); ++i) CHECK(values[i] == i + 1);
  }
  SECTION("the same new positions upserted by both") {
    auto list = positions(100, 80'000, "BOTH-");
    auto in_a = std::async(std::launch::async, [&] { return a->upsertPositions(list); });
    auto in_b = std::async(std::launch::async, [&] {
      std::vector<Result<UpsertOutcome>> out;
      for (const auto& p : list) out.push_back(b->upsertPosition(p));
      return out;
    });
    auto ra = in_a.get();
    auto rb = in_b.get();
    int created = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      INFO((ra[i].ok() ? std::string() : ra[i].error().message)
           << (rb[i].ok() ? std::string() : rb[i].error().message));
      REQUIRE(ra[i].ok());
      REQUIRE(rb[i].ok());
      created +=
          (ra[i].value() == UpsertOutcome::kCreated) + (rb[i].value() == UpsertOutcome::kCreated);
      CHECK((ra[i].value() == UpsertOutcome::kUnchanged ||
             rb[i].value() == UpsertOutcome::kUnchanged));
    }
    CHECK(created == 100);
    CHECK(a->countPositions().value() == 100);
  }
  SECTION("a notice number taken by the other instance is a conflict") {
    core::DebtPosition first = singlePosition(kEcA, "FIRST", 90'000);
    core::DebtPosition second = singlePosition(kEcA, "SECOND", 90'000);
    REQUIRE(a->upsertPosition(first).ok());
    auto r = b->upsertPosition(second);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::kConflict);
  }
}

TEST_CASE(
    "store postgres: a position created by another instance between our look-up and our "
    "notice check is found, not refused",
    "[store][postgres]") {
  REQUIRE_POSTGRES_OR_SKIP();
  PostgresTestSchema schema;
  auto a = mustOpen(schema.options());
  const core::DebtPosition p = singlePosition(kEcA, "RACED", 96'000);

  // The other instance writes the same position with the real statements, in a transaction it
  // holds open with the notice index locked: A's look-up finds nothing (not committed yet) and
  // A's notice check waits, so B's commit lands exactly between the two.
  pg::ConnectOptions connect;
  connect.dsn = schema.options().dsn;
  connect.password = schema.options().password;
  auto other = pg::Connection::connect(connect);
  INFO((other.ok() ? std::string() : other.error().message));
  REQUIRE(other.ok());
  pg::Connection& b = *other.value();
  REQUIRE(b.exec("BEGIN; LOCK TABLE payment_options IN ACCESS EXCLUSIVE MODE", "lock").ok());
  REQUIRE(pg::writePosition(b, p).ok());

  auto in_a = std::async(std::launch::async, [&] { return a->upsertPosition(p); });
  bool waiting = false;
  for (auto deadline = Clock::now() + std::chrono::seconds(10); !waiting && Clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(5))) {
    waiting = schema.server().queryInt(
                  "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                  " AND query LIKE '%payment_options%'") > 0;
  }
  REQUIRE(waiting);
  REQUIRE(b.exec("COMMIT", "commit").ok());

  auto r = in_a.get();
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  CHECK(r.value() == UpsertOutcome::kUnchanged);
  CHECK(a->countPositions().value() == 1);
}

TEST_CASE("store postgres: while the server is down every call fails fast, then service resumes",
          "[store][postgres][slow]") {
  REQUIRE_POSTGRES_OR_SKIP();
  auto server = PostgresTestServer::startPrivate();
  PostgresOptions o = server->options();
  o.connect_timeout_ms = 1000;
  o.statement_timeout_ms = 1000;
  auto store = mustOpen(o);
  core::DebtPosition p = singlePosition(kEcA, "DOWN", 95'000);
  REQUIRE(store->upsertPosition(p).ok());
  REQUIRE(store->findByNotice(kEcA, p.options[0].nav).value().has_value());

  server->stop();
  double worst_ms = 0;
  for (int i = 0; i < 20; ++i) {
    auto t0 = Clock::now();
    auto read = store->findByNotice(kEcA, p.options[0].nav);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().kind == ErrorKind::kUnavailable);
    worst_ms = std::max(worst_ms, msSince(t0));

    t0 = Clock::now();
    auto written =
        commit(*store, receiptFor(kEcA, p.options[0].nav, "DOWN-" + std::to_string(i), 1000 + i));
    REQUIRE_FALSE(written.ok());
    CHECK(written.error().kind == ErrorKind::kUnavailable);
    worst_ms = std::max(worst_ms, msSince(t0));

    t0 = Clock::now();
    auto upserted = store->upsertPosition(singlePosition(kEcA, "DOWN-2", 95'001));
    REQUIRE_FALSE(upserted.ok());
    CHECK(upserted.error().kind == ErrorKind::kUnavailable);
    worst_ms = std::max(worst_ms, msSince(t0));
  }
  WARN("slowest failure while the server was down: " << worst_ms << " ms");
  CHECK(worst_ms < 1000);

  server->start();
  // The pool tries again once the retry window after the last failed connect has passed.
  bool back = false;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (!back && Clock::now() < deadline) {
    back = store->findByNotice(kEcA, p.options[0].nav).ok();
    if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(back);
  CHECK(commit(*store, receiptFor(kEcA, p.options[0].nav, "UP", 5000)).value() ==
        ReceiptOutcome::kStored);
  // None of the receipts refused while down was stored.
  CHECK(store->listReceipts(kEcA, 0, kForever).value().size() == 1);
}

TEST_CASE("store postgres: restarts during a loop of commits lose nothing acknowledged",
          "[store][postgres][slow]") {
  REQUIRE_POSTGRES_OR_SKIP();
  auto server = PostgresTestServer::startPrivate();
  PostgresOptions o = server->options();
  o.connect_timeout_ms = 1000;
  o.statement_timeout_ms = 1000;
  auto store = mustOpen(o);
  constexpr int kPositions = 4000;
  auto list = positions(kPositions, 100'000, "LOOP-");
  importAll(*store, list);

  std::atomic<int> next{0};
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::set<int> acknowledged;  // receipts answered OK (stored or duplicate)
  std::vector<double> error_ms;
  std::vector<ErrorKind> error_kinds;
  std::vector<double> read_error_ms;
  auto committer = [&] {
    while (!stop) {
      int i = next++;
      if (i >= kPositions) return;
      // Like the node: a receipt refused is sent again until it is answered OK.
      for (int attempt = 0; attempt < 1000 && !stop; ++attempt) {
        auto t0 = Clock::now();
        auto r = commit(*store, receiptFor(kEcA, list[i].options[0].nav,
                                           "LOOP-" + std::to_string(i), 1000 + i, {"ledger"}));
        {
          std::lock_guard lock(mutex);
          if (r.ok()) {
            acknowledged.insert(i);
            ++acked;
            break;
          }
          error_ms.push_back(msSince(t0));
          error_kinds.push_back(r.error().kind);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the node's retry, sooner
      }
    }
  };
  auto reader = [&] {
    for (int i = 0; !stop; i = (i + 1) % kPositions) {
      auto t0 = Clock::now();
      auto r = store->findByNotice(kEcA, list[i].options[0].nav);
      if (!r.ok()) {
        {
          std::lock_guard lock(mutex);
          read_error_ms.push_back(msSince(t0));
          error_kinds.push_back(r.error().kind);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(committer);
  threads.emplace_back(reader);

  auto waitAcked = [&](int count) {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (acked.load() < count && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return acked.load() >= count;
  };
  bool progressed = waitAcked(200);
  int before_restarts = acked.load();
  server->restart();
  progressed = progressed && waitAcked(acked.load() + 200);
  server->restart();
  progressed = progressed && waitAcked(acked.load() + 200);
  const int after_restarts = acked.load();
  stop = true;
  for (auto& t : threads) t.join();

  REQUIRE(progressed);
  CHECK(after_restarts > before_restarts);
  double worst = 0;
  for (double ms : error_ms) worst = std::max(worst, ms);
  for (double ms : read_error_ms) worst = std::max(worst, ms);
  WARN("receipts acknowledged: " << acknowledged.size() << "; failed commits: " << error_ms.size()
                                 << ", failed reads: " << read_error_ms.size()
                                 << ", slowest failure " << worst << " ms");
  CHECK(error_ms.size() + read_error_ms.size() > 0);  // the restarts were noticed
  for (ErrorKind k : error_kinds) CHECK(k == ErrorKind::kUnavailable);
  CHECK(worst < 1000);

  // Every acknowledged receipt is in the database (read through a new store), exactly once.
  store.reset();
  auto check = mustOpen(o);
  auto receipts = check->listReceipts(kEcA, 0, kForever);
  REQUIRE(receipts.ok());
  std::set<std::string> stored_ids;
  for (const auto& r : receipts.value()) CHECK(stored_ids.insert(r.receipt_id).second);
  int missing = 0;
  for (int i : acknowledged) missing += stored_ids.count("LOOP-" + std::to_string(i)) == 0;
  CHECK(missing == 0);
}

TEST_CASE("store postgres: back-office creations, deletions and route pauses hold across instances",
          "[store][postgres]") {
  REQUIRE_POSTGRES_OR_SKIP();
  PostgresTestSchema schema;
  auto a = mustOpen(schema.options());
  auto b = mustOpen(schema.options());

  // Two instances creating the same iupd at once, many times: exactly one wins each time.
  constexpr int kRounds = 20;
  int wins_a = 0, wins_b = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string iupd = "TWIN-" + std::to_string(round);
    auto on_a = std::async(std::launch::async, [&] {
      return a->createPosition(singlePosition(kEcA, iupd, 80'000 + 2 * round));
    });
    auto on_b = std::async(std::launch::async, [&] {
      return b->createPosition(singlePosition(kEcA, iupd, 80'001 + 2 * round));
    });
    auto ra = on_a.get();
    auto rb = on_b.get();
    INFO((ra.ok() ? std::string() : ra.error().message)
         << " / " << (rb.ok() ? std::string() : rb.error().message));
    REQUIRE(ra.ok() != rb.ok());
    const auto& loser = ra.ok() ? rb : ra;
    CHECK(loser.error().kind == ErrorKind::kConflict);
    (ra.ok() ? wins_a : wins_b)++;
    // The loser's notice was not indexed.
    const std::uint64_t lost_serial = 80'000 + 2 * round + (ra.ok() ? 1 : 0);
    CHECK_FALSE(b->findByNotice(kEcA, notice(lost_serial).nav).value().has_value());
  }
  CHECK(wins_a + wins_b == kRounds);
  CHECK(schema.server().queryInt("SELECT count(*) FROM " + schema.name() +
                                 ".positions WHERE iupd LIKE 'TWIN-%'") == kRounds);

  // A position deleted through one instance is gone for the other; a receipt for it through the
  // other is kept, unmatched.
  core::DebtPosition draft = singlePosition(kEcA, "GONE", 81'000);
  draft.status = core::PositionStatus::kDraft;
  REQUIRE(a->upsertPosition(draft).ok());
  REQUIRE(b->deletePosition(kEcA, "GONE", core::PositionStatus::kDraft).ok());
  CHECK_FALSE(a->getPosition(kEcA, "GONE").value().has_value());
  CHECK(commit(*a, receiptFor(kEcA, draft.options[0].nav, "GONE-1", 1000, {})).value() ==
        ReceiptOutcome::kUnmatched);
  CHECK(b->listReceiptsByNotice(kEcA, draft.options[0].nav).value().size() == 1);

  // A route paused through one instance is held on the other until resumed through either.
  REQUIRE(commit(*a, receiptFor(kEcA, notice(81'100).nav, "HELD-1", 1000, {"ledger"})).ok());
  REQUIRE(a->pauseRoute("ledger", "FATAL from the ledger", 1500).ok());
  CHECK(b->listPausedRoutes().value().size() == 1);
  CHECK(b->claimDeliveries(kEcA, 2000, 62'000, 10).value().empty());
  CHECK(b->resumeRoute("ledger").value());
  CHECK(a->listPausedRoutes().value().empty());
  auto claimed = a->claimDeliveries(kEcA, 2000, 62'000, 10);
  REQUIRE(claimed.ok());
  REQUIRE(claimed.value().size() == 1);
  CHECK(claimed.value()[0].receipt.receipt_id == "HELD-1");
}

TEST_CASE("store postgres: a lock held too long and a server that stops answering cost a timeout",
          "[store][postgres][slow]") {
  REQUIRE_POSTGRES_OR_SKIP();
  auto server = PostgresTestServer::startPrivate();
  PostgresOptions o = server->options();
  o.connect_timeout_ms = 500;
  o.statement_timeout_ms = 500;
  auto store = mustOpen(o);
  core::DebtPosition p = singlePosition(kEcA, "SLOW", 96'000);
  REQUIRE(store->upsertPosition(p).ok());

  // Another session holds the position's row: the server cancels the waiting statement after
  // statement_timeout_ms, and the call says the database is unavailable.
  {
    pg::ConnectOptions c;
    c.dsn = server->dsn();
    c.password = server->password();
    auto other = pg::Connection::connect(c);
    REQUIRE(other.ok());
    REQUIRE(other.value()->exec("BEGIN; SELECT 1 FROM positions FOR UPDATE", "lock").ok());
    core::DebtPosition changed = p;
    changed.company_name = "Comune in attesa";
    const auto t0 = Clock::now();
    auto blocked = store->upsertPosition(changed);
    const double ms = msSince(t0);
    REQUIRE_FALSE(blocked.ok());
    CHECK(blocked.error().kind == ErrorKind::kUnavailable);
    CHECK(ms >= 400);
    CHECK(ms < 3000);
    REQUIRE(other.value()->exec("ROLLBACK", "unlock").ok());
    CHECK(store->upsertPosition(changed).value() == UpsertOutcome::kUpdated);
  }

  // The server stops answering (every process frozen, sockets open): a read on a pooled
  // connection gives up after statement + connect timeout, new connects after the connect
  // timeout; no call hangs.
  signalServer(*server, SIGSTOP);
  double worst_ms = 0;
  for (int i = 0; i < 4; ++i) {
    const auto t0 = Clock::now();
    auto read = store->findByNotice(kEcA, p.options[0].nav);
    worst_ms = std::max(worst_ms, msSince(t0));
    // CHECK, not REQUIRE: the server must be thawed whatever happens here.
    CHECK_FALSE(read.ok());
    if (!read.ok()) CHECK(read.error().kind == ErrorKind::kUnavailable);
  }
  signalServer(*server, SIGCONT);
  WARN("slowest call while the server was frozen: " << worst_ms << " ms");
  CHECK(worst_ms < 2500);
  bool back = false;
  for (auto deadline = Clock::now() + std::chrono::seconds(20); !back && Clock::now() < deadline;) {
    back = store->findByNotice(kEcA, p.options[0].nav).ok();
    if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(back);
  CHECK(commit(*store, receiptFor(kEcA, p.options[0].nav, "AFTER-FREEZE", 1000)).value() ==
        ReceiptOutcome::kStored);
}

}  // namespace ponte::store::testing
