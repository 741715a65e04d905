// Server TLS context set-up and client-certificate policy, on OpenSSL directly so that the slow
// Asio/Beast translation unit only wraps the finished context.
#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cctype>
#include <set>

namespace ponte::net {
namespace {

// Who may connect, hung on the SSL_CTX so that the verify callback (a C function) can find it.
struct AdmissionPolicy {
  std::set<std::string> subjects;
  std::set<std::string> fingerprints;
  bool admitsAll() const { return subjects.empty() && fingerprints.empty(); }
  bool admits(const PeerIdentity& peer) const {
    return admitsAll() || subjects.count(peer.subject) > 0 ||
           fingerprints.count(peer.sha256_fingerprint) > 0;
  }
};

// Why one connection's certificate was refused; written by the verify callback, read by the
// listener when the handshake fails, freed with the SSL.
struct Refusal {
  std::string reason;
  bool by_allow_list = false;
};

void freePolicy(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<AdmissionPolicy*>(ptr);
}

void freeRefusal(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<Refusal*>(ptr);
}

// Our own ex_data slots: Asio uses slot 0 (app_data) of both SSL and SSL_CTX for its callbacks.
int policyIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, freePolicy);
  return index;
}

int refusalIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, freeRefusal);
  return index;
}

// The OpenSSL error queue as one line, emptied, for messages that name a file.
std::string opensslErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

std::string subjectOf(const X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data != nullptr && len > 0 ? std::string(data, static_cast<size_t>(len)) : "");
  BIO_free(bio);
  return out;
}

std::string fingerprintOf(const X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

void recordRefusal(SSL* ssl, std::string reason, bool by_allow_list) {
  // The callback runs once per chain element and error; the first refusal is the real cause.
  if (SSL_get_ex_data(ssl, refusalIndex()) != nullptr) return;
  SSL_set_ex_data(ssl, refusalIndex(), new Refusal{std::move(reason), by_allow_list});
}

int verifyCallback(int preverify_ok, X509_STORE_CTX* store) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return preverify_ok;
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  int depth = X509_STORE_CTX_get_error_depth(store);
  if (preverify_ok == 0) {
    int err = X509_STORE_CTX_get_error(store);
    recordRefusal(ssl,
                  std::string("certificate verify failed: ") + X509_verify_cert_error_string(err) +
                      " (depth " + std::to_string(depth) + ", subject \"" +
                      (cert != nullptr ? subjectOf(cert) : std::string()) + "\")",
                  false);
    return 0;
  }
  if (depth != 0 || cert == nullptr) return 1;
  const auto* policy =
      static_cast<const AdmissionPolicy*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), policyIndex()));
  if (policy == nullptr || policy->admitsAll()) return 1;
  PeerIdentity peer{subjectOf(cert), fingerprintOf(cert), {}};
  if (policy->admits(peer)) return 1;
  recordRefusal(ssl,
                "client certificate not on the allow-list (subject \"" + peer.subject +
                    "\", sha256 " + peer.sha256_fingerprint + ")",
                true);
  X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

// Mozilla "intermediate" TLS 1.2 suites without DHE (no parameters to manage); TLS 1.3 suites
// are OpenSSL's defaults, all AEAD.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

}  // namespace

std::string normalizeFingerprint(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out.size() == 64 ? out : std::string();
}

