// The Asio/Beast side of HttpsServer: one io_context per thread, an acceptor that deals
// connections round-robin to them, and a session per connection that runs the TLS handshake,
// parses HTTP/1.1 with limits, enforces a deadline on every phase and drains on stop.
// The only translation unit of ponte_net that includes Asio or Beast (they compile slowly).
#include <utility>  // before Asio, see TOOLCHAIN-NOTES

#include "net/https_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/ssl.hpp>

#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/thread_name.h"
#include "net/tls_context.h"

namespace ponte::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using std::chrono::milliseconds;

// Bytes asked for when waiting for the start of a request: one TLS record's worth.
constexpr std::size_t kFirstReadBytes = 16384;
// Upper bounds on the closing phases, whatever the configured deadlines.
constexpr int kLingerMaxMs = 5000;
constexpr int kTlsShutdownMaxMs = 2000;
// After stop() gave up on the drain, how long the forced closes may take before the loops stop.
constexpr milliseconds kAbortGrace{2000};
// accept() failing (EMFILE) must not spin the loop.
constexpr milliseconds kAcceptRetry{100};
constexpr std::chrono::seconds kRefusalLogInterval{1};

struct Counters {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> handshakes_failed{0};
  std::atomic<std::uint64_t> tls_no_certificate{0};
  std::atomic<std::uint64_t> tls_bad_certificate{0};
  std::atomic<std::uint64_t> tls_not_allowed{0};
  std::atomic<std::uint64_t> tls_timeout{0};
  std::atomic<std::uint64_t> tls_closed{0};
  std::atomic<std::uint64_t> tls_protocol{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::int64_t> handling{0};  // requests handed to the handler, not yet answered
};

// What every session of one server needs. Held by shared_ptr from each session, so that a
// session destroyed late (inside ~io_context) still finds it.
struct Shared {
  ListenerOptions options;
  HttpHandler handler;
  // The TLS context new connections use (null: plain HTTP). Replaced whole by reloadTls();
  // each session keeps the one it started with, so a reload never disturbs a live connection.
  std::shared_ptr<ssl::context> tls;
  std::mutex tls_mu;
  std::shared_ptr<ssl::context> currentTls() {
    std::lock_guard lock(tls_mu);
    return tls;
  }
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open{0};  // connections accepted and not yet destroyed
  // The most connections open at once since the last time none was.
  std::atomic<std::size_t> peak{0};
  std::mutex mu;
  std::condition_variable all_closed;
  Counters counters;

  void log(int level, std::string_view event, const std::string& detail) const {
    if (!options.log) return;
    // A throwing sink must not take an event loop down with it.
    try {
      options.log(level, event, detail);
    } catch (...) {
    }
  }

  void connectionOpened() {
    const std::size_t now = open.fetch_add(1) + 1;
    std::size_t seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
  }

  void connectionClosed() {
    if (open.fetch_sub(1) == 1) {
      // After a burst of connections, each with its TLS and HTTP buffers, the allocator keeps
      // the freed pages; give them back to the system once the burst is over.
      if (peak.exchange(0) >= kTrimAfterConnections) malloc_trim(0);
      std::lock_guard lock(mu);
      all_closed.notify_all();
    }
  }
  static constexpr std::size_t kTrimAfterConnections = 64;

  // Waits until no connection is open or `deadline` passes; true when none is open.
  bool waitAllClosed(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu);
    return all_closed.wait_until(lock, deadline, [&] { return open.load() == 0; });
  }
};

// Where replies from other threads enter a loop. Closed by stop() before the loops go away, so
// that a Reply kept by a handler after the server is gone posts nothing.
struct Gate {
  explicit Gate(asio::io_context::executor_type e) : executor(std::move(e)) {}
  std::mutex mu;
  bool open = true;
  asio::io_context::executor_type executor;
};

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // All four run on the session's loop thread.
  virtual void start() = 0;
  virtual void drain() = 0;  // close if idle, else finish the request in flight and close
  virtual void abort() = 0;  // close now
  virtual void deliver(std::uint64_t seq, HttpResponse response) = 0;
};

// The io_context the calling thread runs, on an event-loop thread (see afterThisTurn).
thread_local asio::io_context* this_threads_loop = nullptr;

struct Loop {
  asio::io_context ioc{1};  // one thread runs it
  // Every live session of this loop; touched only on its thread. Declared after ioc so that the
  // sessions (and their sockets) go before the io_context does.
  std::unordered_map<SessionBase*, std::shared_ptr<SessionBase>> sessions;
  std::shared_ptr<Gate> gate = std::make_shared<Gate>(ioc.get_executor());
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
};

