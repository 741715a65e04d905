// The PostgreSQL engine of store::Store, for several ponte instances in front of one database:
// a connection pool with timeouts that fails fast during an outage and reconnects by itself,
// group commit on a writer thread, numbered migrations under an advisory lock.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "store/store.h"

namespace ponte::store {

struct PostgresOptions {
  // A libpq connection string ("host=db1 port=5432 dbname=ponte user=ponte") or URI
  // ("postgresql://ponte@db1/ponte"). Several hosts with target_session_attrs=read-write follow
  // a failover to the new primary.
  std::string dsn;
  // When not empty, overrides any password in the dsn (read from storage.password_file).
  std::string password;
  // Connections for reads and synchronous writes; the writer thread has one more of its own.
  int pool_size = 8;
  // Bounds a connect, and how long a call waits for a free connection.
  int connect_timeout_ms = 1000;
  // The server cancels a statement after this; the client gives up after this plus the connect
  // timeout and drops the connection (a server that stopped answering).
  int statement_timeout_ms = 2000;
  // At most this many jobs (receipts, spontaneous positions) share one transaction.
  std::size_t max_batch = 1000;
  // Jobs waiting for the writer beyond this are refused at once with kUnavailable.
  std::size_t max_pending = 100000;
  // Payment attempts and audit entries waiting beyond this are dropped: records, not facts.
  std::size_t max_pending_records = 100000;
  std::string application_name = "ponte";
};

// Connects, applies every pending migration (under an advisory lock: instances starting
// together do not race) and starts the writer thread. Returns nullptr and fills *error (when
// not null) on failure: kInvalid for bad options or a malformed dsn; kFatal for a database
// newer than this binary, not a ponte database, not UTF-8, or a failed migration; kUnavailable
// when the server cannot be reached or refuses the login.
// Thread-safe; must outlive every call into it. Reads and synchronous writes run on pooled
// connections in the calling thread: during an outage they fail with kUnavailable within
// microseconds (after the first failed connect) and the pool reconnects on a later call.
// commitReceipt and createWithSequence are jobs of the writer thread, answered from it after
// the commit is durable (synchronous_commit on), or at once with kUnavailable when
// max_pending jobs wait. Callbacks must not block or throw. Destroying the store drains the
// writer: every job accepted before is committed (or failed) and answered.
std::unique_ptr<Store> openPostgresStore(const PostgresOptions& options, Error* error);

// Applies pending migrations and returns the schema version reached (== the binary's). Errors
// as for openPostgresStore. Safe while other instances use the database.
Result<int> migratePostgres(const PostgresOptions& options);

// The first line of a password file (trailing newline and carriage return removed). kInvalid
// when it cannot be read or is empty; the message names the path.
Result<std::string> readPasswordFile(const std::string& path);

}  // namespace ponte::store
