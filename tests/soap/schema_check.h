// Schema validation of SOAP messages with libxml2, in process: our XSD (wsdl/) and the official
// pagoPA schemas found under PONTE_SHARED_DIR.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ponte::soap::test {

struct Verdict {
  bool valid = false;
  std::string errors;  // libxml2's messages when not valid
};

// Our schema: <source>/wsdl/paForNode.xsd.
std::string ourSchema();
std::string ourWsdl();

// A file of the official pagoPA tree (relative to <shared>/spec/pagopa-api). When it is missing
// the check is skipped with a WARN, unless the environment has CI=true: then the test FAILs.
std::optional<std::string> officialFile(std::string_view relative);

// Validates the first element child of the SOAP Body against `xsd` (also failing when that
// child is not a global element of the paForNode namespace).
Verdict validateBodyChild(std::string_view envelope, const std::string& xsd);

// Validates a whole document against `xsd`, resolving imports through the official catalog.
Verdict validateDocument(std::string_view xml, const std::string& xsd);

// REQUIREs that a response validates: its Body child against our XSD and the official
// paForNode.xsd, the whole envelope against the official SOAP 1.1 driver schema.
void requireValidResponse(std::string_view envelope);

// CHECKs that the official paForNode.xsd refuses the Body child of `envelope` (when present).
void checkOfficialRejects(std::string_view envelope);

}  // namespace ponte::soap::test
