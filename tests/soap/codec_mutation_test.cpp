// Damaged requests: byte flips, cuts and splices of valid messages (a fixed seed, so every run
// tries the same inputs). Whatever arrives, decode answers with a request or a PAA_SINTASSI_*
// fault whose description is valid UTF-8 and makes a valid KO response.
#include <catch2/catch.hpp>
#include <random>

#include "samples.h"
#include "schema_check.h"
#include "soap/codec.h"
#include "soap/lexical.h"

namespace ponte::soap {
namespace {

using core::Operation;

TEST_CASE("damaged requests are decoded or refused cleanly", "[unit]") {
  Codec codec;
  std::mt19937 rng(20260310);
  const Operation ops[] = {Operation::kVerify, Operation::kGetPayment, Operation::kGetPaymentV2,
                           Operation::kSendRt, Operation::kSendRtV2,   Operation::kDemand};
  int refused = 0;
  for (int i = 0; i < 6000; ++i) {
    const Operation op = ops[i % 6];
    const std::string body = test::mutate(test::validRequest(op), rng);
    auto result = codec.decode(core::operationName(op), body);
    const auto* failure = std::get_if<DecodeFailure>(&result);
    if (!failure) continue;
    ++refused;
    INFO("input: " << body);
    REQUIRE(failure->op == op);
    CHECK((failure->fault.code == core::FaultCode::kSintassiXsd ||
           failure->fault.code == core::FaultCode::kSintassiExtraXsd));
    CHECK_FALSE(failure->fault.description.empty());
    CHECK_FALSE(findTextProblem(failure->fault.description));
    if (i % 100 == 0) {
      core::NodeAnswer answer;
      answer.emplace<core::Answer<core::VerifyResult>>(failure->fault);
      test::requireValidResponse(codec.encode(Operation::kVerify, answer, "80015010723"));
    }
  }
  // Most damage is noticed; the rest (a changed letter in a description) is still valid.
  CHECK(refused > 4000);
}

}  // namespace
}  // namespace ponte::soap
