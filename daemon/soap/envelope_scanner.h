// A single pass over a request's bytes before gSOAP reads them: the hostile-input limits, the
// SOAP 1.1 envelope, the Body element expected for the operation, and the order, cardinality
// and namespace of every element against the request's content model (gSOAP accepts children
// in any order). It allocates only its element stack.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/fault.h"
#include "core/node_messages.h"
#include "soap/codec.h"

namespace ponte::soap {

// Why a request was refused: PAA_SINTASSI_XSD or PAA_SINTASSI_EXTRAXSD, a description for the
// node, and the detail (byte offset) for the log.
struct ScanFailure {
  core::FaultCode code = core::FaultCode::kSintassiXsd;
  std::string description;
  std::string log_detail;
};

// The payload's leaf values as written, in document order, for a message written so plainly that
// each value is its bytes: no Header content, no attribute but namespace declarations, no
// comment, processing instruction (the XML declaration aside), CDATA section or byte order mark,
// and every leaf one run of printable ASCII without '&' and without a blank at either end.
// `plain` is false when the message is anything more, or has more than kCapacity leaves.
struct PlainValues {
  static constexpr std::size_t kCapacity = 16;
  struct Value {
    std::string_view name;  // the element's local name
    std::string_view text;
  };
  std::array<Value, kCapacity> values{};
  std::size_t count = 0;
  bool plain = true;
};

// Checks `body` (the whole HTTP body) as a request of `op`. nullopt when gSOAP may read it.
// Does not check values beyond their length; the codec checks those after gSOAP has read them.
// With `plain`, also collects the leaf values when the message is plain (see PlainValues).
std::optional<ScanFailure> scanEnvelope(std::string_view body, core::Operation op,
                                        const Limits& limits, PlainValues* plain = nullptr);

}  // namespace ponte::soap
