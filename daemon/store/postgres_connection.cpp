// libpq driven asynchronously under a poll() deadline, so a server that stops answering costs a
// bounded wait and a dropped connection, never a blocked thread.
#include "store/postgres_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>

namespace ponte::store::pg {
namespace {

using Clock = std::chrono::steady_clock;

// Waits until the socket is ready for `events` or the deadline passes. Returns the revents, 0
// on timeout, -1 on a poll error.
int waitSocket(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return 0;
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60'000)));
    if (n > 0) return p.revents == 0 ? events : p.revents;
    if (n < 0 && errno != EINTR) return -1;
  }
}

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  // libpq's multi-line messages read better on one log line.
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

void ignoreNotice(void*, const char*) {}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void appendArrayElement(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

ErrorKind errorKindOfSqlState(std::string_view s) {
  if (s.size() != 5) return ErrorKind::kUnavailable;
  std::string_view cls = s.substr(0, 2);
  if (s == "23505") return ErrorKind::kConflict;
  if (cls == "23" || cls == "22") return ErrorKind::kInvalid;
  if (cls == "08" || cls == "53" || cls == "57" || cls == "58" || cls == "40" || cls == "55" ||
      cls == "25") {
    return ErrorKind::kUnavailable;
  }
  return ErrorKind::kFatal;
}

bool isRetryable(std::string_view s) { return s == "40P01" || s == "40001" || s == "55P03"; }

// --- Params ---

Params& Params::add(std::int64_t value) {
  values_.push_back(std::to_string(value));
  null_.push_back(false);
  binary_.push_back(0);
  return *this;
}

Params& Params::add(std::string_view text) {
  values_.emplace_back(text);
  null_.push_back(false);
  binary_.push_back(0);
  return *this;
}

Params& Params::add(bool value) { return add(std::string_view(value ? "t" : "f")); }

Params& Params::addBytes(std::string_view bytes) {
  values_.emplace_back(bytes);
  null_.push_back(false);
  binary_.push_back(1);
  return *this;
}

Params& Params::addNull() {
  values_.emplace_back();
  null_.push_back(true);
  binary_.push_back(0);
  return *this;
}

Params& Params::addTextArray(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    appendArrayElement(literal, values[i]);
  }
  literal += '}';
  return add(std::string_view(literal));
}

Params& Params::addInt64Array(const std::vector<std::int64_t>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    literal += std::to_string(values[i]);
  }
  literal += '}';
  return add(std::string_view(literal));
}

// --- Rows ---

Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    if (result_) PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

Rows::~Rows() {
  if (result_) PQclear(result_);
}

int Rows::size() const { return result_ ? PQntuples(result_) : 0; }

bool Rows::isNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string_view Rows::text(int row, int column) const {
  return std::string_view(PQgetvalue(result_, row, column),
                          static_cast<std::size_t>(PQgetlength(result_, row, column)));
}

std::int64_t Rows::int64(int row, int column) const {
  std::string_view t = text(row, column);
  std::int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

bool Rows::boolean(int row, int column) const { return text(row, column) == "t"; }

std::string Rows::bytes(int row, int column) const {
  std::string_view t = text(row, column);
  std::string out;
  if (t.size() >= 2 && t[0] == '\\' && t[1] == 'x') {
    out.resize((t.size() - 2) / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
      int hi = hexValue(t[2 + 2 * i]);
      int lo = hexValue(t[3 + 2 * i]);
      if (hi < 0 || lo < 0) return std::string();  // the decoder then reports corruption
      out[i] = static_cast<char>(hi * 16 + lo);
    }
    return out;
  }
  // The escape format, in case a server is configured with bytea_output = escape.
  std::size_t n = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(std::string(t).c_str()), &n);
  if (raw) {
    out.assign(reinterpret_cast<char*>(raw), n);
    PQfreemem(raw);
  }
  return out;
}

std::int64_t Rows::affected() const {
  if (!result_) return 0;
  const char* n = PQcmdTuples(result_);
  std::int64_t v = 0;
  if (n && *n) std::from_chars(n, n + std::strlen(n), v);
  return v;
}

