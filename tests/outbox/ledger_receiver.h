// A municipality's webhook endpoint for tests: ponte's own HttpsServer on loopback (plain HTTP or
// TLS with a required client certificate), recording every POST, answering what the test says,
// and checking each signature the way a receiver must (HMAC-SHA256 recomputed from the secret).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "net/https_server.h"

namespace ponte::outbox::testing {

struct ReceivedPost {
  std::string idempotency_key;
  std::string timestamp;
  std::string signature;  // the X-Ponte-Signature header as received
  std::string content_type;
  std::string body;
  int status = 0;  // what the receiver answered
};

class LedgerReceiver {
 public:
  // `tls`: HTTPS with the test certificates, requiring a client certificate of the test CA.
  LedgerReceiver(std::string secret, bool tls = false);
  ~LedgerReceiver();

  // Listens (on the port of the previous start, if any: the URL stays the same). Throws when it
  // cannot.
  void start();
  // Closes the listener: connections are refused, as when the ledger is down.
  void stop();
  std::string url() const;

  // How to answer each POST (default: 200). Called on the server's thread.
  void answer(std::function<int(const ReceivedPost&)> decide);
  // Holds each answer this long (to make the client time out).
  void delay(std::chrono::milliseconds d);

  std::vector<ReceivedPost> posts() const;
  // Keys of the posts answered 2xx or 409, each once.
  std::set<std::string> acceptedKeys() const;
  // Whether the post's signature is HMAC-SHA256(secret, timestamp + "." + body).
  bool signatureValid(const ReceivedPost& post) const;
  // Waits (bounded) until pred() holds over the posts received; false on timeout.
  bool waitFor(const std::function<bool(const std::vector<ReceivedPost>&)>& pred,
               std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

 private:
  std::string secret_;
  bool tls_;
  std::uint16_t port_ = 0;
  std::unique_ptr<net::HttpsServer> server_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::function<int(const ReceivedPost&)> decide_;
  std::chrono::milliseconds delay_{0};
  std::vector<ReceivedPost> posts_;
};

// hex HMAC-SHA256 of data under key.
std::string hmacSha256Hex(const std::string& key, const std::string& data);

}  // namespace ponte::outbox::testing
