// The listener's limits and deadlines: oversized bodies and headers, wrong methods, garbage,
// idle and trickling clients, and the connection cap.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "net_fixture.h"

using namespace ponte::net;
using namespace ponte::net::testing;
using ponte::test::TlsClient;
using Clock = std::chrono::steady_clock;

namespace {

std::unique_ptr<HttpsServer> startOrFail(ListenerOptions options, int threads = 1) {
  std::string error;
  auto server = HttpsServer::start(std::move(options), echoHandler(), threads, &error);
  INFO(error);
  REQUIRE(server);
  return server;
}

long msSince(Clock::time_point start) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

}  // namespace

TEST_CASE("a 2 MiB body gets 413 and the connection is closed", "[e2e]") {
  LogCapture log;
  auto server = startOrFail(tlsListener(log));
  auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
  REQUIRE(client);
  const std::string body(2 << 20, 'x');
  SECTION("declared by Content-Length") {
    // The server answers after the header; it drains the rest so the client can send it all.
    client->send("POST /nodo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  SECTION("chunked, found while reading") {
    std::string chunked = "POST /nodo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (std::size_t i = 0; i < body.size(); i += 65536) {
      chunked += "10000\r\n" + body.substr(i, 65536) + "\r\n";
    }
    client->send(chunked + "0\r\n\r\n");
  }
  std::string error;
  auto response = client->readResponse(&error);
  INFO(error);
  REQUIRE(response);
  CHECK(response->status == 413);
  CHECK(response->body == "request body too large\n");
  CHECK(response->header("Connection") == "close");
  CHECK(client->waitClosed(5000));
  CHECK(log.waitFor("http.body_too_large").level == kLogWarning);
  CHECK(server->stats().requests == 0);
  CHECK(server->stats().requests_rejected == 1);
}

TEST_CASE("a body at the limit is accepted", "[e2e]") {
  LogCapture log;
  auto options = plainListener(log);
  options.max_body_bytes = 1000;
  auto server = startOrFail(options);
  auto client = TlsClient::connect(plainClient(server->port()));
  REQUIRE(client);
  auto response = client->request("POST", "/", std::string(1000, 'b'));
  REQUIRE(response);
  CHECK(response->status == 200);
  auto over = client->request("POST", "/", std::string(1001, 'b'));
  REQUIRE(over);
  CHECK(over->status == 413);
}

TEST_CASE("headers over the limit get 431", "[e2e]") {
  LogCapture log;
  auto options = plainListener(log);
  options.max_header_bytes = 2048;
  auto server = startOrFail(options);
  auto client = TlsClient::connect(plainClient(server->port()));
  REQUIRE(client);
  auto response = client->request("GET", "/", "", {{"X-Big", std::string(4096, 'h')}});
  REQUIRE(response);
  CHECK(response->status == 431);
  CHECK(client->waitClosed(5000));
  CHECK(log.waitFor("http.header_too_large").event == "http.header_too_large");
}

TEST_CASE("methods other than GET and POST get 405, garbage gets 400", "[e2e]") {
  LogCapture log;
  auto server = startOrFail(plainListener(log));
  SECTION("PUT") {
    auto client = TlsClient::connect(plainClient(server->port()));
    REQUIRE(client);
    auto response = client->request("PUT", "/nodo", "x");
    REQUIRE(response);
    CHECK(response->status == 405);
    CHECK(response->header("Allow") == "GET, POST");
    CHECK(client->waitClosed(5000));
  }
  SECTION("garbage") {
    auto client = TlsClient::connect(plainClient(server->port()));
    REQUIRE(client);
    REQUIRE(client->send("this is not http\r\n\r\n"));
    auto response = client->readResponse();
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(client->waitClosed(5000));
  }
  CHECK(server->stats().requests == 0);
}

