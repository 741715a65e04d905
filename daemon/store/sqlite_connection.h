// A thin RAII layer over one sqlite3 connection: prepared-statement cache, typed binds and
// columns, and the mapping of SQLite result codes to store::ErrorKind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ponte::store::sqlite {

// What a SQLite result code means for the caller: BUSY/LOCKED/FULL/CANTOPEN -> kUnavailable,
// CONSTRAINT -> kConflict, TOOBIG/RANGE/MISMATCH -> kInvalid, everything else (CORRUPT, NOTADB,
// IOERR, READONLY, PERM, ...) -> kFatal.
ErrorKind errorKindOf(int sqlite_code);

// One prepared statement, owned by the Connection that made it. Binds are 1-based, columns
// 0-based, as in SQLite. Text and blob views returned by columns stay valid until the next
// step() or reset(). Not thread-safe: used by the thread that owns the connection.
class Statement {
 public:
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bindBlob(int index, std::string_view bytes);
  Statement& bindNull(int index);
  // The first failed bind is remembered and reported by the next step().

  // SQLITE_ROW, SQLITE_DONE or an error code (also for a failed bind before it).
  int step();
  // Ends the statement's use: releases its read snapshot and clears the remembered bind error.
  void reset();

  std::int64_t columnInt64(int column) const;
  bool columnIsNull(int column) const;
  std::string_view columnText(int column) const;
  std::string_view columnBlob(int column) const;

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
  int bind_error_ = 0;
};

// Resets a statement when the scope ends, so no read snapshot or lock outlives one use, even on
// an early return.
class StatementUse {
 public:
  explicit StatementUse(Statement& s) : s_(s) {}
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  ~StatementUse() { s_.reset(); }
  Statement* operator->() { return &s_; }
  Statement& operator*() { return s_; }

 private:
  Statement& s_;
};

struct OpenOptions {
  bool create = true;          // create the file when missing
  bool read_only = false;      // open with SQLITE_OPEN_READONLY
  std::string vfs;             // a registered sqlite3_vfs by name; empty: SQLite's default
  int busy_timeout_ms = 5000;  // wait this long on another connection's lock, then SQLITE_BUSY
  int cache_kib = 2048;        // page cache of this connection
};

// One database connection, used by one thread at a time (opened SQLITE_OPEN_NOMUTEX).
class Connection {
 public:
  // Opens `path`, sets the busy timeout and cache size. The error names the path and SQLite's
  // message. WAL mode is a property of the file: set by whoever migrates it.
  static Result<std::unique_ptr<Connection>> open(const std::string& path,
                                                  const OpenOptions& options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements without results (DDL, PRAGMA, BEGIN/COMMIT).
  Result<Done> exec(std::string_view sql, std::string_view context);

  // The cached statement for `sql`, prepared on first use; owned by this connection.
  Result<Statement*> statement(const std::string& sql);

  // Runs a cached statement without parameters and ignores its rows (SAVEPOINT, RELEASE...).
  Result<Done> run(const std::string& sql);

  // The error for the last failed call on this connection (or `code` when given), with SQLite's
  // message and the context for the log.
  Error error(std::string_view context, int code = 0) const;

  // The rowid of the last INSERT on this connection.
  std::int64_t lastInsertRowid() const;
  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  std::int64_t changes() const;
  // False once SQLite has rolled an open transaction back by itself (after SQLITE_FULL, IOERR,
  // NOMEM...): the work of the whole transaction is gone.
  bool inTransaction() const;

  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

}  // namespace ponte::store::sqlite