// The state behind one Reply: it posts the response to the session's loop, refuses a second
// call, and answers 500 when the handler drops every copy of the Reply without calling it.
class ReplyState {
 public:
  ReplyState(std::weak_ptr<SessionBase> session, std::shared_ptr<Gate> gate,
             std::shared_ptr<Shared> shared, std::uint64_t seq)
      : session_(std::move(session)),
        gate_(std::move(gate)),
        shared_(std::move(shared)),
        seq_(seq) {
    shared_->counters.handling.fetch_add(1, std::memory_order_relaxed);
  }

  ~ReplyState() {
    if (replied_.exchange(true)) return;
    shared_->counters.handling.fetch_sub(1, std::memory_order_relaxed);
    shared_->log(kLogError, "http.reply_dropped",
                 "reason=the handler dropped its reply without calling it, answered 500");
    HttpResponse response;
    response.status = 500;
    response.content_type = "text/plain; charset=utf-8";
    response.body = "internal error\n";
    post(std::move(response));
  }

  void send(HttpResponse response) {
    if (replied_.exchange(true)) {
      shared_->log(kLogError, "http.reply_repeated", "reason=a reply was called twice, ignored");
      return;
    }
    shared_->counters.handling.fetch_sub(1, std::memory_order_relaxed);
    post(std::move(response));
  }

 private:
  void post(HttpResponse response) {
    std::lock_guard lock(gate_->mu);
    if (!gate_->open) return;
    asio::post(gate_->executor,
               [session = session_, seq = seq_, response = std::move(response)]() mutable {
                 if (auto s = session.lock()) s->deliver(seq, std::move(response));
               });
  }

  std::weak_ptr<SessionBase> session_;
  std::shared_ptr<Gate> gate_;
  std::shared_ptr<Shared> shared_;
  std::uint64_t seq_;
  std::atomic<bool> replied_{false};
};

std::string endpointText(const tcp::endpoint& ep) {
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

// RFC 7230 token characters, for header names a handler hands us.
bool isToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos)
      return false;
  }
  return true;
}

