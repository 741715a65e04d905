// libcurl easy interface, one handle per call: the calls are rare (a portal's cart, a fee list),
// so simplicity wins over connection reuse.
#include "upstream/http_call.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <mutex>

namespace ponte::upstream {
namespace {

constexpr std::size_t kMaxBody = 4 * 1024 * 1024;

struct Sink {
  std::string body;
  bool overflow = false;
  std::string location;
  std::string content_type;
};

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  if (sink->body.size() + n > kMaxBody) {
    sink->overflow = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

bool startsWithNoCase(std::string_view line, std::string_view prefix) {
  if (line.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::string headerValue(std::string_view line, std::size_t name_length) {
  std::string_view v = line.substr(name_length);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' '))
    v.remove_suffix(1);
  return std::string(v);
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::string_view line(data, size * count);
  if (startsWithNoCase(line, "location:")) sink->location = headerValue(line, 9);
  if (startsWithNoCase(line, "content-type:")) sink->content_type = headerValue(line, 13);
  return size * count;
}

void initOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

HttpReply perform(const HttpCall& call) {
  initOnce();
  HttpReply reply;
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) {
    reply.error = CallError::kOther;
    reply.error_text = "curl_easy_init failed";
    return reply;
  }
  CURL* c = curl.get();
  Sink sink;
  std::unique_ptr<curl_slist, ListFree> headers;
  for (const auto& [name, value] : call.headers) {
    const std::string line = name + ": " + value;
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }
  // No "Expect: 100-continue" round trip on the small JSON bodies.
  headers.reset(curl_slist_append(headers.release(), "Expect:"));

  curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  if (call.method == "POST" || !call.body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, call.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, call.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in threads
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!call.tls.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, call.tls.ca_file.c_str());
  if (!call.tls.client_certificate.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, call.tls.client_certificate.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, call.tls.client_key.c_str());
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

  const CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  reply.body = std::move(sink.body);
  reply.location = std::move(sink.location);
  reply.content_type = std::move(sink.content_type);
  if (rc == CURLE_OK) return reply;
  reply.error_text = errbuf[0] ? errbuf : curl_easy_strerror(rc);
  if (sink.overflow) {
    reply.error = CallError::kOther;
    reply.error_text = "answer larger than 4 MiB";
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    reply.error = CallError::kTimeout;
  } else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
             rc == CURLE_COULDNT_RESOLVE_PROXY) {
    reply.error = CallError::kConnect;
  } else if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
             rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CACERT_BADFILE) {
    reply.error = CallError::kTls;
  } else {
    reply.error = CallError::kOther;
  }
  return reply;
}

}  // namespace ponte::upstream
