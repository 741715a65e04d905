// The listener over real mTLS: who is admitted, what the handler sees, keep-alive, resumption,
// replies from other threads, pipelining and many connections at once.
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "net/tls_context.h"
#include "net_fixture.h"

using namespace ponte::net;
using namespace ponte::net::testing;
using ponte::test::TlsClient;

namespace {

// "AB:CD:..." as `openssl x509 -fingerprint -sha256` prints it, to exercise normalization.
std::string opensslStyleFingerprint(const std::string& file) {
  FILE* f = std::fopen(file.c_str(), "r");
  REQUIRE(f != nullptr);
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  REQUIRE(cert != nullptr);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  X509_free(cert);
  std::string out;
  char hex[4];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, i + 1 < len ? "%02X:" : "%02X", md[i]);
    out += hex;
  }
  return out;
}

std::string lowerHex(std::string text) {
  std::string out;
  for (char c : text) {
    if (c != ':') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::unique_ptr<HttpsServer> startOrFail(ListenerOptions options, HttpHandler handler,
                                         int threads = 2) {
  std::string error;
  auto server = HttpsServer::start(std::move(options), std::move(handler), threads, &error);
  INFO(error);
  REQUIRE(server);
  return server;
}

// True when a client presenting `who` gets no answer: the handshake fails, or (TLS 1.3, where the
// server judges the certificate after the client finished) the first request does.
bool refused(std::uint16_t port, std::string_view who, int max_version = 0) {
  auto options = tlsClient(port, who);
  options.max_tls_version = max_version;
  std::string error;
  auto client = TlsClient::connect(options, &error);
  if (!client) return true;
  return !client->request("POST", "/nodo", "x", {}, &error).has_value();
}

}  // namespace

TEST_CASE("node client certificate is served, many requests on one kept-alive connection",
          "[e2e]") {
  LogCapture log;
  auto server = startOrFail(tlsListener(log), echoHandler());
  std::string error;
  auto client = TlsClient::connect(tlsClient(server->port(), "node-client"), &error);
  INFO(error);
  REQUIRE(client);
  for (int i = 0; i < 5; ++i) {
    std::string body = "request " + std::to_string(i);
    auto response = client->request("POST", "/nodo?x=" + std::to_string(i), body,
                                    {{"SOAPAction", "paVerifyPaymentNotice"}}, &error);
    INFO(error);
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body ==
          "POST /nodo?x=" + std::to_string(i) + "|" + body + "|CN=pagopa-node-dev");
    CHECK(response->header("Connection") != "close");
  }
  CHECK(server->stats().connections_accepted == 1);
  CHECK(server->stats().requests == 5);
}

TEST_CASE("the event loops carry the listener's thread name, numbered", "[e2e]") {
  LogCapture log;
  auto options = plainListener(log);
  options.thread_name = "ponte-t";
  auto server = startOrFail(options, echoHandler(), 2);
  std::set<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.insert(name);
  }
  CHECK(names.count("ponte-t-0") == 1);
  CHECK(names.count("ponte-t-1") == 1);
}

TEST_CASE("the handler sees the peer's subject, fingerprint, address and headers", "[e2e]") {
  LogCapture log;
  std::mutex mu;
  HttpRequest seen;
  auto server = startOrFail(tlsListener(log), [&](HttpRequest&& request, Reply reply) {
    {
      std::lock_guard lock(mu);
      seen = request;
    }
    reply(HttpResponse{});
  });
  auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
  REQUIRE(client);
  auto response = client->request("POST", "/nodo", "<x/>", {{"SOAPAction", "\"paGetPayment\""}});
  REQUIRE(response);
  REQUIRE(response->status == 200);
  std::lock_guard lock(mu);
  CHECK(seen.method == "POST");
  CHECK(seen.target == "/nodo");
  CHECK(seen.body == "<x/>");
  CHECK(seen.header("soapaction") == "\"paGetPayment\"");
  CHECK(seen.header("absent").empty());
  CHECK(seen.peer.subject == "CN=pagopa-node-dev");
  CHECK(seen.peer.sha256_fingerprint ==
        lowerHex(opensslStyleFingerprint(certPath("node-client.crt"))));
  CHECK(seen.peer.address.rfind("127.0.0.1:", 0) == 0);
}

