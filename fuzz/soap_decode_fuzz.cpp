// Fuzz target: the SOAP decoder of every node operation. Each input is decoded as the body of each
// of the six operations (the SOAPAction chooses the Body element expected), and the answer to a
// refused request is encoded, as the endpoint does. Beyond not crashing, the decoder must refuse
// with a fault code of the schema checks, a decoded request must name its operation, and reading
// from the scanner's plain values must give what gSOAP's reading gives (Reading::kGsoap), request
// for request and refusal for refusal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <tuple>
#include <variant>

#include "core/node_messages.h"
#include "soap/codec.h"

using ponte::core::Operation;

namespace {

// The KO answer of `op` carrying `fault`, as the node endpoint builds it.
ponte::core::NodeAnswer faultAnswer(Operation op, const ponte::core::Fault& fault) {
  namespace core = ponte::core;
  switch (op) {
    case Operation::kVerify:
      return core::Answer<core::VerifyResult>(fault);
    case Operation::kGetPayment:
    case Operation::kGetPaymentV2:
      return core::Answer<core::PaymentData>(fault);
    case Operation::kSendRt:
    case Operation::kSendRtV2:
      return core::Answer<core::SendRtResult>(fault);
    case Operation::kDemand:
      break;
  }
  return core::Answer<core::DemandResult>(fault);
}

// Whether two decoded requests hold the same values. Only verify and getPayment are read from
// plain values; any other request is read by gSOAP in both codecs.
bool sameRequest(const ponte::core::NodeRequest& a, const ponte::core::NodeRequest& b) {
  namespace core = ponte::core;
  auto head = [](const core::Caller& c, const core::QrCode& qr) {
    return std::tie(c.id_pa, c.id_broker_pa, c.id_station, qr.fiscal_code, qr.notice_number);
  };
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<core::VerifyRequest>(&a)) {
    const auto& y = std::get<core::VerifyRequest>(b);
    return head(x->caller, x->qr) == head(y.caller, y.qr);
  }
  if (const auto* x = std::get_if<core::GetPaymentRequest>(&a)) {
    const auto& y = std::get<core::GetPaymentRequest>(b);
    return head(x->caller, x->qr) == head(y.caller, y.qr) && x->amount == y.amount &&
           x->payment_note == y.payment_note && x->transfer_type == y.transfer_type &&
           x->due_date == y.due_date && x->v2 == y.v2;
  }
  return true;
}

// Aborts unless the two readings of one request agree.
void compareReadings(const std::variant<ponte::soap::Decoded, ponte::soap::DecodeFailure>& plain,
                     const std::variant<ponte::soap::Decoded, ponte::soap::DecodeFailure>& gsoap) {
  if (plain.index() != gsoap.index()) std::abort();
  if (const auto* x = std::get_if<ponte::soap::Decoded>(&plain)) {
    if (!sameRequest(x->request, std::get<ponte::soap::Decoded>(gsoap).request)) std::abort();
    return;
  }
  const auto& x = std::get<ponte::soap::DecodeFailure>(plain);
  const auto& y = std::get<ponte::soap::DecodeFailure>(gsoap);
  if (x.op != y.op || x.fault.code != y.fault.code || x.fault.description != y.fault.description ||
      x.log_detail != y.log_detail) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ponte::soap::Codec codec;
  static ponte::soap::Codec gsoap_codec(ponte::soap::Limits{}, ponte::soap::Reading::kGsoap);
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (Operation op : {Operation::kVerify, Operation::kGetPayment, Operation::kGetPaymentV2,
                       Operation::kSendRt, Operation::kSendRtV2, Operation::kDemand}) {
    auto result = codec.decode(ponte::core::operationName(op), body);
    compareReadings(result, gsoap_codec.decode(ponte::core::operationName(op), body));
    if (const auto* decoded = std::get_if<ponte::soap::Decoded>(&result)) {
      if (decoded->op != op) std::abort();
      continue;
    }
    const auto& failure = std::get<ponte::soap::DecodeFailure>(result);
    if (!failure.op || *failure.op != op) std::abort();
    if (failure.fault.description.size() > 1024) std::abort();
    // The KO answer the endpoint would send must be encodable.
    const std::string answer = codec.encode(op, faultAnswer(op, failure.fault), "00000000000");
    if (answer.find("<outcome>KO</outcome>") == std::string::npos) std::abort();
  }
  return 0;
}