TEST_CASE("Expect: 100-continue gets an interim response before the body", "[e2e]") {
  LogCapture log;
  auto server = startOrFail(plainListener(log));
  auto client = TlsClient::connect(plainClient(server->port()));
  REQUIRE(client);
  REQUIRE(client->send(
      "POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto interim = client->readResponse(nullptr, false);
  REQUIRE(interim);
  CHECK(interim->status == 100);
  REQUIRE(client->send("data"));
  auto response = client->readResponse();
  REQUIRE(response);
  CHECK(response->body == "POST /up|data|");
}

TEST_CASE("a client that sends nothing is closed at the deadline", "[e2e]") {
  LogCapture log;
  auto options = tlsListener(log);
  SECTION("after the handshake, before the first request") {
    options.read_header_ms = 300;
    auto server = startOrFail(options);
    auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
    REQUIRE(client);
    auto start = Clock::now();
    CHECK(client->waitClosed(5000));
    CHECK(msSince(start) >= 200);
    CHECK(log.waitFor("http.timeout", "phase=first_request").level == kLogInfo);
  }
  SECTION("between requests on a kept-alive connection") {
    options.idle_ms = 300;
    auto server = startOrFail(options);
    auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
    REQUIRE(client);
    REQUIRE(client->request("GET", "/"));
    auto start = Clock::now();
    CHECK(client->waitClosed(5000));
    CHECK(msSince(start) >= 200);
    // The deadline closes the socket before its handler counts the timeout: give it a moment.
    for (int i = 0; i < 100 && server->stats().timeouts == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Beast closes the socket before the read completes: wait for the listener's own verdict.
    CHECK(log.waitFor("http.timeout", "phase=idle").level == kLogDebug);
    CHECK(server->stats().timeouts == 1);
  }
  SECTION("a TCP client that never starts the handshake") {
    options.handshake_ms = 300;
    auto server = startOrFail(options);
    auto raw = TlsClient::connect(plainClient(server->port()));
    REQUIRE(raw);
    auto start = Clock::now();
    CHECK(raw->waitClosed(5000));
    CHECK(msSince(start) >= 200);
    CHECK(log.waitFor("tls.handshake_failed", "handshake deadline").event ==
          "tls.handshake_failed");
  }
}

TEST_CASE("a client that trickles bytes is closed at the header or body deadline", "[e2e]") {
  LogCapture log;
  auto options = tlsListener(log);
  options.idle_ms = 10000;
  std::string prefix;
  std::string trickle;
  std::string phase;
  SECTION("header") {
    options.read_header_ms = 400;
    trickle = "POST /nodo HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(200, 's');
    phase = "phase=header";
  }
  SECTION("body") {
    options.read_body_ms = 400;
    prefix = "POST /nodo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n";
    trickle = std::string(1000, 'b');
    phase = "phase=body";
  }
  auto server = startOrFail(options);
  auto client = TlsClient::connect(tlsClient(server->port(), "node-client"));
  REQUIRE(client);
  if (!prefix.empty()) REQUIRE(client->send(prefix));
  auto start = Clock::now();
  bool closed = false;
  // One byte every 50 ms: each byte is on time, the whole is not.
  for (char c : trickle) {
    if (!client->send(std::string_view(&c, 1)) || client->waitClosed(50)) {
      closed = true;
      break;
    }
  }
  CHECK(closed);
  CHECK(msSince(start) < 5000);
  CHECK(log.waitFor("http.timeout", phase).event == "http.timeout");
}

TEST_CASE("connections beyond max_connections are closed at once", "[e2e]") {
  LogCapture log;
  auto options = plainListener(log);
  options.max_connections = 2;
  auto server = startOrFail(options);
  auto a = TlsClient::connect(plainClient(server->port()));
  auto b = TlsClient::connect(plainClient(server->port()));
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(a->request("GET", "/"));
  REQUIRE(b->request("GET", "/"));
  auto c = TlsClient::connect(plainClient(server->port()));
  REQUIRE(c);  // the kernel accepts; the listener closes it
  CHECK(c->waitClosed(5000));
  CHECK(server->stats().connections_refused == 1);
  CHECK(log.waitFor("net.connection_refused", "limit=2").level == kLogWarning);

  // A slot freed is a slot usable again.
  a.reset();
  for (int i = 0; i < 500 && server->stats().connections_open > 1; ++i) {
    b->waitClosed(10);  // paces the poll; b stays open
  }
  REQUIRE(server->stats().connections_open == 1);
  auto d = TlsClient::connect(plainClient(server->port()));
  REQUIRE(d);
  auto response = d->request("GET", "/");
  REQUIRE(response);
  CHECK(response->status == 200);
}

TEST_CASE("a body over spool_body_over reaches the handler as a file that goes after it", "[e2e]") {
  LogCapture log;
  auto options = plainListener(log);
  options.max_body_bytes = 4 << 20;
  options.spool_body_over = 64 * 1024;
  std::string seen_path;
  std::string seen_content;
  std::uint64_t seen_size = 0;
  std::size_t seen_memory = 99;
  std::string error;
  auto server = HttpsServer::start(
      options,
      [&](HttpRequest&& request, Reply reply) {
        seen_memory = request.body.size();
        if (request.body_file) {
          seen_path = request.body_file->path;
          seen_size = request.body_file->size;
          std::ifstream in(seen_path, std::ios::binary);
          seen_content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        HttpResponse r;
        r.content_type = "text/plain";
        r.body = "ok\n";
        reply(std::move(r));
      },
      1, &error);
  INFO(error);
  REQUIRE(server);
  auto client = TlsClient::connect(plainClient(server->port()));
  REQUIRE(client);

  std::string body(1 << 20, 'x');
  body[0] = 'a';
  body.back() = 'z';
  auto big = client->request("POST", "/bulk", body);
  REQUIRE(big);
  CHECK(big->status == 200);
  CHECK(seen_memory == 0);
  CHECK(seen_size == body.size());
  CHECK(seen_content == body);
  REQUIRE(!seen_path.empty());
  // The request is over: its file is gone.
  CHECK_FALSE(std::filesystem::exists(seen_path));

  // A small body on the same connection stays in memory.
  seen_path.clear();
  auto small = client->request("POST", "/", std::string(1000, 'b'));
  REQUIRE(small);
  CHECK(small->status == 200);
  CHECK(seen_memory == 1000);
  CHECK(seen_path.empty());
}
