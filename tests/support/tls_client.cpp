// The blocking test client: a non-blocking socket driven by poll(), so that every wait has a
// deadline, with OpenSSL on top when TLS is asked for.
#include "support/tls_client.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace ponte::test {
namespace {

using Clock = std::chrono::steady_clock;

int remainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

std::string opensslErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

bool iequal(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

void setError(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

}  // namespace

std::string ClientResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequal(key, name)) return value;
  }
  return {};
}

std::unique_ptr<TlsClient> TlsClient::connect(const ClientOptions& options, std::string* error) {
  static std::once_flag sigpipe_once;
  std::call_once(sigpipe_once, [] { signal(SIGPIPE, SIG_IGN); });

  std::unique_ptr<TlsClient> client(new TlsClient());
  client->timeout_ms_ = options.timeout_ms;
  const auto deadline = Clock::now() + std::chrono::milliseconds(options.timeout_ms);

  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(options.port);
  if (int rc = getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    setError(error, "cannot resolve " + options.host + ": " + gai_strerror(rc));
    return nullptr;
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(found);
    setError(error, std::string("socket: ") + std::strerror(errno));
    return nullptr;
  }
  client->fd_ = fd;
  int rc = ::connect(fd, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (rc != 0 && errno != EINPROGRESS) {
    setError(error, std::string("connect: ") + std::strerror(errno));
    return nullptr;
  }
  if (rc != 0) {
    if (!client->waitFd(POLLOUT, remainingMs(deadline))) {
      setError(error, "connect: timed out");
      return nullptr;
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      setError(error, std::string("connect: ") + std::strerror(so_error));
      return nullptr;
    }
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  client->host_header_ = options.server_name.empty() ? options.host : options.server_name;
  client->host_header_ += ":" + port;
  if (!options.tls) return client;

  ERR_clear_error();
  client->ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX* ctx = client->ctx_;
  if (ctx == nullptr) {
    setError(error, "SSL_CTX_new: " + opensslErrors());
    return nullptr;
  }
  if (options.max_tls_version != 0) SSL_CTX_set_max_proto_version(ctx, options.max_tls_version);
  if (!options.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) != 1) {
      setError(error, "cannot load CA " + options.ca_file + ": " + opensslErrors());
      return nullptr;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  if (!options.certificate_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, options.certificate_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, options.private_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      setError(error, "cannot load client certificate " + options.certificate_file + ": " +
                          opensslErrors());
      return nullptr;
    }
  }
  client->ssl_ = SSL_new(ctx);
  SSL* ssl = client->ssl_;
  SSL_set_fd(ssl, fd);
  if (!options.server_name.empty()) {
    unsigned char ip[16];
    bool is_ip = inet_pton(AF_INET, options.server_name.c_str(), ip) == 1 ||
                 inet_pton(AF_INET6, options.server_name.c_str(), ip) == 1;
    if (is_ip) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), options.server_name.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl, options.server_name.c_str());
      SSL_set1_host(ssl, options.server_name.c_str());
    }
  }
  if (options.resume_session != nullptr) SSL_set_session(ssl, options.resume_session);

  for (;;) {
    int r = SSL_connect(ssl);
    if (r == 1) break;
    int err = SSL_get_error(ssl, r);
    short events = err == SSL_ERROR_WANT_READ ? POLLIN : err == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0) {
      std::string detail = opensslErrors();
      if (detail.empty()) detail = err == SSL_ERROR_SYSCALL ? "connection closed" : "error";
      setError(error, "TLS handshake failed: " + detail);
      return nullptr;
    }
    if (!client->waitFd(events, remainingMs(deadline))) {
      setError(error, "TLS handshake: timed out");
      return nullptr;
    }
  }
  return client;
}

TlsClient::~TlsClient() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
}

bool TlsClient::waitFd(short events, int timeout_ms) {
  pollfd p{fd_, events, 0};
  for (;;) {
    int rc = poll(&p, 1, timeout_ms);
    if (rc < 0 && errno == EINTR) continue;
    return rc > 0;
  }
}

