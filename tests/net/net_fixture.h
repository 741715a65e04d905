// Shared pieces of the net tests: certificate paths, a log sink that tests can wait on, listener
// and client options for the usual cases, and an echo handler.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "net/https_server.h"
#include "support/tls_client.h"

namespace ponte::net::testing {

inline std::string certPath(std::string_view name) {
  return ponte::test::testCertificatesDir() + "/" + std::string(name);
}

// Collects log lines from every listener thread; tests wait for an event instead of sleeping.
class LogCapture {
 public:
  struct Line {
    int level;
    std::string event;
    std::string detail;
  };

  LogSink sink() {
    return [this](int level, std::string_view event, std::string_view detail) {
      std::lock_guard lock(mu_);
      lines_.push_back({level, std::string(event), std::string(detail)});
      cv_.notify_all();
    };
  }

  // The first line of `event` (whose detail contains `part`), waiting up to timeout for it;
  // an empty Line (event "") when none came.
  Line waitFor(std::string_view event, std::string_view part = {},
               std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    Line found{0, "", ""};
    cv_.wait_for(lock, timeout, [&] {
      for (const auto& line : lines_) {
        if (line.event == event && line.detail.find(part) != std::string::npos) {
          found = line;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  int count(std::string_view event) {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& line : lines_) n += line.event == event ? 1 : 0;
    return n;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Line> lines_;
};

// mTLS with the development CA, and deadlines short enough for tests that wait on them.
inline ListenerOptions tlsListener(LogCapture& log) {
  ListenerOptions options;
  TlsOptions tls;
  tls.certificate_file = certPath("server.crt");
  tls.private_key_file = certPath("server.key");
  tls.client_ca_file = certPath("ca.crt");
  options.tls = tls;
  options.drain_ms = 3000;
  options.log = log.sink();
  return options;
}

inline ListenerOptions plainListener(LogCapture& log) {
  ListenerOptions options;
  options.drain_ms = 3000;
  options.log = log.sink();
  return options;
}

// A TLS client of the server on `port`, presenting the certificate `who` ("node-client",
// "other-client", or "" for none).
inline ponte::test::ClientOptions tlsClient(std::uint16_t port, std::string_view who) {
  ponte::test::ClientOptions options;
  options.port = port;
  options.ca_file = certPath("ca.crt");
  if (!who.empty()) {
    options.certificate_file = certPath(std::string(who) + ".crt");
    options.private_key_file = certPath(std::string(who) + ".key");
  }
  return options;
}

inline ponte::test::ClientOptions plainClient(std::uint16_t port) {
  ponte::test::ClientOptions options;
  options.port = port;
  options.tls = false;
  return options;
}

// Answers 200 with "METHOD TARGET|BODY|SUBJECT" at once, on the loop thread.
inline HttpHandler echoHandler() {
  return [](HttpRequest&& request, Reply reply) {
    HttpResponse response;
    response.content_type = "text/plain";
    response.body =
        request.method + " " + request.target + "|" + request.body + "|" + request.peer.subject;
    reply(std::move(response));
  };
}

}  // namespace ponte::net::testing
