// A ClientHello from OpenSSL over memory BIOs: the handshake stops after the first flight,
// since no server ever answers.
#include "client_hello.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <memory>
#include <stdexcept>

namespace ponte::hostile {

std::string clientHello(const std::string& server_name) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free);
  if (!ctx) throw std::runtime_error("SSL_CTX_new failed");
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  if (!ssl) throw std::runtime_error("SSL_new failed");
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl.get(), in, out);  // ssl owns both from here
  SSL_set_tlsext_host_name(ssl.get(), server_name.c_str());
  SSL_set_connect_state(ssl.get());
  const int rc = SSL_do_handshake(ssl.get());
  if (rc == 1 || SSL_get_error(ssl.get(), rc) != SSL_ERROR_WANT_READ) {
    throw std::runtime_error("no ClientHello from OpenSSL");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(out, &data);
  if (size <= 5) throw std::runtime_error("empty ClientHello");
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace ponte::hostile