bool TlsClient::send(std::string_view bytes, std::string* error) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
  while (!bytes.empty()) {
    std::size_t chunk = std::min<std::size_t>(bytes.size(), 16384);
    short wait_for = POLLOUT;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int n = SSL_write(ssl_, bytes.data(), static_cast<int>(chunk));
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_WANT_READ) {
        wait_for = POLLIN;
      } else if (err != SSL_ERROR_WANT_WRITE) {
        std::string detail = opensslErrors();
        setError(error, "write failed: " + (detail.empty() ? std::strerror(errno) : detail));
        return false;
      }
    } else {
      ssize_t n = ::send(fd_, bytes.data(), chunk, MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        setError(error, std::string("write failed: ") + std::strerror(errno));
        return false;
      }
    }
    if (!waitFd(wait_for, remainingMs(deadline))) {
      setError(error, "write: timed out");
      return false;
    }
  }
  return true;
}

TlsClient::Fill TlsClient::fill(int timeout_ms, std::string* error) {
  if (closed_) return Fill::kClosed;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[16384];
  for (;;) {
    short wait_for = POLLIN;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n > 0) {
        inbuf_.append(buf, static_cast<std::size_t>(n));
        return Fill::kData;
      }
      int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_WANT_WRITE) {
        wait_for = POLLOUT;
      } else if (err != SSL_ERROR_WANT_READ) {
        // Clean close_notify, a bare end of stream, a reset or a fatal alert: the server is gone.
        std::string detail = opensslErrors();
        // Answer a close_notify with ours, as browsers and HTTP libraries do; a server waiting
        // for it can then close at once.
        if (err == SSL_ERROR_ZERO_RETURN) SSL_shutdown(ssl_);
        setError(error, err == SSL_ERROR_ZERO_RETURN ? "closed by the server (close_notify)"
                        : detail.empty()             ? "closed by the server"
                                                     : "closed: " + detail);
        closed_ = true;
        return Fill::kClosed;
      }
    } else {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        inbuf_.append(buf, static_cast<std::size_t>(n));
        return Fill::kData;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        setError(error,
                 n == 0 ? "closed by the server" : std::string("closed: ") + std::strerror(errno));
        closed_ = true;
        return Fill::kClosed;
      }
    }
    if (!waitFd(wait_for, remainingMs(deadline))) {
      setError(error, "read: timed out");
      return Fill::kTimeout;
    }
  }
}

std::optional<ClientResponse> TlsClient::readResponse(std::string* error, bool skip_interim) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
  // Reads until inbuf_ holds at least `want` bytes; false on close or timeout.
  auto need = [&](std::size_t want) {
    while (inbuf_.size() < want) {
      if (fill(remainingMs(deadline), error) != Fill::kData) return false;
    }
    return true;
  };
  for (;;) {
    std::size_t end;
    while ((end = inbuf_.find("\r\n\r\n")) == std::string::npos) {
      if (inbuf_.size() > (1 << 20)) {
        setError(error, "response header too large");
        return std::nullopt;
      }
      if (fill(remainingMs(deadline), error) != Fill::kData) return std::nullopt;
    }
    std::string head = inbuf_.substr(0, end + 2);
    inbuf_.erase(0, end + 4);

    ClientResponse response;
    std::size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
      setError(error, "bad status line: " + status_line);
      return std::nullopt;
    }
    response.status = std::atoi(status_line.c_str() + 9);
    response.reason = status_line.size() > 13 ? status_line.substr(13) : "";
    std::size_t pos = line_end + 2;
    while (pos < head.size()) {
      std::size_t next = head.find("\r\n", pos);
      std::string line = head.substr(pos, next - pos);
      pos = next + 2;
      std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      response.headers.emplace_back(line.substr(0, colon), trim(line.substr(colon + 1)));
    }
    if (response.status >= 100 && response.status < 200) {
      if (skip_interim) continue;
      return response;
    }

    if (iequal(response.header("Transfer-Encoding"), "chunked")) {
      for (;;) {
        std::size_t crlf;
        while ((crlf = inbuf_.find("\r\n")) == std::string::npos) {
          if (fill(remainingMs(deadline), error) != Fill::kData) return std::nullopt;
        }
        std::size_t size = std::strtoul(inbuf_.substr(0, crlf).c_str(), nullptr, 16);
        inbuf_.erase(0, crlf + 2);
        if (size == 0) {
          // Trailers, if any, end with an empty line.
          while ((crlf = inbuf_.find("\r\n")) != 0) {
            if (crlf == std::string::npos) {
              if (fill(remainingMs(deadline), error) != Fill::kData) return std::nullopt;
            } else {
              inbuf_.erase(0, crlf + 2);
            }
          }
          inbuf_.erase(0, 2);
          break;
        }
        if (!need(size + 2)) return std::nullopt;
        response.body.append(inbuf_, 0, size);
        inbuf_.erase(0, size + 2);
      }
    } else if (std::string length = response.header("Content-Length"); !length.empty()) {
      std::size_t size = std::strtoul(length.c_str(), nullptr, 10);
      if (!need(size)) return std::nullopt;
      response.body = inbuf_.substr(0, size);
      inbuf_.erase(0, size);
    } else if (response.status != 204 && response.status != 304) {
      // No framing: the body runs to the end of the connection.
      for (;;) {
        Fill f = fill(remainingMs(deadline), error);
        if (f == Fill::kClosed) break;
        if (f == Fill::kTimeout) return std::nullopt;
      }
      response.body = std::move(inbuf_);
      inbuf_.clear();
    }
    return response;
  }
}

