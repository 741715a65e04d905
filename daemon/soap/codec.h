// The paForNode wire codec: SOAP 1.1 requests from the pagoPA node into core::NodeRequest values,
// core::NodeAnswer values into SOAP responses. The only door between gSOAP and the rest of ponte.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/fault.h"
#include "core/node_messages.h"

namespace ponte::soap {

// Bounds on what one request may cost. Anything beyond them is refused with
// PAA_SINTASSI_EXTRAXSD before or while gSOAP reads it.
struct Limits {
  std::size_t max_body_bytes = 1 << 20;     // the whole HTTP body
  int max_depth = 32;                       // element nesting, the Envelope being level 1
  std::size_t max_string_length = 4096;     // bytes of one text value, Header text or attribute
  int max_occurs = 100;                     // consecutive siblings with the same name
  std::size_t max_binary_length = 1 << 18;  // bytes of one base64 value: MBDAttachment (a signed
                                            // stamp document) and datiSpecificiServizioRequest
};

// A request that decoded and passed every check of the schema and of the limits.
struct Decoded {
  core::Operation op;
  core::NodeRequest request;  // VerifyRequest, GetPaymentRequest, SendRtRequest or DemandRequest
};

// A request refused. `op` is the operation named by the SOAPAction when it names one (answer
// then with that operation's KO response carrying `fault`), nullopt when no operation can be
// known (answer with encodeSoapFault). fault.description is short and safe to send; log_detail
// adds what only the log should see (byte offsets, gSOAP error numbers).
struct DecodeFailure {
  std::optional<core::Operation> op;
  core::Fault fault;
  std::string log_detail;
};

// How decode() reads a request once the scanner has accepted its structure.
enum class Reading {
  // paVerifyPaymentNotice, paGetPayment and paGetPaymentV2 written plainly (no Header content,
  // attributes, comments or CDATA; every value printable ASCII without entities, see
  // soap/envelope_scanner.h) are read from the values the scanner collected, without gSOAP's
  // second pass over the bytes. A value that breaks its type sends the request through gSOAP, so
  // that a refusal is gSOAP's and the RequestReader's, word for word. Everything else: gSOAP.
  kPlainValues,
  // Every request through gSOAP: the reference the first is tested against.
  kGsoap,
};

class Codec {
 public:
  // Allocates one gSOAP context configured with `limits` (std::bad_alloc when it cannot). Not
  // thread-safe: use one Codec per event-loop thread; it is cheap to reuse for any number of
  // messages.
  explicit Codec(Limits limits = {}, Reading reading = Reading::kPlainValues);
  ~Codec();
  Codec(const Codec&) = delete;
  Codec& operator=(const Codec&) = delete;

  // Decodes one request. soap_action is the SOAPAction header, quoted or not; it selects the
  // operation and so the Body element expected. Any namespace prefix is accepted, and the
  // default-namespace style with xmlns="" on the children; names are matched on namespace URI
  // and local name. Failures, by fault code:
  //   PAA_SINTASSI_XSD: not well-formed, not a SOAP 1.1 envelope, Body element of another
  //     operation or in another namespace, unknown or misplaced or missing elements, values
  //     that break a facet (amount form and range, patterns, lengths, dates, enumerations,
  //     base64), wrong cardinalities. The description names the element.
  //   PAA_SINTASSI_EXTRAXSD: a DOCTYPE ("DTD not allowed"), body over max_body_bytes, nesting
  //     over max_depth, a value or attribute over max_string_length / max_binary_length, more
  //     than max_occurs repeated siblings, invalid UTF-8 or a character XML forbids, an encoding
  //     other than UTF-8.
  // An unknown or missing SOAPAction gives op = nullopt. Never throws for any input.
  std::variant<Decoded, DecodeFailure> decode(std::string_view soap_action, std::string_view body);

  // The whole SOAP 1.1 envelope answering `op`: the operation's response element in the
  // paForNode namespace with unqualified children. On a result: outcome OK and the data
  // (amounts as "12.34"; verify and demand with exactly one paymentOptionDescription,
  // options=EQ; paGetPaymentV2 always with the transfers' companyName). On a Fault: outcome KO
  // and a faultBean (faultCode, the standard faultString, id = fault_id, description when not
  // empty, serial when set). fault_id is the EC's fiscal code, or the broker id when the EC is
  // unknown.
  // Text longer than its schema type allows is cut at a character boundary; optional values
  // that break their type (an e-mail, a country) are left out. An answer that cannot be sent
  // valid (a variant that does not belong to `op`, a required value missing or malformed, a
  // version-1 transfer without IBAN, no transfers or more than five) is encoded as KO
  // PAA_SYSTEM_ERROR instead, and lastEncodeIssue() says why.
  std::string encode(core::Operation op, const core::NodeAnswer& answer, std::string_view fault_id);

  // Why the last encode() replaced its answer with PAA_SYSTEM_ERROR; empty when it did not.
  // For the log. Valid until the next encode().
  std::string_view lastEncodeIssue() const;

  // A SOAP 1.1 Fault envelope, for a request whose operation cannot be known at all. code is a
  // SOAP 1.1 fault code ("Client", "Server", ...), with or without a prefix ("soap:Client"):
  // any prefix is replaced by the envelope's own. message becomes the faultstring.
  static std::string encodeSoapFault(std::string_view code, std::string_view message);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ponte::soap
