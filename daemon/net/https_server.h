// An HTTP/1.1 listener, over TLS with client-certificate verification or plain, running its own
// event-loop threads. It owns sockets, TLS, deadlines, limits and keep-alive; the handler only
// sees HttpRequest values. Boost stays out of this header (the implementation is one .cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/http_exchange.h"
#include "net/listener_options.h"

namespace ponte::net {

// Counters since start, for metrics. Read without locking: each field is exact, the set is not
// a snapshot of one instant.
struct ListenerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_refused = 0;    // over max_connections
  std::uint64_t tls_handshakes_failed = 0;  // includes certificates refused by the allow-lists
  std::uint64_t requests = 0;               // handed to the handler
  std::uint64_t requests_rejected = 0;      // answered 400/405/413/431 by the listener itself
  std::uint64_t timeouts = 0;               // connections closed by a deadline
  std::size_t connections_open = 0;
  std::size_t requests_in_flight = 0;       // handed to the handler, not yet answered
  // tls_handshakes_failed by reason.
  struct TlsFailures {
    std::uint64_t no_certificate = 0;   // the client presented none
    std::uint64_t bad_certificate = 0;  // not issued by the client CA, expired, unusable
    std::uint64_t not_allowed = 0;      // valid, but not on the subject/fingerprint allow-lists
    std::uint64_t timeout = 0;          // the handshake deadline passed
    std::uint64_t closed = 0;           // the peer closed during the handshake (TCP probes)
    std::uint64_t protocol = 0;         // anything else: garbage records, no common version
  } tls_failures;
};

class HttpsServer {
 public:
  // Binds options.address:options.port, loads TLS (when options.tls is set) and starts `threads`
  // event loops (<= 0: one per hardware core); returns once it accepts connections. Each request
  // goes to `handler` on the event-loop thread of its connection (see HttpHandler for the reply
  // contract); requests of one connection are handled one at a time, in order. On failure (bad
  // options, unreadable or mismatched certificate or key, address in use) returns null and sets
  // *error to a message naming the cause; nothing is left running.
  static std::unique_ptr<HttpsServer> start(ListenerOptions options, HttpHandler handler,
                                            int threads, std::string* error);

  // Stops as stop() does.
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // The bound port (the kernel's choice when options.port was 0).
  std::uint16_t port() const;

  // Graceful stop: stops accepting, closes idle connections, lets requests already being read or
  // handled finish and be answered (with "Connection: close") for up to options.drain_ms, then
  // closes whatever is left and joins the threads. Replies arriving after that are dropped.
  // Idempotent. Blocks the caller; must not be called from a handler or a Reply.
  void stop();

  ListenerStats stats() const;
  // Requests handed to the handler and not yet answered, now. Cheap (one atomic load): the
  // outbox asks it before each batch of deliveries, to give way to the node.
  std::size_t inFlight() const;

  // Replaces the certificate, key, client CA and allow-lists for connections accepted from now
  // on (certificate rotation); connections already open keep theirs. On any problem (a file
  // missing, a key that does not match) nothing changes, false is returned and *error says why.
  bool reloadTls(const TlsOptions& options, std::string* error);

  // Whether every event loop runs a task posted to it within `timeout`: a loop blocked or stuck
  // makes it false. Used to feed the systemd watchdog only while the loops really turn. Blocks
  // the caller for at most `timeout`; must not be called from a handler.
  bool loopsResponsive(std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// On an event-loop thread of a listener (a handler, a Reply posted there): queues fn to run on
// this same thread once the handlers already waiting there have run, at the end of this turn of
// the loop, and returns true. Anywhere else, does nothing and returns false. fn does not run if
// the listener stops first.
bool afterThisTurn(std::function<void()> fn);

}  // namespace ponte::net