TEST_CASE("a client without a certificate is refused in the handshake", "[e2e]") {
  LogCapture log;
  std::atomic<int> calls{0};
  auto server = startOrFail(tlsListener(log), [&](HttpRequest&&, Reply reply) {
    ++calls;
    reply(HttpResponse{});
  });
  SECTION("TLS 1.3") { CHECK(refused(server->port(), "")); }
  SECTION("TLS 1.2: the handshake itself fails") {
    std::string error;
    auto options = tlsClient(server->port(), "");
    options.max_tls_version = TLS1_2_VERSION;
    CHECK_FALSE(TlsClient::connect(options, &error));
  }
  auto line = log.waitFor("tls.handshake_failed", "certificate");
  CHECK(line.event == "tls.handshake_failed");
  CHECK(line.level == kLogWarning);
  CHECK(calls == 0);
  CHECK(server->stats().tls_handshakes_failed >= 1);
}

TEST_CASE("a certificate from another CA is refused, even with the node's subject", "[e2e]") {
  LogCapture log;
  std::atomic<int> calls{0};
  auto options = tlsListener(log);
  SECTION("any subject of the CA") {}
  SECTION("the impostor's subject is on the allow-list") {
    options.tls->allowed_subjects = {"CN=pagopa-node-dev"};
  }
  auto server = startOrFail(options, [&](HttpRequest&&, Reply reply) {
    ++calls;
    reply(HttpResponse{});
  });
  CHECK(refused(server->port(), "other-client"));
  CHECK(refused(server->port(), "other-client", TLS1_2_VERSION));
  auto line = log.waitFor("tls.handshake_failed", "certificate verify failed");
  CHECK(line.detail.find("CN=pagopa-node-dev") != std::string::npos);
  CHECK(calls == 0);
  // The genuine certificate still gets in.
  auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
  REQUIRE(client);
  auto response = client->request("GET", "/");
  REQUIRE(response);
  CHECK(response->status == 200);
}

TEST_CASE("the subject allow-list admits listed subjects and refuses others", "[e2e]") {
  LogCapture log;
  auto options = tlsListener(log);
  SECTION("listed") {
    options.tls->allowed_subjects = {"CN=someone-else", "CN=pagopa-node-dev"};
    auto server = startOrFail(options, echoHandler());
    auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
    REQUIRE(client);
    auto response = client->request("POST", "/nodo", "a");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(log.count("tls.client_not_allowed") == 0);
  }
  SECTION("not listed") {
    options.tls->allowed_subjects = {"CN=someone-else"};
    auto server = startOrFail(options, echoHandler());
    CHECK(refused(server->port(), "node-client"));
    CHECK(refused(server->port(), "node-client", TLS1_2_VERSION));
    auto line = log.waitFor("tls.client_not_allowed");
    CHECK(line.detail.find("subject \"CN=pagopa-node-dev\"") != std::string::npos);
  }
}

TEST_CASE("the fingerprint allow-list admits listed certificates and refuses others", "[e2e]") {
  LogCapture log;
  auto options = tlsListener(log);
  SECTION("listed, in openssl's colon form") {
    options.tls->allowed_fingerprints = {opensslStyleFingerprint(certPath("node-client.crt"))};
    auto server = startOrFail(options, echoHandler());
    auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
    REQUIRE(client);
    auto response = client->request("POST", "/nodo", "a");
    REQUIRE(response);
    CHECK(response->status == 200);
  }
  SECTION("not listed") {
    options.tls->allowed_fingerprints = {std::string(64, 'a')};
    auto server = startOrFail(options, echoHandler());
    CHECK(refused(server->port(), "node-client"));
    auto line = log.waitFor("tls.client_not_allowed");
    CHECK(line.detail.find(lowerHex(opensslStyleFingerprint(certPath("node-client.crt")))) !=
          std::string::npos);
  }
}

TEST_CASE("the node's own certificate can be pinned as the client CA file", "[e2e]") {
  LogCapture log;
  auto options = tlsListener(log);
  options.tls->client_ca_file = certPath("node-client.crt");
  auto server = startOrFail(options, echoHandler());
  auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
  REQUIRE(client);
  auto response = client->request("POST", "/nodo", "a");
  REQUIRE(response);
  CHECK(response->status == 200);
  // Same subject, other key and issuer: not the pinned certificate.
  CHECK(refused(server->port(), "other-client"));
}

