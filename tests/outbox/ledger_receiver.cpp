// The test webhook receiver.
#include "ledger_receiver.h"

#include <openssl/hmac.h>

#include <stdexcept>
#include <thread>

#include "support/tls_client.h"

namespace ponte::outbox::testing {

std::string hmacSha256Hex(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &length);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xF];
  }
  return out;
}

LedgerReceiver::LedgerReceiver(std::string secret, bool tls)
    : secret_(std::move(secret)), tls_(tls) {}

LedgerReceiver::~LedgerReceiver() { stop(); }

void LedgerReceiver::start() {
  net::ListenerOptions o;
  o.address = "127.0.0.1";
  o.port = port_;
  o.drain_ms = 1000;
  if (tls_) {
    const std::string certs = test::testCertificatesDir();
    net::TlsOptions t;
    t.certificate_file = certs + "/server.crt";
    t.private_key_file = certs + "/server.key";
    t.client_ca_file = certs + "/ca.crt";
    t.require_client_certificate = true;
    o.tls = t;
  }
  std::string error;
  server_ = net::HttpsServer::start(
      o,
      [this](net::HttpRequest&& request, net::Reply reply) {
        ReceivedPost post;
        post.idempotency_key = request.header("Idempotency-Key");
        post.timestamp = request.header("X-Ponte-Timestamp");
        post.signature = request.header("X-Ponte-Signature");
        post.content_type = request.header("Content-Type");
        post.body = std::move(request.body);
        std::function<int(const ReceivedPost&)> decide;
        std::chrono::milliseconds delay;
        {
          std::lock_guard lock(mutex_);
          decide = decide_;
          delay = delay_;
        }
        post.status = decide ? decide(post) : 200;
        if (delay.count() > 0) std::this_thread::sleep_for(delay);
        net::HttpResponse response;
        response.status = post.status;
        response.content_type = "text/plain";
        response.body = post.status < 300 ? "ok" : "refused: status " + std::to_string(post.status);
        {
          std::lock_guard lock(mutex_);
          posts_.push_back(post);
        }
        changed_.notify_all();
        reply(std::move(response));
      },
      1, &error);
  if (!server_) throw std::runtime_error("receiver: " + error);
  port_ = server_->port();
}

void LedgerReceiver::stop() {
  if (server_) server_->stop();
  server_.reset();
}

std::string LedgerReceiver::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
         "/receipts";
}

void LedgerReceiver::answer(std::function<int(const ReceivedPost&)> decide) {
  std::lock_guard lock(mutex_);
  decide_ = std::move(decide);
}

void LedgerReceiver::delay(std::chrono::milliseconds d) {
  std::lock_guard lock(mutex_);
  delay_ = d;
}

std::vector<ReceivedPost> LedgerReceiver::posts() const {
  std::lock_guard lock(mutex_);
  return posts_;
}

std::set<std::string> LedgerReceiver::acceptedKeys() const {
  std::set<std::string> keys;
  for (const auto& p : posts()) {
    if ((p.status >= 200 && p.status < 300) || p.status == 409) keys.insert(p.idempotency_key);
  }
  return keys;
}

bool LedgerReceiver::signatureValid(const ReceivedPost& post) const {
  return post.signature == "sha256=" + hmacSha256Hex(secret_, post.timestamp + "." + post.body);
}

bool LedgerReceiver::waitFor(const std::function<bool(const std::vector<ReceivedPost>&)>& pred,
                             std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return pred(posts_); });
}

}  // namespace ponte::outbox::testing
