// One libpq connection with a deadline on everything it does: connect, prepare, execute. A
// connection that loses its server or misses a deadline is marked broken and must be dropped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/store.h"

struct pg_conn;
struct pg_result;

namespace ponte::store::pg {

// What a PostgreSQL SQLSTATE means for the caller: connection, resource, shutdown, lock,
// deadlock, serialization and timeout classes (08, 53, 57, 58, 40, 55) -> kUnavailable; 23505
// (unique) -> kConflict; other integrity (23) and data (22) errors -> kInvalid; everything else
// (a broken query, missing table, internal error) -> kFatal.
ErrorKind errorKindOfSqlState(std::string_view sqlstate);

// True for SQLSTATEs after which running the same transaction again may succeed: deadlock
// (40P01), serialization failure (40001), lock not available (55P03).
bool isRetryable(std::string_view sqlstate);

// The parameters of one statement, $1, $2, ... in order of push. Text format, except bytes
// (bytea), which travel in binary so no escaping is needed.
class Params {
 public:
  Params& add(std::int64_t value);
  Params& add(std::string_view text);
  Params& add(const std::string& text) { return add(std::string_view(text)); }
  Params& add(const char* text) { return add(std::string_view(text)); }
  Params& add(bool value);
  Params& addBytes(std::string_view bytes);
  Params& addNull();
  // A text[] literal of the values ('{"a","b"}'), for `= ANY($n::text[])` and unnest().
  Params& addTextArray(const std::vector<std::string>& values);
  // A bigint[] literal.
  Params& addInt64Array(const std::vector<std::int64_t>& values);

  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class Connection;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> binary_;
};

// The rows of one statement in text format; owns its PGresult.
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* result) : result_(result) {}
  Rows(Rows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  ~Rows();

  int size() const;
  bool isNull(int row, int column) const;
  // Views stay valid while this Rows lives.
  std::string_view text(int row, int column) const;
  std::int64_t int64(int row, int column) const;  // 0 for NULL
  bool boolean(int row, int column) const;        // PostgreSQL's 't'
  // A bytea column (hex output format) decoded to its bytes.
  std::string bytes(int row, int column) const;
  // Rows written by an INSERT, UPDATE or DELETE without RETURNING.
  std::int64_t affected() const;

 private:
  pg_result* result_ = nullptr;
};

struct ConnectOptions {
  std::string dsn;       // a libpq connection string or URI
  std::string password;  // when not empty, overrides any password of the dsn
  int connect_timeout_ms = 1000;
  // Set as the session's statement_timeout; the client also gives up (and drops the connection)
  // when no answer comes within statement_timeout_ms + connect_timeout_ms.
  int statement_timeout_ms = 2000;
  std::string application_name = "ponte";
};

class Connection {
 public:
  // Connects within connect_timeout_ms and prepares the session (UTF-8, synchronous_commit on,
  // statement and idle-in-transaction timeouts). kInvalid for a malformed dsn, kUnavailable for
  // anything else (refused, timed out, authentication failed); the message says which.
  static Result<std::unique_ptr<Connection>> connect(const ConnectOptions& options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs `sql` with params as a named prepared statement, prepared on this connection the first
  // time it is used (so every later call is one round trip). `context` names the operation in
  // error messages.
  Result<Rows> query(const std::string& sql, const Params& params, std::string_view context);
  Result<Rows> query(const std::string& sql, std::string_view context) {
    return query(sql, Params(), context);
  }

  // Runs statements without parameters through the simple protocol (BEGIN, COMMIT, SAVEPOINT,
  // SET, DDL); `sql` may hold several statements.
  Result<Done> exec(std::string_view sql, std::string_view context);

  // The SQLSTATE of the last failed call ("" when it failed without one, e.g. a lost server).
  const std::string& lastSqlState() const { return last_sqlstate_; }

  // True once the server is gone or a deadline passed: the connection cannot be used again.
  bool broken() const;
  // For an idle connection about to be reused: reads whatever the server sent meanwhile (a
  // server shutting down says so to idle clients) and reports whether it is broken now.
  bool brokenWhileIdle();
  // The transaction state as libpq sees it: idle, in a transaction, or in a failed one.
  bool inTransaction() const;
  bool inFailedTransaction() const;

 private:
  Connection(pg_conn* conn, ConnectOptions options);
  Result<Rows> await(std::string_view context);
  Error failure(std::string_view context, pg_result* result);
  Error lost(std::string_view context, std::string detail);

  pg_conn* conn_;
  ConnectOptions options_;
  bool broken_ = false;
  std::string last_sqlstate_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

}  // namespace ponte::store::pg
