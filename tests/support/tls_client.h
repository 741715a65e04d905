// A small blocking HTTP/1.1 client for tests, plain or TLS (OpenSSL directly), that can present
// a client certificate or none, keep a connection alive, send raw bytes, read one response and
// tell when the server closed. Every call is bounded by a timeout, so a test never hangs.
//
// Note for TLS 1.3: the server checks the client certificate after the client considers the
// handshake done, so a refused certificate often shows as connect() succeeding and the first
// readResponse() failing (or waitClosed() returning true), not as connect() failing.
//
// Using it ignores SIGPIPE in the whole process (OpenSSL writes with write(2)); a test process
// has no use for that signal.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ponte::test {

struct ClientOptions {
  std::string host = "127.0.0.1";  // numeric address or name
  std::uint16_t port = 0;
  bool tls = true;
  std::string ca_file;  // verify the server's chain and name against this; empty: no verification
  std::string server_name = "localhost";  // SNI and the name (or IP) checked in its certificate
  std::string certificate_file;           // client certificate to present; empty: none
  std::string private_key_file;
  int max_tls_version = 0;  // 0: OpenSSL's default; e.g. TLS1_2_VERSION to stay on TLS 1.2
  SSL_SESSION* resume_session = nullptr;  // offered for resumption; not owned
  int timeout_ms = 5000;                  // bound on connect + handshake and on each call
};

using ClientHeaders = std::vector<std::pair<std::string, std::string>>;

struct ClientResponse {
  int status = 0;
  std::string reason;
  ClientHeaders headers;  // names as received
  std::string body;       // de-chunked
  // The first header of that name (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

class TlsClient {
 public:
  // Connects and, with options.tls, completes the TLS handshake. Returns null and sets *error
  // (when given) if the connection, the certificate files or the handshake fail.
  static std::unique_ptr<TlsClient> connect(const ClientOptions& options,
                                            std::string* error = nullptr);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Writes all of `bytes` (raw: nothing is added). False on error or timeout, *error says why.
  bool send(std::string_view bytes, std::string* error = nullptr);

  // Reads one response (status line, headers, body framed by Content-Length, chunked encoding or
  // the end of the connection). Interim 1xx responses are skipped unless skip_interim is false.
  // Bytes after the response stay buffered for the next call. nullopt on close, error, timeout.
  std::optional<ClientResponse> readResponse(std::string* error = nullptr,
                                             bool skip_interim = true);

  // Sends an HTTP/1.1 request (Host and Content-Length added) and reads its response.
  std::optional<ClientResponse> request(std::string_view method, std::string_view target,
                                        std::string_view body = {},
                                        const ClientHeaders& headers = {},
                                        std::string* error = nullptr);

  // Waits up to timeout_ms for the server to close the connection: true when it did (end of
  // stream, reset or TLS alert), false when it is still open. Bytes that arrive meanwhile are
  // kept for readResponse().
  bool waitClosed(int timeout_ms);

  bool sessionReused() const;
  // The current TLS session for a later resumption, or null; the caller frees it with
  // SSL_SESSION_free.
  SSL_SESSION* copySession() const;
  // "TLSv1.3", "TLSv1.2", or "" for plain HTTP.
  std::string protocol() const;
  // The SHA-256 of the server's certificate (DER), lowercase hex; "" for plain HTTP.
  std::string serverCertificateSha256() const;

 private:
  enum class Fill { kData, kClosed, kTimeout };
  TlsClient() = default;
  // Reads what is available into inbuf_, waiting at most timeout_ms.
  Fill fill(int timeout_ms, std::string* error);
  bool waitFd(short events, int timeout_ms);

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string host_header_;
  std::string inbuf_;
  bool closed_ = false;
  int timeout_ms_ = 5000;
};

// The folder of development certificates for this test process (the files of
// certs/make-dev-certs.sh: ca.crt, server.crt/.key, node-client.crt/.key, other-ca.crt,
// other-client.crt/.key). It is $PONTE_TEST_CERTS_DIR when that holds them (a ctest fixture made
// them for this run), else a fresh temporary folder made on first use by running the script and
// removed at exit. Throws std::runtime_error when the script fails.
const std::string& testCertificatesDir();

}  // namespace ponte::test
