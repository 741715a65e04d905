// Fuzz target: the SOAP decoder of every node operation. Each input is decoded as the body of each
// of the six operations (the SOAPAction chooses the Body element expected), and the answer to a
// refused request is encoded, as the endpoint does. Beyond not crashing, the decoder must refuse
// with a fault code of the schema checks, and a decoded request must name its operation.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ponte::soap::Codec codec;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (Operation op : {Operation::kVerify, Operation::kGetPayment, Operation::kGetPaymentV2,
                       Operation::kSendRt, Operation::kSendRtV2, Operation::kDemand}) {
    auto result = codec.decode(ponte::core::operationName(op), body);
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