TEST_CASE("TLS sessions resume with client certificates and keep the peer identity", "[e2e]") {
  LogCapture log;
  auto server = startOrFail(tlsListener(log), echoHandler());
  for (int version : {TLS1_2_VERSION, 0}) {
    INFO("max version " << version);
    auto options = tlsClient(server->port(), "node-client");
    options.max_tls_version = version;
    auto first = TlsClient::connect(options);
    REQUIRE(first);
    REQUIRE(first->request("GET", "/"));  // TLS 1.3 tickets arrive after the handshake
    SSL_SESSION* session = first->copySession();
    REQUIRE(session != nullptr);
    options.resume_session = session;
    auto second = TlsClient::connect(options);
    SSL_SESSION_free(session);
    REQUIRE(second);
    CHECK(second->sessionReused());
    auto response = second->request("POST", "/nodo", "again");
    REQUIRE(response);
    CHECK(response->body == "POST /nodo|again|CN=pagopa-node-dev");
  }
}

TEST_CASE("a reply may come from another thread, pipelined requests are answered in order",
          "[e2e]") {
  LogCapture log;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<HttpRequest, Reply>> queue;
  bool done = false;
  std::atomic<int> handler_calls{0};
  std::thread worker([&] {
    std::unique_lock lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return done || !queue.empty(); });
      if (queue.empty()) return;
      auto [request, reply] = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      HttpResponse response;
      response.body = "worker:" + request.body;
      reply(std::move(response));
      lock.lock();
    }
  });
  auto server = startOrFail(tlsListener(log), [&](HttpRequest&& request, Reply reply) {
    ++handler_calls;
    std::lock_guard lock(mu);
    queue.emplace_back(std::move(request), std::move(reply));
    cv.notify_all();
  });
  auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
  REQUIRE(client);
  std::string pipelined;
  for (int i = 1; i <= 3; ++i) {
    pipelined += "POST /nodo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n" + std::to_string(i);
  }
  REQUIRE(client->send(pipelined));
  for (int i = 1; i <= 3; ++i) {
    auto response = client->readResponse();
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "worker:" + std::to_string(i));
  }
  CHECK(handler_calls == 3);
  {
    std::lock_guard lock(mu);
    done = true;
    cv.notify_all();
  }
  worker.join();
}

TEST_CASE("requests in flight count from the handler's call to its reply, dropped ones too",
          "[e2e]") {
  LogCapture log;
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Reply> held;
  auto server = startOrFail(tlsListener(log), [&](HttpRequest&& request, Reply reply) {
    if (request.target == "/drop") return;
    std::lock_guard lock(mu);
    held = std::move(reply);
    cv.notify_all();
  });
  CHECK(server->inFlight() == 0);
  auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
  REQUIRE(client);
  REQUIRE(client->send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n"));
  {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return held.has_value(); }));
  }
  CHECK(server->inFlight() == 1);
  CHECK(server->stats().requests_in_flight == 1);
  {
    std::lock_guard lock(mu);
    (*held)(HttpResponse{});
  }
  auto answered = client->readResponse();
  REQUIRE(answered);
  CHECK(answered->status == 200);
  CHECK(server->inFlight() == 0);
  auto dropped = client->request("GET", "/drop");
  REQUIRE(dropped);
  CHECK(dropped->status == 500);
  CHECK(server->inFlight() == 0);
}

TEST_CASE("afterThisTurn runs a task on the handler's loop once the handler has returned",
          "[e2e]") {
  LogCapture log;
  std::mutex mu;
  std::vector<std::string> events;
  std::thread::id handler_thread, task_thread;
  bool queued = false;
  auto server = startOrFail(plainListener(log), [&](HttpRequest&&, Reply reply) {
    std::lock_guard lock(mu);
    handler_thread = std::this_thread::get_id();
    queued = afterThisTurn([&] {
      std::lock_guard task_lock(mu);
      task_thread = std::this_thread::get_id();
      events.push_back("task");
    });
    events.push_back("handler returns");
    reply(HttpResponse{});
  });
  auto client = TlsClient::connect(plainClient(server->port()));
  REQUIRE(client);
  auto response = client->request("GET", "/");
  REQUIRE(response);
  CHECK(response->status == 200);
  std::lock_guard lock(mu);
  CHECK(queued);
  CHECK(events == std::vector<std::string>{"handler returns", "task"});
  CHECK(task_thread == handler_thread);

  bool ran = false;
  CHECK_FALSE(afterThisTurn([&] { ran = true; }));  // not an event loop
  CHECK_FALSE(ran);
}

