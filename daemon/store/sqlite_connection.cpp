// SQLite connection and statement wrappers.
#include "store/sqlite_connection.h"

#include <sqlite3.h>

namespace ponte::store::sqlite {

ErrorKind errorKindOf(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      return ErrorKind::kUnavailable;
    case SQLITE_CONSTRAINT:
      return ErrorKind::kConflict;
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return ErrorKind::kInvalid;
    default:
      return ErrorKind::kFatal;
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: the caller's buffer may die before step(); SQLite copies it. A null data
  // pointer would bind NULL, not '': an empty view must stay an empty string.
  const char* data = text.data() != nullptr ? text.data() : "";
  int rc = sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes) {
  const char* data = bytes.data() != nullptr ? bytes.data() : "";
  int rc = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

int Statement::step() {
  if (bind_error_ != 0) return bind_error_;
  return sqlite3_step(stmt_);
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  bind_error_ = 0;
}

std::int64_t Statement::columnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

bool Statement::columnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string_view Statement::columnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(n)};
}

std::string_view Statement::columnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  if (blob == nullptr) return {};
  return {static_cast<const char*>(blob), static_cast<std::size_t>(n)};
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path,
                                                     const OpenOptions& options) {
  // SQLite's memory statistics take one process-wide mutex on every allocation, which would
  // serialize the per-thread readers. It can only be turned off before SQLite initializes; if
  // something else initialized it first, the call fails harmlessly and the statistics stay on.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create) flags |= SQLITE_OPEN_CREATE;
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags,
                           options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (rc != SQLITE_OK) {
    std::string message =
        "sqlite: cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return Error{errorKindOf(rc), std::move(message)};
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  // A negative cache_size is in KiB, independent of the page size.
  std::string pragmas = "PRAGMA cache_size=-" + std::to_string(options.cache_kib) +
                        ";PRAGMA foreign_keys=ON;PRAGMA temp_store=MEMORY;";
  if (auto r = conn->exec(pragmas, "configure " + path); !r) return r.error();
  return conn;
}

Connection::~Connection() {
  // Statements first: sqlite3_close refuses to close a connection with live statements.
  statements_.clear();
  sqlite3_close(db_);
}

Result<Done> Connection::exec(std::string_view sql, std::string_view context) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    Error e{errorKindOf(rc), "sqlite: " + std::string(context) + ": " +
                                 (message ? message : sqlite3_errstr(rc)) + " (code " +
                                 std::to_string(rc) + ")"};
    sqlite3_free(message);
    return e;
  }
  return Done{};
}

Result<Statement*> Connection::statement(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second.get();
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error("prepare " + sql, rc);
  auto& slot = statements_[sql];
  slot = std::make_unique<Statement>(stmt, db_);
  return slot.get();
}

std::int64_t Connection::lastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }

bool Connection::inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Result<Done> Connection::run(const std::string& sql) {
  auto s = statement(sql);
  if (!s) return s.error();
  StatementUse use(*s.value());
  int rc;
  while ((rc = use->step()) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return error(sql, rc);
  return Done{};
}

Error Connection::error(std::string_view context, int code) const {
  int rc = code != 0 ? code : sqlite3_extended_errcode(db_);
  return Error{errorKindOf(rc), "sqlite: " + std::string(context) + ": " + sqlite3_errmsg(db_) +
                                    " (code " + std::to_string(rc) + ")"};
}

}  // namespace ponte::store::sqlite