// A header value must not smuggle a line break (response splitting) or control bytes.
bool isFieldValue(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

bool iequal(std::string_view a, std::string_view b) {
  return beast::iequals(beast::string_view(a.data(), a.size()),
                        beast::string_view(b.data(), b.size()));
}

// Ends of a connection that are the peer's choice, not worth more than a debug line.
bool isQuietClose(const error_code& ec) {
  return ec == asio::error::eof || ec == http::error::end_of_stream ||
         ec == http::error::partial_message || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated ||
         ec == asio::error::operation_aborted;
}

bool isHttpParseError(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

template <bool kTls>
class Session final : public SessionBase {
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  enum class State {
    kHandshake,
    kAwaitRequest,
    kReadHeader,
    kReadBody,
    kHandling,
    kWriting,
    kClosing,
    kClosed
  };

 public:
  Session(std::shared_ptr<Shared> shared, Loop& loop, tcp::socket socket)
      : slot_(shared),
        shared_(std::move(shared)),
        loop_(loop),
        tls_context_(kTls ? shared_->currentTls() : nullptr),
        stream_(makeStream(std::move(socket), tls_context_.get())) {}

  void start() override {
    loop_.sessions.emplace(this, shared_from_this());
    error_code ec;
    tcp::endpoint remote = lowest().socket().remote_endpoint(ec);
    peer_.address = ec ? std::string("unknown") : endpointText(remote);
    if (shared_->stopping) {
      finish();
      return;
    }
    if constexpr (kTls) {
      state_ = State::kHandshake;
      lowest().expires_after(milliseconds(options().handshake_ms));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = self()](error_code e) { self->onHandshake(e); });
    } else {
      awaitRequest();
    }
  }

  void drain() override {
    draining_ = true;
    if (state_ == State::kHandshake || state_ == State::kAwaitRequest) finish();
  }

  void abort() override { finish(); }

  void deliver(std::uint64_t seq, HttpResponse response) override {
    // A reply for a connection that timed out or was aborted meanwhile has nowhere to go.
    if (closed_ || state_ != State::kHandling || seq != seq_) return;
    buildResponse(std::move(response));
    write();
  }

 private:
  static Stream makeStream(tcp::socket socket, ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  std::shared_ptr<Session> self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const ListenerOptions& options() const { return shared_->options; }
  void log(int level, std::string_view event, const std::string& detail) const {
    shared_->log(level, event, "peer=" + peer_.address + " " + detail);
  }

  void onHandshake(error_code ec) {
    if (closed_) return;
    if constexpr (kTls) {
      SSL* ssl = stream_.native_handle();
      if (ec) {
        shared_->counters.handshakes_failed++;
        if (ec == beast::error::timeout) shared_->counters.timeouts++;
        bool by_allow_list = false;
        std::string reason = tlsRefusalReason(ssl, &by_allow_list);
        Counters& c = shared_->counters;
        if (ec == beast::error::timeout) {
          c.tls_timeout++;
        } else if (by_allow_list) {
          c.tls_not_allowed++;
        } else if (ec.category() == asio::error::get_ssl_category() &&
                   ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                       SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
          c.tls_no_certificate++;
        } else if (!reason.empty()) {
          c.tls_bad_certificate++;
        } else if (isQuietClose(ec)) {
          c.tls_closed++;
        } else {
          c.tls_protocol++;
        }
        if (reason.empty()) {
          reason = ec == beast::error::timeout ? "handshake deadline passed" : ec.message();
        }
        // A bare TCP probe (connect, then close) is routine for load balancers.
        int level = isQuietClose(ec) ? kLogInfo : kLogWarning;
        log(level, by_allow_list ? "tls.client_not_allowed" : "tls.handshake_failed",
            "reason=" + reason);
        finish();
        return;
      }
      PeerIdentity identity = peerIdentityOf(ssl);
      if (options().tls->require_client_certificate && identity.sha256_fingerprint.empty()) {
        shared_->counters.handshakes_failed++;
        shared_->counters.tls_no_certificate++;
        log(kLogWarning, "tls.handshake_failed", "reason=no client certificate");
        finish();
        return;
      }
      // A resumed session skips the verify callback; the allow-lists still apply to it.
      if (!peerAdmitted(ssl, identity)) {
        shared_->counters.handshakes_failed++;
        shared_->counters.tls_not_allowed++;
        log(kLogWarning, "tls.client_not_allowed",
            "reason=client certificate not on the allow-list (subject \"" + identity.subject +
                "\", sha256 " + identity.sha256_fingerprint + ")");
        finish();
        return;
      }
      peer_.subject = std::move(identity.subject);
      peer_.sha256_fingerprint = std::move(identity.sha256_fingerprint);
      log(kLogDebug, "tls.handshake_done",
          "subject=\"" + peer_.subject + "\" resumed=" + (SSL_session_reused(ssl) ? "1" : "0"));
    }
    awaitRequest();
  }

  // Waits for the first byte of the next request under the idle deadline (the header deadline
  // on a new connection), so that a kept-alive connection may rest longer than a request may take.
  void awaitRequest() {
    if (draining_ || shared_->stopping) {
      finish();
      return;
    }
    state_ = State::kAwaitRequest;
    if (buffer_.size() > 0) {  // a pipelined request is already here
      readHeader();
      return;
    }
    lowest().expires_after(
        milliseconds(first_request_ ? options().read_header_ms : options().idle_ms));
    stream_.async_read_some(
        buffer_.prepare(kFirstReadBytes),
        [self = self()](error_code ec, std::size_t n) { self->onFirstBytes(ec, n); });
  }

  void onFirstBytes(error_code ec, std::size_t n) {
    if (closed_) return;
    buffer_.commit(n);
    if (ec) {
      if (ec == beast::error::timeout) {
        shared_->counters.timeouts++;
        log(first_request_ ? kLogInfo : kLogDebug, "http.timeout",
            first_request_ ? "phase=first_request" : "phase=idle");
      } else if (!isQuietClose(ec)) {
        log(kLogDebug, "net.read_failed", "reason=" + ec.message());
      }
      finish();
      return;
    }
    readHeader();
  }

  void readHeader() {
    state_ = State::kReadHeader;
    file_parser_.reset();
    body_file_.reset();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        options().max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(static_cast<std::uint64_t>(options().max_body_bytes));
    lowest().expires_after(milliseconds(options().read_header_ms));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = self()](error_code ec, std::size_t) { self->onHeader(ec); });
  }

  void onHeader(error_code ec) {
    if (closed_) return;
    if (ec) {
      onReadError(ec, "header");
      return;
    }
    const auto& req = parser_->get();
    version_ = req.version();
    const auto& methods = options().methods;
    const auto method = req.method_string();
    if (std::find(methods.begin(), methods.end(), std::string_view(method.data(), method.size())) ==
        methods.end()) {
      reject(http::status::method_not_allowed, "method not allowed\n", "http.method_not_allowed",
             kLogInfo, "method=" + std::string(method.data(), std::min<size_t>(method.size(), 32)));
      return;
    }
    if (parser_->is_done()) {
      dispatch();
      return;
    }
    // curl and some Java clients wait for this before sending a large body.
    if (iequal({req[http::field::expect].data(), req[http::field::expect].size()},
               "100-continue")) {
      state_ = State::kReadBody;
      continue_.emplace(http::status::continue_, version_);
      lowest().expires_after(milliseconds(options().write_ms));
      http::async_write(stream_, *continue_, [self = self()](error_code e, std::size_t) {
        if (self->closed_) return;
        if (e) {
          self->onWriteError(e);
          return;
        }
        self->readBody();
      });
      return;
    }
    readBody();
  }

  void readBody() {
    state_ = State::kReadBody;
    lowest().expires_after(milliseconds(options().read_body_ms));
    const auto length = parser_->content_length();
    if (options().spool_body_over > 0 && length && *length > options().spool_body_over) {
      spoolBody(*length);
      return;
    }
    http::async_read(stream_, buffer_, *parser_, [self = self()](error_code ec, std::size_t) {
      if (self->closed_) return;
      if (ec) {
        self->onReadError(ec, "body");
        return;
      }
      self->dispatch();
    });
  }

  // Reads a large body into a temporary file rather than memory (options().spool_body_over).
  void spoolBody(std::uint64_t length) {
    std::string path = (std::filesystem::temp_directory_path() / "ponte-body-XXXXXX").string();
    const int fd = ::mkstemp(path.data());
    if (fd < 0) {
      reject(http::status::service_unavailable, "cannot take the request body now\n",
             "http.spool_failed", kLogError, "reason=cannot create a file in the temporary folder");
      return;
    }
    ::close(fd);
    body_file_ = std::make_shared<BodyFile>(path, length);
    file_parser_.emplace(std::move(*parser_));
    parser_.reset();
    beast::error_code ec;
    file_parser_->get().body().open(path.c_str(), beast::file_mode::write, ec);
    if (ec) {
      file_parser_.reset();
      body_file_.reset();
      reject(http::status::service_unavailable, "cannot take the request body now\n",
             "http.spool_failed", kLogError, "reason=" + ec.message());
      return;
    }
    http::async_read(stream_, buffer_, *file_parser_, [self = self()](error_code e, std::size_t) {
      if (self->closed_) return;
      if (e) {
        self->onReadError(e, "body");
        return;
      }
      self->dispatch();
    });
  }

  void onReadError(const error_code& ec, const char* phase) {
    if (ec == http::error::header_limit) {
      reject(http::status::request_header_fields_too_large, "request header too large\n",
             "http.header_too_large", kLogWarning,
             "limit=" + std::to_string(options().max_header_bytes));
    } else if (ec == http::error::body_limit) {
      reject(http::status::payload_too_large, "request body too large\n", "http.body_too_large",
             kLogWarning, "limit=" + std::to_string(options().max_body_bytes));
    } else if (ec == beast::error::timeout) {
      shared_->counters.timeouts++;
      log(kLogInfo, "http.timeout", std::string("phase=") + phase);
      finish();
    } else if (isHttpParseError(ec) && ec != http::error::partial_message &&
               ec != http::error::end_of_stream) {
      reject(http::status::bad_request, "bad request\n", "http.bad_request", kLogInfo,
             "reason=" + ec.message());
    } else {
      if (!isQuietClose(ec)) log(kLogDebug, "net.read_failed", "reason=" + ec.message());
      finish();
    }
  }

  void dispatch() {
    state_ = State::kHandling;
    shared_->counters.requests++;
    HttpRequest request;
    const auto take = [&](auto& msg) {
      keep_alive_ = msg.keep_alive();
      request.method.assign(msg.method_string().data(), msg.method_string().size());
      request.target.assign(msg.target().data(), msg.target().size());
      request.headers.reserve(8);
      for (const auto& field : msg) {
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
    };
    if (file_parser_) {
      http::request<http::file_body> msg = file_parser_->release();
      file_parser_.reset();
      msg.body().close();
      take(msg);
      request.body_file = std::move(body_file_);
    } else {
      http::request<http::string_body> msg = parser_->release();
      parser_.reset();
      take(msg);
      request.body = std::move(msg.body());
    }
    request.peer = peer_;

    auto state = std::make_shared<ReplyState>(weak_from_this(), loop_.gate, shared_, ++seq_);
    Reply reply = [state = std::move(state)](HttpResponse response) {
      state->send(std::move(response));
    };
    // Exceptions must not unwind into the event loop; a reply the handler dropped while
    // throwing still produces a 500 through ReplyState.
    try {
      shared_->handler(std::move(request), std::move(reply));
    } catch (const std::exception& e) {
      log(kLogError, "http.handler_threw", std::string("reason=") + e.what());
    } catch (...) {
      log(kLogError, "http.handler_threw", "reason=unknown exception");
    }
  }

  void buildResponse(HttpResponse&& r) {
    bool close = !keep_alive_ || draining_ || shared_->stopping;
    try {
      response_ = {};
      response_.version(version_);
      int status = r.status;
      if (status < 200 || status > 599) {
        log(kLogError, "http.bad_response", "reason=status " + std::to_string(status));
        status = 500;
        r = HttpResponse{500, "text/plain; charset=utf-8", {}, "internal error\n"};
      }
      response_.result(static_cast<unsigned>(status));
      if (!r.content_type.empty() && isFieldValue(r.content_type)) {
        response_.set(http::field::content_type, r.content_type);
      }
      for (const auto& [name, value] : r.headers) {
        if (!isToken(name) || !isFieldValue(value)) {
          log(kLogError, "http.bad_response", "reason=invalid header dropped");
          continue;
        }
        // The listener frames the body and decides on keep-alive itself.
        if (iequal(name, "content-length") || iequal(name, "transfer-encoding")) continue;
        if (iequal(name, "connection")) {
          if (iequal(value, "close")) close = true;
          continue;
        }
        response_.insert(name, value);
      }
      if (status != 204 && status != 304) response_.body() = std::move(r.body);
      response_.keep_alive(!close);
      response_.prepare_payload();
    } catch (const std::exception& e) {
      log(kLogError, "http.bad_response", std::string("reason=") + e.what());
      response_ = {};
      response_.version(version_);
      response_.result(http::status::internal_server_error);
      response_.set(http::field::content_type, "text/plain; charset=utf-8");
      response_.body() = "internal error\n";
      close = true;
      response_.keep_alive(false);
      response_.prepare_payload();
    }
    close_after_write_ = close;
  }

  // Answers an error the listener found itself and closes; the rest of the request may still be
  // on its way, so the close lingers (see linger()).
  void reject(http::status status, const char* text, std::string_view event, int level,
              const std::string& detail) {
    shared_->counters.rejected++;
    log(level, event, detail);
    parser_.reset();
    file_parser_.reset();
    body_file_.reset();
    response_ = {};
    response_.version(version_);
    response_.result(status);
    response_.set(http::field::content_type, "text/plain; charset=utf-8");
    if (status == http::status::method_not_allowed) {
      std::string allow;
      for (const auto& m : options().methods) allow += (allow.empty() ? "" : ", ") + m;
      response_.set(http::field::allow, allow);
    }
    response_.body() = text;
    response_.keep_alive(false);
    response_.prepare_payload();
    close_after_write_ = true;
    linger_ = true;
    write();
  }

  void write() {
    state_ = State::kWriting;
    lowest().expires_after(milliseconds(options().write_ms));
    http::async_write(stream_, response_,
                      [self = self()](error_code ec, std::size_t) { self->onWrite(ec); });
  }

  void onWrite(error_code ec) {
    if (closed_) return;
    if (ec) {
      onWriteError(ec);
      return;
    }
    if (close_after_write_) {
      closeAfterResponse();
      return;
    }
    first_request_ = false;
    response_ = {};  // releases the body before the connection rests
    awaitRequest();
  }

  void onWriteError(const error_code& ec) {
    if (ec == beast::error::timeout) {
      shared_->counters.timeouts++;
      log(kLogInfo, "http.timeout", "phase=write");
    } else if (!isQuietClose(ec)) {
      log(kLogDebug, "net.write_failed", "reason=" + ec.message());
    }
    finish();
  }

  void closeAfterResponse() {
    if constexpr (kTls) {
      if (!linger_) {
        // close_notify tells a TLS client the response was not truncated.
        state_ = State::kClosing;
        lowest().expires_after(milliseconds(std::min(options().write_ms, kTlsShutdownMaxMs)));
        stream_.async_shutdown([self = self()](error_code) { self->finish(); });
        return;
      }
    }
    linger();
  }

  // Half-closes and reads whatever the client still sends until it closes too (or a short
  // deadline passes). Closing with unread bytes would make the kernel send a reset, and the
  // client could lose the response it has not read yet. Raw socket reads: nothing to decrypt.
  void linger() {
    state_ = State::kClosing;
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(milliseconds(std::min(options().read_body_ms, kLingerMaxMs)));
    linger_buffer_ = std::make_unique<std::array<char, 16384>>();
    lingerRead();
  }

  void lingerRead() {
    lowest().async_read_some(asio::buffer(*linger_buffer_),
                             [self = self()](error_code ec, std::size_t) {
                               if (self->closed_) return;
                               if (ec) {
                                 self->finish();
                                 return;
                               }
                               self->lingerRead();
                             });
  }

  // Closes the socket (pending operations complete with operation_aborted) and leaves the loop's
  // registry. The caller holds a shared_ptr to this session, so it outlives the erase.
  void finish() {
    if (closed_) return;
    closed_ = true;
    state_ = State::kClosed;
    lowest().close();
    loop_.sessions.erase(this);
  }

  // Gives the connection's slot back when the session is gone. First, so destroyed last: the
  // trim after a burst (connectionClosed) must come after the TLS state and buffers are freed,
  // or the pages they free later stay with the allocator.
  struct Slot {
    explicit Slot(std::shared_ptr<Shared> s) : shared(std::move(s)) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { shared->connectionClosed(); }
    std::shared_ptr<Shared> shared;
  };
  Slot slot_;
  std::shared_ptr<Shared> shared_;
  Loop& loop_;
  std::shared_ptr<ssl::context> tls_context_;  // before stream_, which is built from it
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::file_body>> file_parser_;  // a spooled body
  std::shared_ptr<BodyFile> body_file_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> response_;
  std::unique_ptr<std::array<char, 16384>> linger_buffer_;
  PeerIdentity peer_;
  State state_ = State::kAwaitRequest;
  unsigned version_ = 11;
  std::uint64_t seq_ = 0;  // numbers requests, so a late reply cannot answer a later one
  bool first_request_ = true;
  bool keep_alive_ = true;
  bool close_after_write_ = false;
  bool linger_ = false;
  bool draining_ = false;
  bool closed_ = false;
};

}  // namespace

