// PostgreSQL servers for the tests, through postgres_test_server.sh: the one `make test` starts
// for the whole run (PONTE_TEST_PG_DIR), or a private one a test may restart and stop at will.
#pragma once

#include <memory>
#include <string>

#include "store/postgres_store.h"

namespace ponte::store::testing {

class PostgresTestServer {
 public:
  // Starts a private server in a new temporary folder (initdb + pg_ctl, a free loopback port).
  // Throws with the script's output when it cannot.
  static std::unique_ptr<PostgresTestServer> startPrivate();
  // The server of PONTE_TEST_PG_DIR when set, else a private one started on first use and
  // stopped when the test program exits; nullptr when there is none (see unavailableReason).
  static PostgresTestServer* shared();
  // Empty when tests can have a server; else why not (no binaries). Under CI=true a missing
  // server is a failure, never a reason to skip.
  static std::string unavailableReason();

  PostgresTestServer(const PostgresTestServer&) = delete;
  PostgresTestServer& operator=(const PostgresTestServer&) = delete;
  ~PostgresTestServer();  // a private server is stopped and its folder removed

  // The connection string (loopback host, port, role ponte, database postgres) and password.
  const std::string& dsn() const { return dsn_; }
  const std::string& password() const { return password_; }
  const std::string& dir() const { return dir_; }
  // Store options for this server; `schema`, when not empty, becomes the search_path, so each
  // test database is a schema of its own.
  PostgresOptions options(const std::string& schema = {}) const;

  // pg_ctl restart -m fast: every connection is closed, the server is back when it returns.
  void restart();
  // Stops the server (pg_ctl stop -m fast) and starts it again (on the same port).
  void stop();
  void start();

  // Runs SQL (no results) as the superuser; throws on failure.
  void exec(const std::string& sql) const;
  // Runs a query returning one integer; throws on failure.
  std::int64_t queryInt(const std::string& sql) const;

 private:
  PostgresTestServer(std::string dir, bool owned);

  std::string dir_;
  bool owned_;
  std::string dsn_;
  std::string password_;
};

// A fresh, empty schema on the shared server, dropped at scope end.
class PostgresTestSchema {
 public:
  // Throws when there is no shared server.
  PostgresTestSchema();
  ~PostgresTestSchema();
  PostgresTestSchema(const PostgresTestSchema&) = delete;
  PostgresTestSchema& operator=(const PostgresTestSchema&) = delete;

  const std::string& name() const { return name_; }
  PostgresOptions options() const;
  PostgresTestServer& server() const { return *server_; }

 private:
  PostgresTestServer* server_;
  std::string name_;
};

}  // namespace ponte::store::testing