// --- Connection ---

Result<std::unique_ptr<Connection>> Connection::connect(const ConnectOptions& options) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.dsn.c_str(), &parse_error);
  if (!parsed) {
    std::string why = trimmed(parse_error);
    PQfreemem(parse_error);
    return Error{ErrorKind::kInvalid, "postgres: the dsn is malformed: " + why};
  }
  PQconninfoFree(parsed);

  const std::string timeout_s = std::to_string((options.connect_timeout_ms + 999) / 1000);
  // Keys before dbname may be overridden by the dsn; those after it always win.
  std::vector<const char*> keys = {"application_name", "connect_timeout",     "keepalives",
                                   "keepalives_idle",  "keepalives_interval", "keepalives_count",
                                   "dbname",           "client_encoding"};
  std::vector<const char*> values = {options.application_name.c_str(),
                                     timeout_s.c_str(),
                                     "1",
                                     "10",
                                     "3",
                                     "3",
                                     options.dsn.c_str(),
                                     "UTF8"};
  if (!options.password.empty()) {
    keys.push_back("password");
    values.push_back(options.password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);

  const auto deadline = Clock::now() + std::chrono::milliseconds(options.connect_timeout_ms);
  pg_conn* conn = PQconnectStartParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (!conn) return Error{ErrorKind::kUnavailable, "postgres: out of memory"};
  PQsetNoticeProcessor(conn, ignoreNotice, nullptr);
  auto fail = [&](std::string why) -> Result<std::unique_ptr<Connection>> {
    PQfinish(conn);
    return Error{ErrorKind::kUnavailable, "postgres: cannot connect: " + why};
  };
  if (PQstatus(conn) == CONNECTION_BAD) return fail(trimmed(PQerrorMessage(conn)));
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) return fail(trimmed(PQerrorMessage(conn)));
    short events = state == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    int ready = waitSocket(PQsocket(conn), events, deadline);
    if (ready == 0) {
      return fail("no answer within " + std::to_string(options.connect_timeout_ms) + " ms");
    }
    if (ready < 0) return fail(std::string("poll failed: ") + std::strerror(errno));
    state = PQconnectPoll(conn);
  }
  if (PQsetnonblocking(conn, 1) != 0) return fail(trimmed(PQerrorMessage(conn)));

  std::unique_ptr<Connection> c(new Connection(conn, options));
  // A hung client must not hold row locks forever: the server ends its idle transaction, and
  // (14+) notices within a second when the client is gone in the middle of a statement.
  const int idle_tx_ms = std::max(10'000, 5 * options.statement_timeout_ms);
  std::string setup = "SET statement_timeout = " + std::to_string(options.statement_timeout_ms) +
                      "; SET idle_in_transaction_session_timeout = " + std::to_string(idle_tx_ms) +
                      "; SET synchronous_commit = on; SET bytea_output = 'hex'";
  if (PQserverVersion(conn) >= 140000) setup += "; SET client_connection_check_interval = 1000";
  if (auto r = c->exec(setup, "set up the session"); !r) return r.error();
  return c;
}

Connection::Connection(pg_conn* conn, ConnectOptions options)
    : conn_(conn), options_(std::move(options)) {}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::broken() const { return broken_ || PQstatus(conn_) == CONNECTION_BAD; }

bool Connection::brokenWhileIdle() {
  if (broken()) return true;
  pollfd p{PQsocket(conn_), POLLIN, 0};
  if (::poll(&p, 1, 0) > 0) {
    // Whatever arrives on an idle connection is a server going away (57P01, a terminated
    // backend) or a notice; either way consuming it tells us whether the socket is still good.
    if (PQconsumeInput(conn_) == 0) broken_ = true;
    while (!broken_ && !PQisBusy(conn_)) {
      pg_result* r = PQgetResult(conn_);
      if (!r) break;
      PQclear(r);
    }
  }
  return broken();
}

