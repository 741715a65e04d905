// One HTTPS call to a pagoPA service with libcurl: bounded in time, TLS verified, no redirects
// followed (Checkout answers 302 and the Location is the result). Blocking: callers run it on
// their own threads, never on an event loop.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ponte::upstream {

struct TlsSettings {
  std::string ca_file;             // trust anchors; empty: the system's
  std::string client_certificate;  // PEM, optional
  std::string client_key;          // PEM, optional
};

struct HttpCall {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long timeout_ms = 2000;  // the whole call, connection included
  long connect_timeout_ms = 1000;
  TlsSettings tls;
};

enum class CallError {
  kNone,     // an HTTP answer arrived (any status)
  kTimeout,  // the deadline passed
  kConnect,  // no connection (refused, unreachable, DNS)
  kTls,      // the handshake or the certificate check failed
  kOther,    // anything else libcurl reports
};

struct HttpReply {
  CallError error = CallError::kNone;
  std::string error_text;  // libcurl's words, for the log
  long status = 0;
  std::string body;
  std::string location;      // the Location header, when present
  std::string content_type;  // the Content-Type header, when present
};

// Performs the call. Never throws. Bodies over 4 MiB are cut and reported as kOther.
HttpReply perform(const HttpCall& call);

}  // namespace ponte::upstream
