// Requests per second of a trivial handler over kept-alive connections (mTLS by default), with
// the test client: net_bench [connections=8] [seconds=3] [server_threads=0] [plain].
// Certificates come from testCertificatesDir(). A measuring tool, not a test.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "net/https_server.h"
#include "support/tls_client.h"

using namespace ponte::net;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const int connections = argc > 1 ? std::atoi(argv[1]) : 8;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 3;
  const int server_threads = argc > 3 ? std::atoi(argv[3]) : 0;
  const bool plain = argc > 4 && std::strcmp(argv[4], "plain") == 0;
  const std::string certs = ponte::test::testCertificatesDir();

  ListenerOptions options;
  if (!plain) {
    TlsOptions tls;
    tls.certificate_file = certs + "/server.crt";
    tls.private_key_file = certs + "/server.key";
    tls.client_ca_file = certs + "/ca.crt";
    options.tls = tls;
  }
  std::string error;
  auto server = HttpsServer::start(
      options,
      [](HttpRequest&&, Reply reply) {
        HttpResponse response;
        response.content_type = "text/plain";
        response.body = "ok";
        reply(std::move(response));
      },
      server_threads, &error);
  if (!server) {
    std::fprintf(stderr, "net_bench: %s\n", error.c_str());
    return 1;
  }

  std::atomic<long> done{0};
  std::atomic<bool> failed{false};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < connections; ++i) {
    clients.emplace_back([&] {
      ponte::test::ClientOptions c;
      c.port = server->port();
      c.tls = !plain;
      if (!plain) {
        c.ca_file = certs + "/ca.crt";
        c.certificate_file = certs + "/node-client.crt";
        c.private_key_file = certs + "/node-client.key";
      }
      auto client = ponte::test::TlsClient::connect(c);
      if (!client) {
        failed = true;
        return;
      }
      const std::string request =
          "POST /nodo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello";
      while (!stop) {
        if (!client->send(request) || !client->readResponse()) {
          failed = true;
          return;
        }
        ++done;
      }
    });
  }
  auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : clients) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%s, %d connections, %d server threads: %.0f requests/s%s\n",
              plain ? "plain HTTP" : "mTLS", connections, server_threads, done / elapsed,
              failed ? " (some clients failed)" : "");
  return failed ? 1 : 0;
}
