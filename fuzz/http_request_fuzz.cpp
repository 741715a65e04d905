// Fuzz target: the HTTP/1.1 request reader of ponte's listeners. One listener (plain HTTP, the
// node listener's limits and parser; TLS is the only difference and is not what is fuzzed here)
// runs on loopback for the whole session; each input is written to a new connection as it is,
// the connection's write side is closed, and whatever the listener answers is read to its end.
// The listener must answer with an HTTP/1.1 status line or close the connection, never hang,
// and every request it hands on must be within its limits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "net/https_server.h"

using namespace ponte;

namespace {

constexpr std::size_t kMaxHeader = 4096;
constexpr std::size_t kMaxBody = 16384;

net::HttpsServer& listener() {
  static std::unique_ptr<net::HttpsServer> server = [] {
    net::ListenerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.max_header_bytes = kMaxHeader;
    options.max_body_bytes = kMaxBody;
    // An input that stops mid-request is closed on its EOF, well before these deadlines.
    options.read_header_ms = 2000;
    options.read_body_ms = 2000;
    auto handler = [](net::HttpRequest&& request, net::Reply reply) {
      if (request.body.size() > kMaxBody) std::abort();
      if (request.method != "GET" && request.method != "POST") std::abort();
      net::HttpResponse response;
      response.content_type = "text/plain";
      response.body = std::to_string(request.body.size()) + "\n";
      reply(std::move(response));
    };
    std::string error;
    auto s = net::HttpsServer::start(options, handler, 1, &error);
    if (!s) std::abort();
    return s;
  }();
  return *server;
}

// libFuzzer's SIGALRM (its -timeout watchdog) interrupts a blocking connect with EINTR while the
// connection goes on being set up: wait for it and take its outcome rather than failing.
bool connectThroughSignals(int fd, const sockaddr_in& address) {
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) return true;
  if (errno != EINTR) return false;
  pollfd ready{fd, POLLOUT, 0};
  int n;
  do n = ::poll(&ready, 1, 5000);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return false;
  errno = error;
  return error == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint16_t port = listener().port();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) std::abort();
  timeval timeout{5, 0};  // longer than the listener's deadlines: a hang is a finding
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Each connection from another address of 127/8: the listener closes first, and its TIME_WAIT
  // entries would otherwise use up the ephemeral ports of 127.0.0.1 within a minute's run.
  static std::uint32_t next_source = 0;
  const std::uint32_t n = next_source++ % (1u << 20);
  sockaddr_in source{};
  source.sin_family = AF_INET;
  source.sin_addr.s_addr = htonl((127u << 24) | ((1u + (n >> 16)) << 16) | (n & 0xffffu));
  // The port is chosen at connect, for the whole address pair, not by bind from one pool.
  const int no_port = 1;
  ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &no_port, sizeof no_port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0 ||
      !connectThroughSignals(fd, address)) {
    // Out of local ports is the machine's limit, not the listener's fault: skip the input.
    if (errno == EADDRNOTAVAIL || errno == EADDRINUSE) {
      ::close(fd);
      return 0;
    }
    std::abort();
  }
  // The listener may answer and close before reading everything (a request too large): a
  // failed write is not a finding.
  std::size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) std::abort();  // the listener hung
      break;                                                       // reset: closed
    }
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (!answer.empty() && answer.rfind("HTTP/1.", 0) != 0) std::abort();
  return 0;
}
