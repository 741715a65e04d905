// Test PostgreSQL servers: the script does the work, this file remembers where it did it.
#include "postgres_test_server.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "store/postgres_connection.h"

namespace ponte::store::testing {
namespace {

// Runs the helper script with arguments; returns its exit status and its output.
int runScript(const std::string& args, std::string* output) {
  std::string command = std::string(PONTE_PG_TEST_SERVER) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = ::pclose(pipe);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void runOrThrow(const std::string& args) {
  std::string out;
  if (runScript(args, &out) != 0) {
    throw std::runtime_error("postgres_test_server.sh " + args + " failed: " + out);
  }
}

std::string firstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  if (line.empty()) throw std::runtime_error("cannot read " + path);
  return line;
}

std::unique_ptr<pg::Connection> connectTo(const PostgresTestServer& server) {
  pg::ConnectOptions o;
  o.dsn = server.dsn();
  o.password = server.password();
  o.connect_timeout_ms = 10'000;
  o.statement_timeout_ms = 60'000;
  auto c = pg::Connection::connect(o);
  if (!c) throw std::runtime_error(c.error().message);
  return std::move(c.value());
}

}  // namespace

PostgresTestServer::PostgresTestServer(std::string dir, bool owned)
    : dir_(std::move(dir)), owned_(owned) {
  dsn_ = firstLine(dir_ + "/dsn");
  password_ = firstLine(dir_ + "/password");
}

PostgresTestServer::~PostgresTestServer() {
  if (owned_) runScript("stop " + dir_, nullptr);
}

std::unique_ptr<PostgresTestServer> PostgresTestServer::startPrivate() {
  std::string out;
  if (runScript("start", &out) != 0) {
    throw std::runtime_error("cannot start a PostgreSQL test server: " + out);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  // The folder is the last line; anything before it is chatter.
  std::string dir = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
  return std::unique_ptr<PostgresTestServer>(new PostgresTestServer(dir, true));
}

std::string PostgresTestServer::unavailableReason() {
  if (const char* dir = std::getenv("PONTE_TEST_PG_DIR"); dir && *dir) return "";
  static const std::string reason = [] {
    std::string out;
    if (runScript("bin", &out) == 0) return std::string();
    return std::string("no PostgreSQL server binaries (install the postgresql package)");
  }();
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") return "";  // CI: try, and fail loudly
  return reason;
}

PostgresTestServer* PostgresTestServer::shared() {
  static std::mutex mutex;
  static std::unique_ptr<PostgresTestServer> server;
  std::lock_guard lock(mutex);
  if (!server) {
    if (const char* dir = std::getenv("PONTE_TEST_PG_DIR"); dir && *dir) {
      server.reset(new PostgresTestServer(dir, false));
    } else if (unavailableReason().empty()) {
      server = startPrivate();
    }
  }
  return server.get();
}

PostgresOptions PostgresTestServer::options(const std::string& schema) const {
  PostgresOptions o;
  o.dsn = dsn_;
  if (!schema.empty()) o.dsn += " options='-csearch_path=" + schema + "'";
  o.password = password_;
  o.pool_size = 4;
  o.connect_timeout_ms = 2000;
  // Generous for the contract suite on a loaded 2-core machine; the outage tests set their own.
  o.statement_timeout_ms = 20'000;
  return o;
}

void PostgresTestServer::restart() { runOrThrow("restart " + dir_); }
void PostgresTestServer::stop() { runOrThrow("halt " + dir_); }
void PostgresTestServer::start() { runOrThrow("resume " + dir_); }

void PostgresTestServer::exec(const std::string& sql) const {
  auto c = connectTo(*this);
  if (auto r = c->exec(sql, "test sql"); !r) throw std::runtime_error(r.error().message);
}

std::int64_t PostgresTestServer::queryInt(const std::string& sql) const {
  auto c = connectTo(*this);
  auto rows = c->query(sql, "test query");
  if (!rows) throw std::runtime_error(rows.error().message);
  if (rows.value().size() != 1) throw std::runtime_error("expected one row from " + sql);
  return rows.value().int64(0, 0);
}

PostgresTestSchema::PostgresTestSchema() : server_(PostgresTestServer::shared()) {
  if (!server_) throw std::runtime_error(PostgresTestServer::unavailableReason());
  static std::atomic<int> counter{0};
  // The pid alone could repeat across runs on a long-lived server; the clock makes it unique.
  const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count() % 1'000'000'000;
  name_ = "t_" + std::to_string(::getpid()) + "_" + std::to_string(ticks) + "_" +
          std::to_string(++counter);
  server_->exec("CREATE SCHEMA " + name_);
}

PostgresTestSchema::~PostgresTestSchema() {
  try {
    server_->exec("DROP SCHEMA " + name_ + " CASCADE");
  } catch (...) {
    // A server stopped by the test: the schema goes with the server's folder.
  }
}

PostgresOptions PostgresTestSchema::options() const { return server_->options(name_); }

}  // namespace ponte::store::testing
