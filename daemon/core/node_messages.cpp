// Operation names of the paForNode interface (also their SOAPAction values).
#include "core/node_messages.h"

#include <array>
#include <utility>

namespace ponte::core {
namespace {

constexpr std::array<std::pair<Operation, std::string_view>, 6> kOperations{{
    {Operation::kVerify, "paVerifyPaymentNotice"},
    {Operation::kGetPayment, "paGetPayment"},
    {Operation::kGetPaymentV2, "paGetPaymentV2"},
    {Operation::kSendRt, "paSendRT"},
    {Operation::kSendRtV2, "paSendRTV2"},
    {Operation::kDemand, "paDemandPaymentNotice"},
}};

}  // namespace

std::string_view operationName(Operation op) {
  for (const auto& [value, name] : kOperations) {
    if (value == op) return name;
  }
  return {};
}

std::optional<Operation> operationFromName(std::string_view name) {
  // Exact and case-sensitive, like the SOAPAction values the node sends.
  for (const auto& [value, known] : kOperations) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace ponte::core
