// How one HTTP(S) listener is set up: where it binds, its TLS and client-certificate policy,
// the deadline of every network phase, size limits, and where it logs. Plain values, no Boost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::net {

// Log levels are syslog priorities, so a journald or syslog sink can pass them through unchanged.
inline constexpr int kLogError = 3;
inline constexpr int kLogWarning = 4;
inline constexpr int kLogInfo = 6;
inline constexpr int kLogDebug = 7;

// Receives the listener's log lines. `event` is a stable dotted name ("tls.handshake_failed");
// `detail` is "key=value" pairs for humans. Called from any event-loop thread, concurrently, and
// from any thread that drops a Reply: the sink must be thread-safe and must not block for long.
using LogSink = std::function<void(int level, std::string_view event, std::string_view detail)>;

// Server-side TLS. TLS 1.2 is the minimum; the certificate files are PEM.
struct TlsOptions {
  std::string certificate_file;  // server certificate, then any intermediates (a chain file)
  std::string private_key_file;  // unencrypted key matching certificate_file
  // Trusted issuers of client certificates (PEM, one or more). Any certificate in it is a trust
  // anchor, so it may also hold a pinned intermediate or the client's own leaf certificate.
  std::string client_ca_file;
  // When either list is non-empty, a verified client certificate is admitted only if its subject
  // is in allowed_subjects or its SHA-256 fingerprint is in allowed_fingerprints. Subjects are in
  // the form `openssl x509 -noout -subject -nameopt RFC2253` prints ("CN=node,O=PagoPA,C=IT").
  // Fingerprints are hex, any case, colons allowed (`openssl x509 -noout -fingerprint -sha256`).
  std::vector<std::string> allowed_subjects;
  std::vector<std::string> allowed_fingerprints;
  // true: a connection without a valid client certificate is refused during the handshake.
  // false: a certificate is optional (verified against client_ca_file when one is given and
  // presented); the allow-lists must then be empty.
  bool require_client_certificate = true;
};

struct ListenerOptions {
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal; "0.0.0.0" or "::" for all
  std::uint16_t port = 0;             // 0: the kernel picks one, ask HttpsServer::port()
  // nullopt: plain HTTP, only for loopback admin endpoints and benchmarks; never for the node.
  std::optional<TlsOptions> tls;

  // Deadlines in milliseconds, each on one phase of a connection. A peer that is too slow in a
  // phase (including one that trickles bytes) is disconnected when the deadline passes.
  int handshake_ms = 10000;  // TCP accept to end of the TLS handshake
  // A new connection waiting for its first request, and any request from its first byte to the
  // end of its headers (each phase gets the whole deadline).
  int read_header_ms = 10000;
  int read_body_ms = 30000;  // end of headers to end of body
  int write_ms = 10000;      // writing one response
  int idle_ms = 60000;       // kept-alive connection waiting for its next request
  int drain_ms = 10000;      // stop(): how long in-flight requests may still take

  std::size_t max_header_bytes = 16384;  // larger request line + headers: 431, closed
  std::size_t max_body_bytes = 1 << 20;  // larger body: 413, closed
  std::size_t max_connections = 10000;   // beyond this, new connections are closed at once
  // A body with a Content-Length above this is written to a temporary file (in $TMPDIR, removed
  // after the request) and handed over as HttpRequest::body_file, so a large upload never sits
  // in memory. 0: every body is read into memory.
  std::size_t spool_body_over = 0;
  // Methods passed to the handler; any other is answered 405 (with Allow) before the body is
  // read. Upper case, as on the wire.
  std::vector<std::string> methods = {"GET", "POST"};

  // The event loops' thread name, numbered ("ponte-node-0"; at most 15 bytes in all).
  std::string thread_name = "ponte-http";

  LogSink log;  // may be empty: then nothing is logged
};

}  // namespace ponte::net
