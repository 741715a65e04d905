// The server-side OpenSSL context of a listener: certificate and key checks, client-certificate
// verification and allow-lists, and the identity of a verified peer. OpenSSL only, no Boost.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "net/http_exchange.h"
#include "net/listener_options.h"

namespace ponte::net {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// Builds a server context from `options`: TLS >= 1.2, ECDHE+AEAD ciphers for TLS 1.2, no
// renegotiation, the server chain and key (checked to match), client-certificate verification
// against client_ca_file, the allow-lists, a session cache and a session id context so clients
// can resume sessions. On failure returns null and sets *error to a message naming the file at
// fault (e.g. "private key /etc/ponte/server.key does not match certificate ..."); *error is
// untouched on success. The caller owns the context.
SslCtxPtr makeServerTlsContext(const TlsOptions& options, std::string* error);

// Whether `options` would make a working context: what `check-config` needs. Same errors as
// makeServerTlsContext.
bool checkTlsOptions(const TlsOptions& options, std::string* error);

// Subject (RFC 2253) and SHA-256 fingerprint of the peer certificate of `ssl`, after a completed
// handshake; both empty when the peer sent none. `address` is left empty for the caller to fill.
PeerIdentity peerIdentityOf(const SSL* ssl);

// Whether the context `ssl` belongs to admits `peer` by its allow-lists (true when the lists are
// empty). The handshake already enforces this; the listener asks again after a resumed session.
bool peerAdmitted(const SSL* ssl, const PeerIdentity& peer);

// Why the certificate checks of this context refused the peer of `ssl` during the handshake, or ""
// when they did not (the handshake then failed for another reason, given by OpenSSL's error).
// `by_allow_list` is set when the certificate was valid but not on an allow-list.
std::string tlsRefusalReason(const SSL* ssl, bool* by_allow_list);

// "ab12..." (64 lowercase hex digits) from any case, with or without colons; "" when `text` is
// not a SHA-256 fingerprint.
std::string normalizeFingerprint(std::string_view text);

}  // namespace ponte::net
