// The listener's loops answer a liveness probe only while they really turn: what feeds the
// systemd watchdog.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "net_fixture.h"

using namespace ponte::net;
using namespace ponte::net::testing;
using namespace std::chrono_literals;

TEST_CASE("event loops that turn answer the liveness probe, a blocked one does not", "[e2e]") {
  LogCapture log;
  std::string error;
  // One loop, whose handler blocks it for a while (as a bug would).
  auto server = HttpsServer::start(
      plainListener(log),
      [](HttpRequest&&, Reply reply) {
        std::this_thread::sleep_for(600ms);
        reply(HttpResponse{});
      },
      1, &error);
  REQUIRE(server);
  CHECK(server->loopsResponsive(1000ms));

  std::thread client([&] {
    auto c = ponte::test::TlsClient::connect(plainClient(server->port()));
    if (c) c->request("GET", "/");
  });
  std::this_thread::sleep_for(150ms);  // the handler is now blocking the loop
  CHECK_FALSE(server->loopsResponsive(100ms));
  client.join();
  CHECK(server->loopsResponsive(1000ms));
}