TEST_CASE("a dropped reply or a throwing handler gets a 500, and the connection goes on", "[e2e]") {
  LogCapture log;
  auto server = startOrFail(tlsListener(log), [](HttpRequest&& request, Reply reply) {
    if (request.target == "/drop") return;  // reply destroyed uncalled
    if (request.target == "/throw") throw std::runtime_error("boom");
    if (request.target == "/twice") reply(HttpResponse{});
    reply(HttpResponse{});
  });
  auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
  REQUIRE(client);
  auto dropped = client->request("GET", "/drop");
  REQUIRE(dropped);
  CHECK(dropped->status == 500);
  CHECK(log.waitFor("http.reply_dropped").level == kLogError);
  auto thrown = client->request("GET", "/throw");
  REQUIRE(thrown);
  CHECK(thrown->status == 500);
  CHECK(log.waitFor("http.handler_threw", "boom").event == "http.handler_threw");
  auto twice = client->request("GET", "/twice");
  REQUIRE(twice);
  CHECK(twice->status == 200);
  CHECK(log.waitFor("http.reply_repeated").event == "http.reply_repeated");
  auto fine = client->request("GET", "/ok");
  REQUIRE(fine);
  CHECK(fine->status == 200);
}

TEST_CASE("bad responses from the handler are sanitized", "[e2e]") {
  LogCapture log;
  auto server = startOrFail(plainListener(log), [](HttpRequest&& request, Reply reply) {
    HttpResponse response;
    if (request.target == "/status") response.status = 42;
    response.headers = {{"X-Good", "yes"},
                        {"X-Split", "a\r\nSet-Cookie: evil=1"},
                        {"Bad Name", "v"},
                        {"Content-Length", "999"}};
    response.body = "body";
    reply(std::move(response));
  });
  auto client = TlsClient::connect(plainClient(server->port()));
  REQUIRE(client);
  auto response = client->request("GET", "/headers");
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->header("X-Good") == "yes");
  CHECK(response->header("X-Split").empty());
  CHECK(response->header("Set-Cookie").empty());
  CHECK(response->header("Content-Length") == "4");
  CHECK(response->body == "body");
  auto bad_status = client->request("GET", "/status");
  REQUIRE(bad_status);
  CHECK(bad_status->status == 500);
}

TEST_CASE("200 concurrent TLS connections are served", "[e2e]") {
  LogCapture log;
  auto server = startOrFail(tlsListener(log), echoHandler(), 2);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::vector<std::unique_ptr<TlsClient>>> clients(kThreads);
  std::atomic<int> connected{0};
  std::atomic<int> served{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto options = tlsClient(server->port(), "node-client");
        options.timeout_ms = 20000;
        auto client = TlsClient::connect(options);
        if (!client) continue;
        ++connected;
        clients[t].push_back(std::move(client));
      }
    });
  }
  for (auto& t : threads) t.join();
  threads.clear();
  REQUIRE(connected == kThreads * kPerThread);
  // Every connection is open at once; now each carries a request.
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (auto& client : clients[t]) {
        auto response = client->request("POST", "/nodo", "hi");
        if (response && response->status == 200 &&
            response->body == "POST /nodo|hi|CN=pagopa-node-dev") {
          ++served;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(served == kThreads * kPerThread);
  CHECK(server->stats().connections_open == kThreads * kPerThread);
  CHECK(server->stats().connections_accepted == kThreads * kPerThread);
}

TEST_CASE("plain HTTP serves GET and POST with keep-alive, HTTP/1.0 closes", "[e2e]") {
  LogCapture log;
  auto server = startOrFail(plainListener(log), echoHandler(), 1);
  auto client = TlsClient::connect(plainClient(server->port()));
  REQUIRE(client);
  auto get = client->request("GET", "/health");
  REQUIRE(get);
  CHECK(get->body == "GET /health||");
  auto post = client->request("POST", "/api", "{}");
  REQUIRE(post);
  CHECK(post->body == "POST /api|{}|");

  auto old = TlsClient::connect(plainClient(server->port()));
  REQUIRE(old);
  REQUIRE(old->send("GET /x HTTP/1.0\r\n\r\n"));
  auto response = old->readResponse();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(old->waitClosed(2000));
}
