// The element structure of the six paForNode request messages (wsdl/paForNode.xsd) as constant
// tables: names, order, cardinalities, xs:choice groups and which elements hold text, base64 or
// child elements. The envelope scanner walks a request against them; gSOAP does not check order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/node_messages.h"

namespace ponte::soap::model {

enum class Content : std::uint8_t {
  kText,      // a simple value, bounded by Limits::max_string_length
  kBinary,    // base64 text, bounded by Limits::max_binary_length
  kElements,  // child elements only (white space between them)
};

struct Sequence;

// One element of an xs:sequence. Alternatives of one xs:choice are adjacent and share a non-zero
// `choice` id; each alternative has min_occurs 1 and the group is satisfied by exactly one.
struct Element {
  std::string_view name;
  std::uint8_t min_occurs = 1;
  std::uint8_t max_occurs = 1;
  std::uint8_t choice = 0;
  Content content = Content::kText;
  const Sequence* children = nullptr;  // set for kElements
};

struct Sequence {
  const Element* items;
  std::size_t size;
};

// The namespace of the twelve wrapper elements.
inline constexpr std::string_view kPaForNodeNs = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd";

// The request wrapper element of an operation ("paVerifyPaymentNoticeReq", ...).
std::string_view requestElement(core::Operation op);
// The response wrapper element of an operation ("paVerifyPaymentNoticeRes", ...).
std::string_view responseElement(core::Operation op);
// The operation whose request wrapper element is `local_name`, if any.
const core::Operation* operationOfRequestElement(std::string_view local_name);
// The children of an operation's request wrapper element.
const Sequence& requestContent(core::Operation op);

}  // namespace ponte::soap::model
