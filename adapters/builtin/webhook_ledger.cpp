// The webhook ledger: POSTs each receipt's canonical JSON to the municipality's endpoint over
// HTTPS (libcurl), signed so the receiver can tell it comes from ponte and was not altered.
//
// Request headers: Idempotency-Key (EC:receiptId, the same on every retry), X-Ponte-Timestamp
// (unix seconds), X-Ponte-Signature: "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body).
// Answers: 2xx and 409 (already have it) -> OK; 408, 429, 5xx, 3xx, timeouts and connection
// errors -> RETRY; any other 4xx -> REJECT (the ledger refuses this receipt: dead letter).
#include <curl/curl.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <vector>

#include "builtin/adapter_support.h"
#include "builtin/builtin_ledgers.h"

namespace ponte::adapters {
namespace {

constexpr long kDefaultTimeoutMs = 10'000;
constexpr std::size_t kMaxAnswerBytes = 4096;  // of the body kept for the error message

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

std::size_t keepAnswer(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  if (answer->size() < kMaxAnswerBytes) {
    answer->append(data, std::min(n, kMaxAnswerBytes - answer->size()));
  }
  return n;
}

// One printable line of a response body, for an operator reading last_error.
std::string oneLine(const std::string& text, std::size_t max) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    out += (c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c);
  }
  return out;
}

class WebhookLedger {
 public:
  static std::unique_ptr<WebhookLedger> create(const ponte_ledger_host* host,
                                               const ponte_ledger_config* config,
                                               std::string* error) {
    static std::once_flag curl_ready;
    // curl_global_init is not thread-safe in every libcurl: done once, before any handle exists.
    std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    auto ledger = std::unique_ptr<WebhookLedger>(new WebhookLedger());
    auto url = option(config, "url");
    if (!url || (url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0)) {
      *error = "option url must be an http:// or https:// address";
      return nullptr;
    }
    ledger->url_ = *url;
    auto secret_file = option(config, "secret_file");
    if (!secret_file) {
      *error = "option secret_file is required (the file holding the signing secret)";
      return nullptr;
    }
    std::ifstream in(*secret_file, std::ios::binary);
    std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      *error = "cannot read secret_file " + *secret_file;
      return nullptr;
    }
    // A secret written with `echo` ends in a newline that is not part of it.
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) {
      *error = "secret_file " + *secret_file + " is missing or empty";
      return nullptr;
    }
    ledger->secret_ = std::move(secret);
    if (auto t = option(config, "timeout_ms")) {
      char* end = nullptr;
      const long v = std::strtol(t->c_str(), &end, 10);
      if (end == t->c_str() || *end != '\0' || v < 100 || v > 600'000) {
        *error = "option timeout_ms must be a whole number from 100 to 600000";
        return nullptr;
      }
      ledger->timeout_ms_ = v;
    }
    ledger->client_certificate_ = option(config, "client_certificate").value_or("");
    ledger->client_key_ = option(config, "client_key").value_or("");
    ledger->ca_file_ = option(config, "ca_file").value_or("");
    if (ledger->client_certificate_.empty() != ledger->client_key_.empty()) {
      *error = "options client_certificate and client_key go together";
      return nullptr;
    }
    hostLog(host, PONTE_LEDGER_LOG_DEBUG, "webhook ledger posts to " + ledger->url_);
    return ledger;
  }

  ~WebhookLedger() {
    for (CURL* c : idle_) curl_easy_cleanup(c);
  }

  ponte_ledger_status deliver(const ponte_ledger_receipt& receipt, std::string* message) {
    const std::string body(view(receipt.json));
    const std::string timestamp = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count());
    const std::string signature = hmacSha256Hex(secret_, timestamp + "." + body);

    CURL* curl = take();
    if (curl == nullptr) {
      *message = "cannot make an HTTP client (out of memory)";
      return PONTE_LEDGER_RETRY;
    }
    curl_slist* headers = nullptr;
    for (const std::string& h :
         {std::string("Content-Type: application/json"),
          "Idempotency-Key: " + std::string(view(receipt.idempotency_key)),
          "X-Ponte-Timestamp: " + timestamp, "X-Ponte-Signature: sha256=" + signature,
          std::string("Expect:")}) {
      headers = curl_slist_append(headers, h.c_str());
    }
    std::string answer;
    char curl_error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms_);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms_);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &keepAnswer);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "ponte-webhook/1");
    if (!ca_file_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
    if (!client_certificate_.empty()) {
      curl_easy_setopt(curl, CURLOPT_SSLCERT, client_certificate_.c_str());
      curl_easy_setopt(curl, CURLOPT_SSLKEY, client_key_.c_str());
    }
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    // The handle holds pointers into this call's locals: clear them before it is reused.
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
    curl_slist_free_all(headers);
    give(curl, rc == CURLE_OK);

    if (rc != CURLE_OK) {
      *message = std::string(curl_easy_strerror(rc)) + (curl_error[0] ? ": " : "") + curl_error;
      return PONTE_LEDGER_RETRY;
    }
    if ((status >= 200 && status < 300) || status == 409) return PONTE_LEDGER_OK;
    *message = "HTTP " + std::to_string(status) + (answer.empty() ? "" : ": ") +
               oneLine(answer, 300);
    if (status == 408 || status == 429) return PONTE_LEDGER_RETRY;
    if (status >= 400 && status < 500) return PONTE_LEDGER_REJECT;
    return PONTE_LEDGER_RETRY;
  }

 private:
  WebhookLedger() = default;

  // A client from the pool (kept-alive connections are reused), or a new one.
  CURL* take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        CURL* c = idle_.back();
        idle_.pop_back();
        return c;
      }
    }
    return curl_easy_init();
  }

  // Back to the pool; a client whose transfer failed is dropped with its connection.
  void give(CURL* curl, bool healthy) {
    if (healthy) {
      std::lock_guard lock(mutex_);
      if (idle_.size() < 16) {
        idle_.push_back(curl);
        return;
      }
    }
    curl_easy_cleanup(curl);
  }

  std::string url_;
  std::string secret_;
  long timeout_ms_ = kDefaultTimeoutMs;
  std::string client_certificate_;
  std::string client_key_;
  std::string ca_file_;
  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

}  // namespace
}  // namespace ponte::adapters

extern "C" const ponte_ledger_plugin* ponte_ledger_webhook_entry(uint32_t host_abi_major,
                                                                 uint32_t /*host_abi_minor*/) {
  if (host_abi_major != PONTE_LEDGER_ABI_MAJOR) return nullptr;
  return ponte::adapters::AdapterAbi<ponte::adapters::WebhookLedger>::descriptor(
      "webhook", PONTE_LEDGER_THREAD_SAFE);
}