bool Connection::inTransaction() const {
  PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

bool Connection::inFailedTransaction() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

Error Connection::lost(std::string_view context, std::string detail) {
  broken_ = true;
  last_sqlstate_.clear();
  return Error{ErrorKind::kUnavailable,
               "postgres: " + std::string(context) + ": connection lost: " + detail};
}

Error Connection::failure(std::string_view context, pg_result* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary ? primary : trimmed(PQerrorMessage(conn_));
  last_sqlstate_ = state ? state : "";
  if (PQstatus(conn_) == CONNECTION_BAD) broken_ = true;
  ErrorKind kind =
      last_sqlstate_.empty() ? ErrorKind::kUnavailable : errorKindOfSqlState(last_sqlstate_);
  if (broken_) kind = ErrorKind::kUnavailable;
  std::string text = "postgres: " + std::string(context) + ": " + message;
  if (!last_sqlstate_.empty()) text += " (SQLSTATE " + last_sqlstate_ + ")";
  return Error{kind, std::move(text)};
}

Result<Rows> Connection::await(std::string_view context) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(options_.statement_timeout_ms +
                                                                 options_.connect_timeout_ms);
  const int fd = PQsocket(conn_);
  for (;;) {
    int flushed = PQflush(conn_);
    if (flushed == 0) break;
    if (flushed < 0) return lost(context, trimmed(PQerrorMessage(conn_)));
    int ready = waitSocket(fd, POLLIN | POLLOUT, deadline);
    if (ready == 0) return lost(context, "could not send within the statement timeout");
    if (ready < 0) return lost(context, std::strerror(errno));
    if ((ready & POLLIN) && PQconsumeInput(conn_) == 0) {
      return lost(context, trimmed(PQerrorMessage(conn_)));
    }
  }
  Rows last;
  pg_result* error = nullptr;
  for (;;) {
    while (PQisBusy(conn_)) {
      int ready = waitSocket(fd, POLLIN, deadline);
      if (ready == 0) {
        if (error) PQclear(error);
        return lost(context, "no answer within " +
                                 std::to_string(options_.statement_timeout_ms +
                                                options_.connect_timeout_ms) +
                                 " ms");
      }
      if (ready < 0 || PQconsumeInput(conn_) == 0) {
        // libpq may already hold the server's last words (57P01 "terminating connection").
        if (!PQisBusy(conn_)) break;
        if (error) PQclear(error);
        return lost(context, trimmed(PQerrorMessage(conn_)));
      }
    }
    pg_result* r = PQgetResult(conn_);
    if (!r) break;
    ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE ||
        status == PGRES_NONFATAL_ERROR) {
      if (error) {
        PQclear(r);
      } else {
        error = r;
      }
    } else {
      last = Rows(r);
    }
    if (PQstatus(conn_) == CONNECTION_BAD) break;
  }
  if (error) {
    Error e = failure(context, error);
    PQclear(error);
    return e;
  }
  if (PQstatus(conn_) == CONNECTION_BAD) return lost(context, trimmed(PQerrorMessage(conn_)));
  last_sqlstate_.clear();
  return last;
}

Result<Rows> Connection::query(const std::string& sql, const Params& params,
                               std::string_view context) {
  if (broken_) return lost(context, "dropped after an earlier failure");
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "ponte_" + std::to_string(prepared_.size() + 1);
    if (!PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr)) {
      return lost(context, trimmed(PQerrorMessage(conn_)));
    }
    auto prepared = await(context);
    if (!prepared) return prepared.error();
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values(params.values_.size());
  std::vector<int> lengths(params.values_.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = params.null_[i] ? nullptr : params.values_[i].c_str();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  if (!PQsendQueryPrepared(conn_, it->second.c_str(), params.size(), values.data(), lengths.data(),
                           params.binary_.data(), /*resultFormat=*/0)) {
    return lost(context, trimmed(PQerrorMessage(conn_)));
  }
  return await(context);
}

Result<Done> Connection::exec(std::string_view sql, std::string_view context) {
  if (broken_) return lost(context, "dropped after an earlier failure");
  std::string text(sql);
  if (!PQsendQuery(conn_, text.c_str())) return lost(context, trimmed(PQerrorMessage(conn_)));
  auto r = await(context);
  if (!r) return r.error();
  return Done{};
}

}  // namespace ponte::store::pg
