// Real `ponte` processes on PostgreSQL: `ponte migrate` and `ponte check-config` on a dsn, two
// `ponte serve` instances in front of one database taking the node's calls, and the database
// server stopped and started again under load.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "ponte_process.h"
#include "postgres_test_server.h"

namespace ponte::store::testing {
namespace {

using e2e::goldenRequest;
using e2e::PonteProcess;
using e2e::postSoap;
using Clock = std::chrono::steady_clock;

constexpr const char* kEc = "80015010723";

#define REQUIRE_POSTGRES_OR_SKIP()                                   \
  do {                                                               \
    const std::string why = PostgresTestServer::unavailableReason(); \
    if (!why.empty()) {                                              \
      WARN("skipped: " << why);                                      \
      return;                                                        \
    }                                                                \
  } while (false)

struct PoolSettings {
  int size = 4;
  int connect_timeout_ms = 1000;
  int statement_timeout_ms = 2000;
};

// Points the process's config at a schema of the server: storage.engine postgres, the dsn (with
// the schema as search_path) and a password file of its own (mode 600).
void usePostgres(const PonteProcess& ponte, const PostgresTestServer& server,
                 const std::string& schema, const std::string& password,
                 const PoolSettings& pool = {}) {
  const std::string path = ponte.dir() + "/ponte.yaml";
  std::ifstream in(path);
  std::string config((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto from = config.find("\nstorage:\n");
  const auto to = config.find("\nlogging:", from);
  if (from == std::string::npos || to == std::string::npos) {
    throw std::runtime_error("the test config has no storage block before logging");
  }
  const std::string password_file = ponte.dir() + "/db-password";
  std::ofstream(password_file) << password << "\n";
  ::chmod(password_file.c_str(), 0600);
  config.replace(from, to - from,
                 "\nstorage:\n  engine: postgres\n  dsn: \"" + server.dsn() +
                     " options='-csearch_path=" + schema + "'\"\n  password_file: \"" +
                     password_file + "\"\n  pool:\n    size: " + std::to_string(pool.size) +
                     "\n    connect_timeout_ms: " + std::to_string(pool.connect_timeout_ms) +
                     "\n    statement_timeout_ms: " + std::to_string(pool.statement_timeout_ms) +
                     "\n");
  std::ofstream(path) << config;
}

// Adds a spool ledger named "spool" writing to DIR/spool, and routes the receipts of kEc to it.
std::string addSpoolLedger(const PonteProcess& ponte) {
  const std::string path = ponte.dir() + "/ponte.yaml";
  std::ifstream in(path);
  std::string config((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string ec_line = std::string("  - fiscal_code: \"") + kEc + "\"\n";
  const auto ec = config.find(ec_line);
  const auto storage = config.find("\nstorage:\n");
  if (ec == std::string::npos || storage == std::string::npos) {
    throw std::runtime_error("the test config has no EC " + std::string(kEc) + " or no storage");
  }
  const std::string spool = ponte.dir() + "/spool";
  std::filesystem::create_directories(spool);
  config.insert(storage + 1, "ledgers:\n  - name: spool\n    type: spool\n    directory: \"" +
                                 spool + "\"\n\noutbox:\n  batch: 5\n\n");
  config.insert(ec + ec_line.size(), "    ledger_routes: [spool]\n");
  std::ofstream(path) << config;
  return spool;
}

// The receipt files of a spool folder.
std::set<std::string> spooled(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file()) out.insert(e.path().filename().string());
  }
  return out;
}

// Imports the demo positions (made by PonteProcess in its folder) into the configured database.
void importDemoPositions(const PonteProcess& ponte) {
  for (const char* ec : {"80015010723", "83000390019"}) {
    std::string out;
    const int status = ponte.runCli({"positions", "import", "--ec", ec, "--with-status",
                                     ponte.dir() + "/positions/" + ec + ".json"},
                                    &out);
    INFO(out);
    REQUIRE(status == 0);
  }
}

std::string withReceiptId(std::string body, const std::string& id) {
  const std::string open = "<receiptId>";
  const auto start = body.find(open) + open.size();
  return body.replace(start, body.find("</receiptId>") - start, id);
}

std::string outcomeOf(const std::optional<test::ClientResponse>& r) {
  if (!r) return "no answer";
  if (r->body.find("<outcome>OK</outcome>") != std::string::npos) return "OK";
  const auto at = r->body.find("<faultCode>");
  if (at == std::string::npos) return "status " + std::to_string(r->status);
  const auto end = r->body.find("</faultCode>", at);
  return r->body.substr(at + 11, end - at - 11);
}

// A node-side caller that keeps one connection and makes a new one when it is closed.
class NodeCaller {
 public:
  explicit NodeCaller(const PonteProcess& ponte) : options_(ponte.nodeClient()) {}

  std::string call(const std::string& action, const std::string& body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!client_) client_ = test::TlsClient::connect(options_);
      if (!client_) return "no connection";
      auto r = postSoap(*client_, action, body);
      if (r) return outcomeOf(r);
      client_.reset();
    }
    return "no answer";
  }

 private:
  test::ClientOptions options_;
  std::unique_ptr<test::TlsClient> client_;
};

int adminStatus(const PonteProcess& ponte, const std::string& path) {
  test::ClientOptions o;
  o.port = ponte.adminPort();
  o.tls = false;
  auto client = test::TlsClient::connect(o);
  if (!client) return 0;
  auto r = client->request("GET", path);
  return r ? r->status : 0;
}

std::int64_t receiptRows(const PostgresTestServer& server, const std::string& schema,
                         const std::string& where) {
  return server.queryInt("SELECT count(*) FROM " + schema + ".receipts WHERE " + where);
}

std::string sqlTextArray(const std::vector<std::string>& values) {
  std::string out = "ARRAY[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ",'" : "'") + values[i] + "'";
  return out + "]::text[]";
}

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

TEST_CASE("store postgres e2e: ponte migrate and check-config work on a dsn and say what is wrong",
          "[store][postgres][e2e]") {
  REQUIRE_POSTGRES_OR_SKIP();
  PostgresTestSchema schema;
  PonteProcess ponte;
  usePostgres(ponte, schema.server(), schema.name(), schema.server().password());

  std::string out;
  REQUIRE(ponte.runCli({"migrate"}, &out) == 0);
  CHECK(out.find("postgres host=127.0.0.1") != std::string::npos);
  CHECK(out.find(": schema version ") != std::string::npos);
  const std::int64_t version =
      schema.server().queryInt("SELECT max(version) FROM " + schema.name() + ".schema_migrations");
  CHECK(out.find("schema version " + std::to_string(version)) != std::string::npos);
  REQUIRE(ponte.runCli({"migrate"}, &out) == 0);  // again: nothing to do, same version
  CHECK(out.find("schema version " + std::to_string(version)) != std::string::npos);
  INFO(out);
  REQUIRE(ponte.runCli({"check-config"}, &out) == 0);
  CHECK(out.find(": OK: broker") != std::string::npos);

  // A wrong password: refused, and the message says the login failed.
  usePostgres(ponte, schema.server(), schema.name(), "not-the-password");
  CHECK(ponte.runCli({"check-config"}, &out) != 0);
  CHECK(out.find("cannot open the database postgres") != std::string::npos);
  CHECK(out.find("password authentication failed") != std::string::npos);
  CHECK(ponte.runCli({"migrate"}, &out) != 0);
  CHECK(out.find("password authentication failed") != std::string::npos);

  // A server that is not there: refused within the connect timeout, saying so.
  {
    std::ifstream in(ponte.dir() + "/ponte.yaml");
    std::string config((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto port = config.find(" port=");
    REQUIRE(port != std::string::npos);
    config.replace(port, config.find(' ', port + 1) - port, " port=1");
    std::ofstream(ponte.dir() + "/ponte.yaml") << config;
  }
  const auto t0 = Clock::now();
  CHECK(ponte.runCli({"migrate"}, &out) != 0);
  CHECK(msSince(t0) < 5000);
  CHECK(out.find("ponte migrate: postgres host=127.0.0.1 port=1") != std::string::npos);
}

TEST_CASE("store postgres e2e: two ponte instances on one database share the node's calls",
          "[store][postgres][e2e]") {
  REQUIRE_POSTGRES_OR_SKIP();
  PostgresTestSchema schema;
  PonteProcess a, b;
  usePostgres(a, schema.server(), schema.name(), schema.server().password());
  usePostgres(b, schema.server(), schema.name(), schema.server().password());
  // One ledger route, delivered by both instances' outbox workers, each to a folder of its own.
  const std::string spool_a = addSpoolLedger(a);
  const std::string spool_b = addSpoolLedger(b);
  importDemoPositions(a);
  a.start();
  b.start();
  NodeCaller to_a(a), to_b(b);

  // Both answer the same positions.
  const std::string verify = goldenRequest("paVerifyPaymentNotice", "ok");
  for (int i = 0; i < 5; ++i) {
    CHECK(to_a.call("paVerifyPaymentNotice", verify) == "OK");
    CHECK(to_b.call("paVerifyPaymentNotice", verify) == "OK");
  }
  CHECK(to_a.call("paGetPaymentV2", goldenRequest("paGetPaymentV2", "ok")) == "OK");

  // The node sends the same receipt to both at once (a retry racing the first attempt): both
  // answer OK, it is stored once.
  const std::string twin = withReceiptId(goldenRequest("paSendRTV2", "ok"), "twin-receipt");
  for (int round = 0; round < 3; ++round) {
    auto first = std::async(std::launch::async, [&] { return to_a.call("paSendRTV2", twin); });
    auto second = std::async(std::launch::async, [&] { return to_b.call("paSendRTV2", twin); });
    CHECK(first.get() == "OK");
    CHECK(second.get() == "OK");
  }
  CHECK(receiptRows(schema.server(), schema.name(), "receipt_id = 'twin-receipt'") == 1);
  CHECK(receiptRows(schema.server(), schema.name(),
                    "receipt_id = 'twin-receipt' AND NOT double_payment AND NOT unmatched") == 1);
  // The payment made through one instance is seen by the other.
  CHECK(to_b.call("paVerifyPaymentNotice", verify) == "PAA_PAGAMENTO_DUPLICATO");
  CHECK(to_a.call("paVerifyPaymentNotice", verify) == "PAA_PAGAMENTO_DUPLICATO");

  // Receipts spread over both from several node connections: every one answered OK is stored,
  // once.
  constexpr int kThreads = 4;
  constexpr int kPerThread = 15;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      NodeCaller mine(t % 2 ? b : a);
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "spread-" + std::to_string(t) + "-" + std::to_string(i);
        if (mine.call("paSendRTV2", withReceiptId(goldenRequest("paSendRTV2", "ok"), id)) == "OK") {
          ok.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok.load() == kThreads * kPerThread);
  CHECK(receiptRows(schema.server(), schema.name(), "receipt_id LIKE 'spread-%'") ==
        kThreads * kPerThread);
  // Both instances did their share of the writing: each logged receipts it committed.
  auto committed = [](const PonteProcess& p) {
    auto lines = p.logLines();
    return std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
      return l.find("paSendRTV2") != std::string::npos;
    });
  };
  CHECK(committed(a) > 0);
  CHECK(committed(b) > 0);

  // The outboxes of both deliver every receipt once to the route: never the same delivery twice
  // (each row delivered at its first attempt), never a receipt in both folders.
  const std::int64_t receipts = kThreads * kPerThread + 1;
  const std::string outbox = schema.name() + ".outbox";
  auto undelivered = [&] {
    return schema.server().queryInt("SELECT count(*) FROM " + outbox +
                                    " WHERE state <> 'delivered'");
  };
  for (auto deadline = Clock::now() + std::chrono::seconds(30);
       undelivered() > 0 && Clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(undelivered() == 0);
  CHECK(schema.server().queryInt("SELECT count(*) FROM " + outbox + " WHERE route = 'spool'") ==
        receipts);
  CHECK(schema.server().queryInt("SELECT count(*) FROM " + outbox + " WHERE attempts <> 1") == 0);
  const auto files_a = spooled(spool_a);
  const auto files_b = spooled(spool_b);
  std::set<std::string> all = files_a;
  all.insert(files_b.begin(), files_b.end());
  INFO("spooled by A: " << files_a.size() << ", by B: " << files_b.size());
  CHECK(all.size() == static_cast<std::size_t>(receipts));
  CHECK(files_a.size() + files_b.size() == static_cast<std::size_t>(receipts));
  CHECK(all.count(std::string(kEc) + "_twin-receipt.json") == 1);
  CHECK(a.stop(SIGTERM) == 0);
  CHECK(b.stop(SIGTERM) == 0);
}

TEST_CASE(
    "store postgres e2e: the database restarted under load, fast errors, nothing acknowledged "
    "lost",
    "[store][postgres][e2e]") {
  REQUIRE_POSTGRES_OR_SKIP();
  // A server of its own: this test stops it.
  auto server = PostgresTestServer::startPrivate();
  const std::string schema = "outage";
  server->exec("CREATE SCHEMA " + schema);
  PonteProcess ponte;
  PoolSettings pool;
  pool.connect_timeout_ms = 500;
  pool.statement_timeout_ms = 1000;
  usePostgres(ponte, *server, schema, server->password(), pool);
  importDemoPositions(ponte);
  ponte.start();
  REQUIRE(adminStatus(ponte, "/readyz") == 200);

  struct Answer {
    std::string id;
    std::string outcome;
    double ms = 0;
    Clock::time_point at;
  };
  std::mutex mutex;
  std::vector<Answer> answers;
  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  for (int t = 0; t < 3; ++t) {
    load.emplace_back([&, t] {
      NodeCaller caller(ponte);
      for (int i = 0; !stop.load(); ++i) {
        const std::string id = "outage-" + std::to_string(t) + "-" + std::to_string(i);
        const bool receipt = i % 2 == 0;
        const auto t0 = Clock::now();
        std::string outcome =
            receipt
                ? caller.call("paSendRTV2", withReceiptId(goldenRequest("paSendRTV2", "ok"), id))
                : caller.call("paVerifyPaymentNotice",
                              goldenRequest("paVerifyPaymentNotice", "ok"));
        const double ms = msSince(t0);
        // The receipts pay the notice being verified: a healthy answer either way.
        if (!receipt && outcome == "PAA_PAGAMENTO_DUPLICATO") outcome = "OK";
        std::lock_guard lock(mutex);
        answers.push_back(Answer{receipt ? id : "", outcome, ms, Clock::now()});
      }
    });
  }
  auto answered = [&] {
    std::lock_guard lock(mutex);
    return answers.size();
  };
  const auto wait_for_answers = [&](std::size_t n) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (answered() < n && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  wait_for_answers(30);

  server->stop();
  const auto down_at = Clock::now();
  // While it is down: /readyz says so, and every request is answered quickly.
  int not_ready = 0;
  for (int i = 0; i < 10; ++i) {
    if (adminStatus(ponte, "/readyz") == 503) ++not_ready;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(not_ready >= 9);  // the first probe may still find a connection being torn down
  const std::size_t before_start = answered();
  server->start();
  const auto up_at = Clock::now();

  // Service resumes by itself.
  bool ready = false;
  for (auto deadline = Clock::now() + std::chrono::seconds(15);
       !ready && Clock::now() < deadline;) {
    ready = adminStatus(ponte, "/readyz") == 200;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(ready);
  wait_for_answers(answered() + 30);
  stop = true;
  for (auto& t : load) t.join();

  std::vector<std::string> acknowledged;
  int failed_while_down = 0, ok_after = 0;
  double slowest_failure_ms = 0;
  std::set<std::string> unexpected;  // answers other than OK and the system error
  for (const auto& a : answers) {
    if (a.outcome == "OK") {
      if (!a.id.empty()) acknowledged.push_back(a.id);
      if (a.at > up_at) ++ok_after;
    } else {
      if (a.outcome != "PAA_SYSTEM_ERROR") unexpected.insert(a.outcome);
      slowest_failure_ms = std::max(slowest_failure_ms, a.ms);
      if (a.at > down_at && a.at < up_at) ++failed_while_down;
    }
  }
  INFO("answers " << answers.size() << " (" << before_start << " before the server came back), "
                  << failed_while_down << " failed while down, " << ok_after
                  << " OK after, slowest failure " << slowest_failure_ms << " ms");
  CHECK(unexpected.empty());
  CHECK(failed_while_down > 0);
  CHECK(ok_after > 0);
  // Well inside the node's 7 s: the connect timeout and a statement timeout at most.
  CHECK(slowest_failure_ms < 3000);
  REQUIRE_FALSE(acknowledged.empty());
  // Every receipt answered OK is in the database.
  CHECK(receiptRows(*server, schema, "receipt_id = ANY(" + sqlTextArray(acknowledged) + ")") ==
        static_cast<std::int64_t>(acknowledged.size()));
  // The outage was logged as the database's.
  auto lines = ponte.logLines();
  CHECK(std::any_of(lines.begin(), lines.end(),
                    [](const std::string& l) { return l.find("postgres") != std::string::npos; }));
  CHECK(ponte.stop(SIGTERM) == 0);
}

}  // namespace ponte::store::testing