struct HttpsServer::Impl {
  std::shared_ptr<Shared> shared;
  std::vector<std::unique_ptr<Loop>> loops;
  // On loops[0]; declared after loops so that they are destroyed before their io_context.
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> retry_timer;
  std::uint16_t port = 0;

  // Only on loops[0]'s thread (after start).
  bool accepting = false;
  std::size_t next_loop = 0;
  std::chrono::steady_clock::time_point last_refusal_log;
  std::uint64_t refusals_unlogged = 0;

  std::mutex stop_mu;
  bool stopped = false;

  void accept() {
    Loop& target = *loops[next_loop++ % loops.size()];
    // The socket is born on the loop that will serve it; only the accept runs on loops[0].
    acceptor->async_accept(asio::any_io_executor(target.ioc.get_executor()),
                           [this, &target](error_code ec, tcp::socket socket) {
                             onAccept(ec, std::move(socket), target);
                           });
  }

  void onAccept(error_code ec, tcp::socket socket, Loop& target) {
    if (!accepting) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      shared->log(kLogError, "net.accept_failed", "reason=" + ec.message());
      retry_timer->expires_after(kAcceptRetry);
      retry_timer->async_wait([this](error_code e) {
        if (!e && accepting) accept();
      });
      return;
    }
    error_code ignored;
    if (shared->open.load() >= shared->options.max_connections) {
      shared->counters.refused++;
      socket.close(ignored);
      logRefusal();
      accept();
      return;
    }
    shared->counters.accepted++;
    shared->connectionOpened();
    socket.set_option(tcp::no_delay(true), ignored);
    // Built here, started on its own loop: if the loop never runs the start, destroying the
    // session still releases its connection slot.
    std::shared_ptr<SessionBase> session;
    if (shared->currentTls()) {
      session = std::make_shared<Session<true>>(shared, target, std::move(socket));
    } else {
      session = std::make_shared<Session<false>>(shared, target, std::move(socket));
    }
    asio::post(target.ioc, [session = std::move(session)] { session->start(); });
    accept();
  }

  void logRefusal() {
    ++refusals_unlogged;
    auto now = std::chrono::steady_clock::now();
    if (now - last_refusal_log < kRefusalLogInterval) return;
    shared->log(kLogWarning, "net.connection_refused",
                "reason=max_connections limit=" + std::to_string(shared->options.max_connections) +
                    " refused_since_last_line=" + std::to_string(refusals_unlogged));
    refusals_unlogged = 0;
    last_refusal_log = now;
  }

  static void sweep(Loop& loop, bool abort) {
    if (abort) {
      auto sessions = std::move(loop.sessions);
      loop.sessions.clear();
      for (auto& entry : sessions) entry.second->abort();
      return;
    }
    // drain() may erase from the registry: work on a copy.
    std::vector<std::shared_ptr<SessionBase>> snapshot;
    snapshot.reserve(loop.sessions.size());
    for (auto& entry : loop.sessions) snapshot.push_back(entry.second);
    for (auto& session : snapshot) session->drain();
  }

  void stop() {
    std::lock_guard stop_lock(stop_mu);
    if (stopped) return;
    stopped = true;
    for (auto& loop : loops) {
      // Joining our own thread would deadlock: a handler must never call stop().
      assert(loop->thread.get_id() != std::this_thread::get_id());
    }
    shared->stopping = true;
    shared->log(kLogInfo, "net.stopping", "open=" + std::to_string(shared->open.load()));

    asio::post(loops[0]->ioc, [this] {
      accepting = false;
      error_code ignored;
      acceptor->close(ignored);
      retry_timer->cancel();
    });
    for (auto& loop : loops) asio::post(loop->ioc, [l = loop.get()] { sweep(*l, false); });
    auto now = std::chrono::steady_clock::now();
    shared->waitAllClosed(now + milliseconds(shared->options.drain_ms));

    std::size_t forced = shared->open.load();
    for (auto& loop : loops) {
      std::lock_guard lock(loop->gate->mu);
      loop->gate->open = false;
    }
    for (auto& loop : loops) {
      asio::post(loop->ioc, [l = loop.get()] { sweep(*l, true); });
      loop->work.reset();
    }
    shared->waitAllClosed(std::chrono::steady_clock::now() + kAbortGrace);
    for (auto& loop : loops) loop->ioc.stop();
    for (auto& loop : loops) {
      if (loop->thread.joinable()) loop->thread.join();
    }
    shared->log(kLogInfo, "net.stopped", "forced_closes=" + std::to_string(forced));
  }
};

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpsServer::~HttpsServer() {
  if (impl_) impl_->stop();
}

