// The requests ponte-bench sends, as complete HTTP/1.1 messages: paVerifyPaymentNotice and
// paGetPaymentV2 built once per notice, paSendRTV2 rendered per request into reused buffers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::bench {

struct Notice {
  std::string ec;   // the EC's fiscal code (idPA)
  std::string nav;  // notice number, 18 digits
  std::int64_t cents = 0;
};

// Reads "EC NOTICE CENTS" lines (blank lines skipped). False, with *error naming the file and
// line, when it cannot be read, a line is malformed or there is no notice at all.
bool loadNotices(const std::string& file, std::vector<Notice>* out, std::string* error);

// What every request says besides the notice.
struct RequestContext {
  std::string host;  // the Host header
  std::string path;
  std::string broker;
  std::string station;
};

// A whole POST of paVerifyPaymentNotice for the notice.
std::string verifyRequest(const RequestContext& c, const Notice& n);

// A whole POST of paGetPaymentV2 for the notice's full amount.
std::string getV2Request(const RequestContext& c, const Notice& n);

// Renders a whole POST of paSendRTV2 into *out: a receipt with receipt_id paying the notice in
// full, its amount split over `transfers` transfers (1..5) to the EC's account, with debtor,
// payer and PSP as the node sends them. *body is scratch space; both strings are cleared and
// keep their capacity, so a connection that reuses them allocates nothing once warm.
void renderSendRtV2(const RequestContext& c, const Notice& n, std::string_view receipt_id,
                    int transfers, std::string* body, std::string* out);

// "12.34" for 1234.
void appendAmount(std::int64_t cents, std::string* out);

}  // namespace ponte::bench
