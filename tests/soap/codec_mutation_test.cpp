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

std::string mutate(std::string text, std::mt19937& rng) {
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n)(rng); };
  using namespace std::string_view_literals;
  // Fragments that break XML or the schema in typical ways, NUL included.
  static constexpr std::string_view kPieces[] = {
      "<"sv,         ">"sv,
      "</"sv,        "/>"sv,
      "&"sv,         "&amp;"sv,
      "\""sv,        "xmlns=\"\""sv,
      "<!--"sv,      "]]>"sv,
      "\0"sv,        "\xFF"sv,
      "\xC3"sv,      "="sv,
      ":"sv,         "<x:y>"sv,
      "1e5"sv,       "<idPA>"sv,
      "</qrCode>"sv, "<!DOCTYPE"sv,
      "<![CDATA["sv, "<?xml version=\"1.0\"?>"sv,
  };
  const int edits = 1 + static_cast<int>(pick(3));
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const std::size_t at = pick(text.size() - 1);
    switch (pick(4)) {
      case 0:
        text[at] = static_cast<char>(pick(255));
        break;
      case 1:
        text.erase(at, pick(16));
        break;
      case 2:
        text.resize(at);
        break;
      case 3: {
        const auto& piece = kPieces[pick(std::size(kPieces) - 1)];
        text.insert(at, piece.data(), piece.size());
        break;
      }
      default:
        text.insert(at, text.substr(pick(text.size() - 1), pick(40)));
        break;
    }
  }
  return text;
}

TEST_CASE("damaged requests are decoded or refused cleanly", "[unit]") {
  Codec codec;
  std::mt19937 rng(20260310);
  const Operation ops[] = {Operation::kVerify, Operation::kGetPayment, Operation::kGetPaymentV2,
                           Operation::kSendRt, Operation::kSendRtV2,   Operation::kDemand};
  int refused = 0;
  for (int i = 0; i < 6000; ++i) {
    const Operation op = ops[i % 6];
    const std::string body = mutate(test::validRequest(op), rng);
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
