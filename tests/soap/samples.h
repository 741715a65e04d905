// Realistic paForNode requests for the codec tests, in the namespace styles real senders use.
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <string_view>

#include "core/node_messages.h"

namespace ponte::soap::test {

// How the request element and its children get their namespaces.
enum class Style {
  kPafnPrefix,        // xmlns:pafn on the Envelope, <pafn:paXxx>
  kOtherPrefix,       // xmlns:ns6 on the request element itself, <ns6:paXxx>
  kDefaultNamespace,  // <paXxx xmlns="..."> and xmlns="" on each child
};

inline constexpr std::string_view kPaForNodeNs = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd";
inline constexpr std::string_view kSoapNs = "http://schemas.xmlsoap.org/soap/envelope/";

// The request element's name for an operation ("paVerifyPaymentNoticeReq", ...).
std::string_view requestName(core::Operation op);

// Valid children of each request element. Ids: broker 15376371009, station 15376371009_01,
// EC 80015010723, notice 301000000000012373.
std::string verifyChildren();
std::string getPaymentChildren();
std::string sendRtChildren(bool v2);
std::string demandChildren();
std::string validChildren(core::Operation op);

// The service data document of demandChildren(), before base64.
std::string demandServiceXml();

// A SOAP 1.1 envelope whose Body holds op's request element with `children`.
std::string request(core::Operation op, std::string_view children,
                    Style style = Style::kPafnPrefix);
// The same with a valid body.
std::string validRequest(core::Operation op, Style style = Style::kPafnPrefix);

// `text` with the first occurrence of `from` replaced by `to`; the test fails if absent.
std::string replaceOnce(std::string text, std::string_view from, std::string_view to);

// The whole file, as bytes.
std::string readFile(const std::filesystem::path& path);

// `text` after 1 to 4 random edits: a byte changed, bytes cut, the rest cut off, a fragment that
// breaks XML or the schema in a typical way inserted, or a piece of the text repeated.
std::string mutate(std::string text, std::mt19937& rng);

}  // namespace ponte::soap::test
