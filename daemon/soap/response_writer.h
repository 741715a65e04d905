// SOAP 1.1 responses of the six paForNode operations, written directly as text (the hot path:
// no gSOAP object graph is built for an answer). tests/soap validates every shape against both
// our XSD and the official one.
#pragma once

#include <string>
#include <string_view>

#include "core/node_messages.h"

namespace ponte::soap {

// Writes into `out` (replacing its content) the envelope answering `op` with `answer`; the
// faultBean id of a KO is fault_id. Returns empty when the answer was written as given, or why
// it could not be written valid, in which case `out` holds a KO PAA_SYSTEM_ERROR instead.
// Over-long free text is cut; optional values that break their type are left out.
std::string writeResponse(core::Operation op, const core::NodeAnswer& answer,
                          std::string_view fault_id, std::string& out);

// A SOAP 1.1 Fault envelope: faultcode `code` (any prefix replaced by the envelope's; "Server"
// when it is not a name), faultstring `message`.
std::string writeSoapFault(std::string_view code, std::string_view message);

}  // namespace ponte::soap
