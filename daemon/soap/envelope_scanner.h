// A single pass over a request's bytes before gSOAP reads them: the hostile-input limits, the
// SOAP 1.1 envelope, the Body element expected for the operation, and the order, cardinality
// and namespace of every element against the request's content model (gSOAP accepts children
// in any order). It allocates only its element stack.
#pragma once

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

// Checks `body` (the whole HTTP body) as a request of `op`. nullopt when gSOAP may read it.
// Does not check values beyond their length; the codec checks those after gSOAP has read them.
std::optional<ScanFailure> scanEnvelope(std::string_view body, core::Operation op,
                                        const Limits& limits);

}  // namespace ponte::soap