std::uint16_t HttpsServer::port() const { return impl_->port; }

bool HttpsServer::reloadTls(const TlsOptions& options, std::string* error) {
  if (!impl_->shared->currentTls()) {
    if (error) *error = "this listener serves plain HTTP: there is no TLS to reload";
    return false;
  }
  std::string tls_error;
  SslCtxPtr ctx = makeServerTlsContext(options, &tls_error);
  if (!ctx) {
    if (error) *error = tls_error;
    return false;
  }
  auto fresh = std::make_shared<ssl::context>(ctx.release());
  {
    std::lock_guard lock(impl_->shared->tls_mu);
    impl_->shared->tls = std::move(fresh);
  }
  impl_->shared->log(kLogInfo, "tls.reloaded", "certificate=" + options.certificate_file);
  return true;
}

bool HttpsServer::loopsResponsive(std::chrono::milliseconds timeout) const {
  struct Pending {
    std::mutex mu;
    std::condition_variable cv;
    std::size_t left = 0;
  };
  auto pending = std::make_shared<Pending>();
  pending->left = impl_->loops.size();
  for (const auto& loop : impl_->loops) {
    asio::post(loop->ioc, [pending] {
      std::lock_guard lock(pending->mu);
      if (--pending->left == 0) pending->cv.notify_all();
    });
  }
  std::unique_lock lock(pending->mu);
  return pending->cv.wait_for(lock, timeout, [&] { return pending->left == 0; });
}

