// Turns the gSOAP objects of a decoded request into core values, checking every value gSOAP
// does not (pattern facets, amounts, dates, base64) and repeating the length checks so the
// rules live in one place. Internal to daemon/soap: it sees generated gSOAP types.
#pragma once

#include <string>
#include <string_view>

#include "core/node_messages.h"
#include "soap/codec.h"
#include "soapH.h"

namespace ponte::soap {

class RequestReader {
 public:
  // root: the request element's name, the first step of every path in problem().
  RequestReader(std::string_view root, const Limits& limits);

  // Each returns the request as core values. When a value breaks its schema type the result is
  // incomplete and problem() says which element and why.
  core::VerifyRequest read(const pafn__paVerifyPaymentNoticeReq& in);
  core::GetPaymentRequest read(const pafn__paGetPaymentReq& in);
  core::GetPaymentRequest read(const pafn__paGetPaymentV2Request& in);
  core::SendRtRequest read(const pafn__paSendRTReq& in);
  core::SendRtRequest read(const pafn__paSendRTV2Request& in);
  core::DemandRequest read(const pafn__paDemandPaymentNoticeRequest& in);

  // The first problem, as "path/to/element: what is wrong"; empty when there was none.
  const std::string& problem() const { return problem_; }

 private:
  class Scope;
  template <class Request>
  core::GetPaymentRequest readGetPayment(const Request& in, bool v2);
  template <class Receipt>
  core::Receipt readReceipt(const Receipt& in);
  template <class Transfer>
  core::ReceiptTransfer readTransfer(const Transfer& in);

  core::Caller caller(const std::string& id_pa, const std::string& id_broker,
                      const std::string& id_station);
  core::QrCode qrCode(const pafn__ctQrCode* in);
  core::Subject subject(const pafn__ctSubject& in);
  std::vector<core::MapEntry> metadata(const pcmn__ctMetadata* in);

  // Value checks: each records a problem for element `name` under the current path and returns
  // false when the value breaks its type.
  bool text(std::string_view name, const std::string& value, std::size_t min_chars,
            std::size_t max_chars);
  bool digits(std::string_view name, const std::string& value, std::size_t count);
  std::optional<core::Cents> amount(std::string_view name, const std::string& value, bool not_zero);
  bool date(std::string_view name, const std::string& value);
  bool dateTime(std::string_view name, const std::string& value);
  bool present(std::string_view name, const void* child);

  // Copies an optional text value, checked, or empty.
  std::string optionalText(std::string_view name, const std::string* value, std::size_t max_chars);

  void fail(std::string_view name, std::string_view what);

  const Limits& limits_;
  std::string path_;
  std::string problem_;
};

}  // namespace ponte::soap