SslCtxPtr makeServerTlsContext(const TlsOptions& options, std::string* error) {
  auto fail = [&](std::string message) {
    ERR_clear_error();
    if (error != nullptr) *error = std::move(message);
    return SslCtxPtr();
  };
  ERR_clear_error();

  auto policy = std::make_unique<AdmissionPolicy>();
  for (const auto& subject : options.allowed_subjects) {
    if (subject.empty()) return fail("allowed_subjects: an entry is empty");
    policy->subjects.insert(subject);
  }
  for (const auto& text : options.allowed_fingerprints) {
    std::string fp = normalizeFingerprint(text);
    if (fp.empty()) {
      return fail("allowed_fingerprints: \"" + text + "\" is not a SHA-256 fingerprint");
    }
    policy->fingerprints.insert(fp);
  }
  if (!options.require_client_certificate && !policy->admitsAll()) {
    return fail("allowed_subjects/allowed_fingerprints need require_client_certificate");
  }
  if (options.certificate_file.empty()) return fail("no server certificate file given");
  if (options.private_key_file.empty()) return fail("no server private key file given");
  if (options.require_client_certificate && options.client_ca_file.empty()) {
    return fail("client certificates are required but no client CA file is given");
  }

  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return fail("cannot create a TLS context: " + opensslErrors());
  SSL_CTX* c = ctx.get();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_options(
      c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1) {
    return fail("cannot set the TLS 1.2 cipher list: " + opensslErrors());
  }

  if (SSL_CTX_use_certificate_chain_file(c, options.certificate_file.c_str()) != 1) {
    return fail("cannot load certificate chain " + options.certificate_file + ": " +
                opensslErrors());
  }
  if (SSL_CTX_use_PrivateKey_file(c, options.private_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL 3 already compares the key with the certificate while loading it: say so plainly.
    const unsigned long last = ERR_peek_last_error();
    if (ERR_GET_LIB(last) == ERR_LIB_X509 && ERR_GET_REASON(last) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return fail("private key " + options.private_key_file + " does not match certificate " +
                  options.certificate_file);
    }
    return fail("cannot load private key " + options.private_key_file + ": " + opensslErrors());
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    return fail("private key " + options.private_key_file + " does not match certificate " +
                options.certificate_file);
  }

  if (!options.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(c, options.client_ca_file.c_str(), nullptr) != 1) {
      return fail("cannot load client CA file " + options.client_ca_file + ": " + opensslErrors());
    }
    // Tells clients which issuers we accept; some (Java) pick their certificate by this list.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.client_ca_file.c_str());
    if (names == nullptr) {
      return fail("no certificate found in client CA file " + options.client_ca_file);
    }
    SSL_CTX_set_client_CA_list(c, names);
    // Lets an operator pin the node's own certificate or an intermediate instead of a root.
    X509_STORE_set_flags(SSL_CTX_get_cert_store(c), X509_V_FLAG_PARTIAL_CHAIN);
    int mode = SSL_VERIFY_PEER;
    if (options.require_client_certificate) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(c, mode, verifyCallback);
  } else {
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
  }

  // Resumption with client certificates needs a session id context; deriving it from the trust
  // settings keeps a session made under one policy from resuming under another.
  std::string policy_text = options.client_ca_file;
  for (const auto& s : policy->subjects) policy_text += "\n" + s;
  for (const auto& f : policy->fingerprints) policy_text += "\n" + f;
  unsigned char sid[EVP_MAX_MD_SIZE];
  unsigned int sid_len = 0;
  EVP_Digest(policy_text.data(), policy_text.size(), sid, &sid_len, EVP_sha256(), nullptr);
  if (sid_len > SSL_MAX_SID_CTX_LENGTH) sid_len = SSL_MAX_SID_CTX_LENGTH;
  SSL_CTX_set_session_id_context(c, sid, sid_len);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_SERVER);

  if (SSL_CTX_set_ex_data(c, policyIndex(), policy.get()) != 1) {
    return fail("cannot attach the client admission policy: " + opensslErrors());
  }
  policy.release();  // now owned by the context, freed by freePolicy
  return ctx;
}

bool checkTlsOptions(const TlsOptions& options, std::string* error) {
  return makeServerTlsContext(options, error) != nullptr;
}

PeerIdentity peerIdentityOf(const SSL* ssl) {
  PeerIdentity out;
  const X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return out;
  out.subject = subjectOf(cert);
  out.sha256_fingerprint = fingerprintOf(cert);
  return out;
}

bool peerAdmitted(const SSL* ssl, const PeerIdentity& peer) {
  const auto* policy =
      static_cast<const AdmissionPolicy*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), policyIndex()));
  return policy == nullptr || policy->admits(peer);
}

std::string tlsRefusalReason(const SSL* ssl, bool* by_allow_list) {
  const auto* refusal = static_cast<const Refusal*>(SSL_get_ex_data(ssl, refusalIndex()));
  if (by_allow_list != nullptr) *by_allow_list = refusal != nullptr && refusal->by_allow_list;
  return refusal != nullptr ? refusal->reason : std::string();
}

}  // namespace ponte::net