void HttpsServer::stop() { impl_->stop(); }

ListenerStats HttpsServer::stats() const {
  const Counters& c = impl_->shared->counters;
  ListenerStats s;
  s.connections_accepted = c.accepted.load();
  s.connections_refused = c.refused.load();
  s.tls_handshakes_failed = c.handshakes_failed.load();
  s.requests = c.requests.load();
  s.requests_rejected = c.rejected.load();
  s.timeouts = c.timeouts.load();
  s.tls_failures.no_certificate = c.tls_no_certificate.load();
  s.tls_failures.bad_certificate = c.tls_bad_certificate.load();
  s.tls_failures.not_allowed = c.tls_not_allowed.load();
  s.tls_failures.timeout = c.tls_timeout.load();
  s.tls_failures.closed = c.tls_closed.load();
  s.tls_failures.protocol = c.tls_protocol.load();
  s.connections_open = impl_->shared->open.load();
  s.requests_in_flight = inFlight();
  return s;
}

std::size_t HttpsServer::inFlight() const {
  const std::int64_t n = impl_->shared->counters.handling.load(std::memory_order_relaxed);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::unique_ptr<HttpsServer> HttpsServer::start(ListenerOptions options, HttpHandler handler,
                                                int threads, std::string* error) {
  auto fail = [&](std::string message) -> std::unique_ptr<HttpsServer> {
    if (error != nullptr) *error = std::move(message);
    return nullptr;
  };
  if (!handler) return fail("no request handler given");
  const std::initializer_list<std::pair<const char*, int>> deadlines = {
      {"handshake_ms", options.handshake_ms}, {"read_header_ms", options.read_header_ms},
      {"read_body_ms", options.read_body_ms}, {"write_ms", options.write_ms},
      {"idle_ms", options.idle_ms},           {"drain_ms", options.drain_ms}};
  for (const auto& [name, value] : deadlines) {
    if (value <= 0) return fail(std::string(name) + " must be positive");
  }
  if (options.max_header_bytes == 0 || options.max_body_bytes == 0 ||
      options.max_connections == 0) {
    return fail("max_header_bytes, max_body_bytes and max_connections must be positive");
  }

  auto shared = std::make_shared<Shared>();
  if (options.tls) {
    std::string tls_error;
    SslCtxPtr ctx = makeServerTlsContext(*options.tls, &tls_error);
    if (!ctx) return fail(tls_error);
    shared->tls = std::make_shared<ssl::context>(ctx.release());
  }

  error_code ec;
  asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec) return fail("invalid listen address \"" + options.address + "\"");
  tcp::endpoint endpoint(address, options.port);
  const std::string where = endpointText(endpoint);

  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto impl = std::make_unique<Impl>();
  impl->shared = shared;
  for (int i = 0; i < threads; ++i) impl->loops.push_back(std::make_unique<Loop>());

  impl->acceptor.emplace(impl->loops[0]->ioc);
  tcp::acceptor& acceptor = *impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot listen on " + where + ": " + ec.message());
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  acceptor.bind(endpoint, ec);
  if (ec) return fail("cannot bind " + where + ": " + ec.message());
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on " + where + ": " + ec.message());
  tcp::endpoint bound = acceptor.local_endpoint(ec);
  if (ec) return fail("cannot read the bound port of " + where + ": " + ec.message());
  impl->port = bound.port();
  impl->retry_timer.emplace(impl->loops[0]->ioc);

  const bool tls = options.tls.has_value();
  shared->options = std::move(options);
  shared->handler = std::move(handler);
  impl->accepting = true;
  asio::post(impl->loops[0]->ioc, [p = impl.get()] { p->accept(); });
  for (std::size_t i = 0; i < impl->loops.size(); ++i) {
    auto& loop = impl->loops[i];
    loop->work.emplace(loop->ioc.get_executor());
    loop->thread = std::thread([l = loop.get(), shared] {
      this_threads_loop = &l->ioc;
      // io_context::run may be called again after a handler threw; keep serving.
      for (;;) {
        try {
          l->ioc.run();
          return;
        } catch (const std::exception& e) {
          shared->log(kLogError, "net.loop_exception", std::string("reason=") + e.what());
        } catch (...) {
          shared->log(kLogError, "net.loop_exception", "reason=unknown exception");
        }
      }
    });
    // Named here, before start returns, so the name is there for whoever looks at once.
    core::nameThread(loop->thread.native_handle(),
                     shared->options.thread_name + "-" + std::to_string(i));
  }
  shared->log(kLogInfo, "net.listening",
              "address=" + endpointText(bound) + " tls=" + (tls ? "1" : "0") +
                  " threads=" + std::to_string(threads));
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(impl)));
}

bool afterThisTurn(std::function<void()> fn) {
  if (this_threads_loop == nullptr) return false;
  asio::post(*this_threads_loop, std::move(fn));
  return true;
}

}  // namespace ponte::net
