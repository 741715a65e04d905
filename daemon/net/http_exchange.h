// What a listener hands to the code behind it, and what it gets back: plain values, no Boost.
// Handlers never see a socket; the listener owns connections, TLS, deadlines and keep-alive.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ponte::net {

// The verified client certificate of the connection a request came on (empty without one).
struct PeerIdentity {
  std::string subject;             // RFC 2253 form, e.g. "CN=node,O=PagoPA,C=IT"
  std::string sha256_fingerprint;  // lowercase hex, no separators
  std::string address;             // "ip:port", for logs only
};

// A request body the listener wrote to a temporary file instead of memory (see
// ListenerOptions::spool_body_over). The file is removed when the last reference goes.
struct BodyFile {
  BodyFile(std::string p, std::uint64_t n) : path(std::move(p)), size(n) {}
  ~BodyFile();
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
  std::string path;
  std::uint64_t size = 0;
};

struct HttpRequest {
  std::string method;  // "POST"
  std::string target;  // path and query, e.g. "/nodo"
  std::vector<std::pair<std::string, std::string>> headers;  // names as received
  std::string body;  // empty when body_file is set
  std::shared_ptr<const BodyFile> body_file;
  PeerIdentity peer;

  // The first header of that name (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/xml; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Called once per request on the connection's event loop thread. The handler must call `reply`
// exactly once, from any thread; it must not block the calling thread on slow work (disk syncs,
// upstream calls): it hands such work elsewhere and replies when done.
using Reply = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest&&, Reply)>;

}  // namespace ponte::net
