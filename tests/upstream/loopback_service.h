// A stand-in for a pagoPA service on loopback: a real HTTP(S) server whose answers a test sets,
// which records every request and checks its JSON body against a schema of the service's
// official OpenAPI document.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/https_server.h"
#include "support/openapi_check.h"
#include "support/tls_client.h"

namespace ponte::test {

// The official document, or null when ../shared is missing (then schema checks are skipped
// with a warning, except under CI=true where that is a failure).
inline nlohmann::json officialOpenApi(const std::string& relative) {
  const std::string file = std::string(PONTE_SHARED_DIR) + "/spec/" + relative;
  try {
    return loadOpenApi(file);
  } catch (const std::exception&) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") throw;
    return nullptr;
  }
}

class LoopbackService {
 public:
  struct Answer {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    int delay_ms = 0;  // answered from another thread after this delay
  };

  // tls: serve HTTPS with the test server certificate (no client certificate asked).
  LoopbackService(nlohmann::json document, std::string schema_name, bool tls = false)
      : document_(std::move(document)), schema_name_(std::move(schema_name)), tls_(tls) {
    net::ListenerOptions options;
    if (tls) {
      const std::string certs = testCertificatesDir();
      net::TlsOptions t;
      t.certificate_file = certs + "/server.crt";
      t.private_key_file = certs + "/server.key";
      t.require_client_certificate = false;
      options.tls = t;
    }
    std::string error;
    server_ = net::HttpsServer::start(
        options,
        [this](net::HttpRequest&& request, net::Reply reply) {
          handle(std::move(request), std::move(reply));
        },
        1, &error);
    if (!server_) throw std::runtime_error("loopback service: " + error);
  }
  ~LoopbackService() { server_->stop(); }

  std::string baseUrl() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(server_->port());
  }
  void answer(Answer a) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(a);
  }
  int calls() const { return calls_.load(); }
  std::vector<std::string> schemaErrors() const {
    std::lock_guard lock(mutex_);
    return errors_;
  }
  std::vector<net::HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void handle(net::HttpRequest&& request, net::Reply reply) {
    ++calls_;
    Answer a;
    {
      std::lock_guard lock(mutex_);
      a = answer_;
      if (!document_.is_null()) {
        const auto body = nlohmann::json::parse(request.body, nullptr, false);
        const auto& schema = document_["components"]["schemas"][schema_name_];
        for (auto& e : checkAgainstSchema(body, schema, document_)) errors_.push_back(std::move(e));
      }
      requests_.push_back(request);
    }
    net::HttpResponse r;
    r.status = a.status;
    r.content_type = "application/json";
    r.body = a.body;
    r.headers = a.headers;
    if (a.delay_ms == 0) return reply(std::move(r));
    std::thread([reply, r, delay = a.delay_ms]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      reply(std::move(r));
    }).detach();
  }

  nlohmann::json document_;
  std::string schema_name_;
  bool tls_ = false;
  std::unique_ptr<net::HttpsServer> server_;
  mutable std::mutex mutex_;
  Answer answer_;
  std::atomic<int> calls_{0};
  std::vector<std::string> errors_;
  std::vector<net::HttpRequest> requests_;
};

}  // namespace ponte::test