std::optional<ClientResponse> TlsClient::request(std::string_view method, std::string_view target,
                                                 std::string_view body,
                                                 const ClientHeaders& headers, std::string* error) {
  std::string out;
  out.reserve(256 + body.size());
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: ");
  out.append(host_header_).append("\r\n");
  for (const auto& [name, value] : headers) out.append(name).append(": ").append(value) += "\r\n";
  if (!body.empty() || method == "POST") {
    out.append("Content-Length: ").append(std::to_string(body.size())) += "\r\n";
  }
  out += "\r\n";
  out.append(body);
  if (!send(out, error)) return std::nullopt;
  return readResponse(error);
}

bool TlsClient::waitClosed(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    Fill f = fill(remainingMs(deadline), nullptr);
    if (f == Fill::kClosed) return true;
    if (f == Fill::kTimeout) return false;
  }
}

bool TlsClient::sessionReused() const { return ssl_ != nullptr && SSL_session_reused(ssl_) == 1; }

SSL_SESSION* TlsClient::copySession() const {
  return ssl_ != nullptr ? SSL_get1_session(ssl_) : nullptr;
}

std::string TlsClient::protocol() const { return ssl_ != nullptr ? SSL_get_version(ssl_) : ""; }

std::string TlsClient::serverCertificateSha256() const {
  if (ssl_ == nullptr) return "";
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (cert == nullptr) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert, EVP_sha256(), digest, &length);
  X509_free(cert);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

namespace {

// Owns the temporary certificate folder and removes it when the process exits.
struct TempCertificates {
  std::string dir;
  ~TempCertificates() {
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }
};

}  // namespace

const std::string& testCertificatesDir() {
  static TempCertificates temp;
  static std::string dir;
  static std::once_flag once;
  std::call_once(once, [] {
    if (const char* env = std::getenv("PONTE_TEST_CERTS_DIR");
        env != nullptr &&
        std::filesystem::exists(std::filesystem::path(env) / "other-client.key")) {
      dir = env;
      return;
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "ponte-certs-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    }
    temp.dir = pattern;
    std::string command = std::string("'") + PONTE_SOURCE_DIR + "/certs/make-dev-certs.sh' '" +
                          pattern + "' >/dev/null";
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("certs/make-dev-certs.sh failed in " + pattern);
    }
    dir = pattern;
  });
  if (dir.empty()) throw std::runtime_error("no test certificates");
  return dir;
}

}  // namespace ponte::test
