// Starting and stopping a listener: errors that name their cause, graceful stop with requests in
// flight, and replies that outlive the server.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "net_fixture.h"

using namespace ponte::net;
using namespace ponte::net::testing;
using ponte::test::TlsClient;
using Clock = std::chrono::steady_clock;

namespace {

// Keeps the replies of requests to /hold until the test releases them; answers others at once.
struct HoldingHandler {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Reply> held;

  HttpHandler handler() {
    return [this](HttpRequest&& request, Reply reply) {
      if (request.target != "/hold") {
        reply(HttpResponse{});
        return;
      }
      std::lock_guard lock(mu);
      held.push_back(std::move(reply));
      cv.notify_all();
    };
  }

  bool waitHeld(std::size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(5), [&] { return held.size() >= n; });
  }

  void releaseAll() {
    std::vector<Reply> replies;
    {
      std::lock_guard lock(mu);
      replies.swap(held);
    }
    for (auto& reply : replies) {
      HttpResponse response;
      response.body = "released";
      reply(std::move(response));
    }
  }
};

std::string startError(ListenerOptions options) {
  std::string error;
  auto server = HttpsServer::start(std::move(options), echoHandler(), 1, &error);
  CHECK_FALSE(server);
  return error;
}

}  // namespace

TEST_CASE("start errors name their cause", "[e2e]") {
  LogCapture log;
  auto options = tlsListener(log);
  SECTION("missing certificate") {
    options.tls->certificate_file = "/nonexistent/server.crt";
    CHECK_THAT(startError(options), Catch::Contains("/nonexistent/server.crt"));
  }
  SECTION("key of another certificate") {
    options.tls->private_key_file = certPath("node-client.key");
    auto error = startError(options);
    CHECK_THAT(error, Catch::Contains("does not match"));
    CHECK_THAT(error, Catch::Contains("node-client.key"));
  }
  SECTION("missing client CA") {
    options.tls->client_ca_file = "/nonexistent/ca.crt";
    CHECK_THAT(startError(options), Catch::Contains("/nonexistent/ca.crt"));
  }
  SECTION("required client certificates without a CA") {
    options.tls->client_ca_file.clear();
    CHECK_THAT(startError(options), Catch::Contains("client CA"));
  }
  SECTION("malformed fingerprint") {
    options.tls->allowed_fingerprints = {"abc"};
    CHECK_THAT(startError(options), Catch::Contains("\"abc\""));
  }
  SECTION("allow-list without required certificates") {
    options.tls->require_client_certificate = false;
    options.tls->allowed_subjects = {"CN=x"};
    CHECK_THAT(startError(options), Catch::Contains("require_client_certificate"));
  }
  SECTION("bad address") {
    options.address = "not-an-address";
    CHECK_THAT(startError(options), Catch::Contains("not-an-address"));
  }
  SECTION("port in use") {
    std::string error;
    auto first = HttpsServer::start(plainListener(log), echoHandler(), 1, &error);
    REQUIRE(first);
    auto again = plainListener(log);
    again.port = first->port();
    CHECK_THAT(startError(again), Catch::Contains(std::to_string(first->port())));
  }
  SECTION("non-positive deadline") {
    options.idle_ms = 0;
    CHECK_THAT(startError(options), Catch::Contains("idle_ms"));
  }
}

TEST_CASE("optional client certificates: served without one, verified when given", "[e2e]") {
  LogCapture log;
  auto options = tlsListener(log);
  options.tls->require_client_certificate = false;
  std::string error;
  auto server = HttpsServer::start(options, echoHandler(), 1, &error);
  REQUIRE(server);
  auto anonymous = TlsClient::connect(tlsClient(server->port(), ""));
  REQUIRE(anonymous);
  auto response = anonymous->request("GET", "/");
  REQUIRE(response);
  CHECK(response->body == "GET /||");
  auto node = TlsClient::connect(tlsClient(server->port(), "node-client"));
  REQUIRE(node);
  response = node->request("GET", "/");
  REQUIRE(response);
  CHECK(response->body == "GET /||CN=pagopa-node-dev");
  auto impostor = TlsClient::connect(tlsClient(server->port(), "other-client"));
  CHECK((!impostor || !impostor->request("GET", "/")));
}

TEST_CASE("graceful stop finishes requests in flight and closes idle connections", "[e2e]") {
  LogCapture log;
  HoldingHandler holding;
  auto options = tlsListener(log);
  options.drain_ms = 10000;
  std::string error;
  auto server = HttpsServer::start(options, holding.handler(), 1, &error);
  REQUIRE(server);
  const auto port = server->port();

  auto idle = TlsClient::connect(tlsClient(port, "node-client"));
  REQUIRE(idle);
  REQUIRE(idle->request("GET", "/"));
  auto busy = TlsClient::connect(tlsClient(port, "node-client"));
  REQUIRE(busy);
  REQUIRE(busy->send("POST /hold HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"));
  REQUIRE(holding.waitHeld(1));

  auto start = Clock::now();
  auto stopped = std::async(std::launch::async, [&] { server->stop(); });
  CHECK(idle->waitClosed(5000));
  // No longer accepting: a new connection is refused or closed before it is served.
  auto late = TlsClient::connect(tlsClient(port, "node-client"));
  CHECK((!late || !late->request("GET", "/")));
  CHECK(stopped.wait_for(std::chrono::milliseconds(0)) == std::future_status::timeout);

  holding.releaseAll();
  auto response = busy->readResponse();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == "released");
  CHECK(response->header("Connection") == "close");
  CHECK(busy->waitClosed(5000));
  stopped.get();
  CHECK(Clock::now() - start < std::chrono::milliseconds(options.drain_ms));
  CHECK(log.waitFor("net.stopped", "forced_closes=0").event == "net.stopped");
}

TEST_CASE("stop gives up on a handler that never replies, late replies are harmless", "[e2e]") {
  LogCapture log;
  HoldingHandler holding;
  auto options = plainListener(log);
  options.drain_ms = 300;
  std::string error;
  auto server = HttpsServer::start(options, holding.handler(), 2, &error);
  REQUIRE(server);
  auto client = TlsClient::connect(plainClient(server->port()));
  REQUIRE(client);
  REQUIRE(client->send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE(holding.waitHeld(1));
  server->stop();
  CHECK(client->waitClosed(5000));
  CHECK(log.waitFor("net.stopped", "forced_closes=1").event == "net.stopped");
  server.reset();
  // The server and its event loops are gone; the reply must neither crash nor block.
  holding.releaseAll();
  server.reset();
}
