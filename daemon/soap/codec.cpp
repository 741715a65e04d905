// The codec: SOAPAction -> scanner -> gSOAP (strict, in memory) -> RequestReader for requests;
// ResponseWriter for answers. The only translation unit that owns a gSOAP context.
#include "soap/codec.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <new>
#include <type_traits>

#include "paForNodeBinding.nsmap"  // the global gSOAP namespace table, defined exactly once
#include "soap/content_model.h"
#include "soap/envelope_scanner.h"
#include "soap/request_reader.h"
#include "soap/response_writer.h"
#include "soapH.h"

namespace ponte::soap {
namespace {

// The body gSOAP reads through its frecv callback.
struct Input {
  std::string_view data;
};

size_t receive(struct soap* soap, char* buffer, size_t length) {
  auto* input = static_cast<Input*>(soap->user);
  const size_t n = std::min(length, input->data.size());
  std::copy_n(input->data.data(), n, buffer);
  input->data.remove_prefix(n);
  return n;
}

// Releases what gSOAP allocated for one message, whatever path decode() leaves by: the message's
// objects and data. Not soap_end(): its soap_free_temp() also clears gSOAP's fixed tables (1 999
// reference buckets, 4 096 pointer buckets) whatever the message held. The temporary lists stay
// until beginReceive() frees them before the next message.
class MessageScope {
 public:
  explicit MessageScope(struct soap* soap) : soap_(soap) {}
  ~MessageScope() {
    soap_destroy(soap_);
    soap_dealloc(soap_, nullptr);
  }
  MessageScope(const MessageScope&) = delete;
  MessageScope& operator=(const MessageScope&) = delete;

 private:
  struct soap* soap_;
};

// The SOAPAction without surrounding blanks and quotes.
std::string_view actionName(std::string_view action) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  action = trim(action);
  if (action.size() >= 2 && action.front() == '"' && action.back() == '"') {
    action = trim(action.substr(1, action.size() - 2));
  }
  return action;
}

// A header value fit to quote in a description: printable ASCII, at most 64 characters.
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 64) out += "...";
  return out;
}

DecodeFailure failure(std::optional<core::Operation> op, core::FaultCode code,
                      std::string description, std::string detail) {
  return DecodeFailure{op, core::Fault{code, std::move(description), std::nullopt},
                       std::move(detail)};
}

// What a gSOAP error means for the node, given that the scanner has already accepted the
// structure: what remains is mostly a value gSOAP could not convert.
DecodeFailure gsoapFailure(core::Operation op, struct soap* soap) {
  std::string_view tag = soap->tag;
  if (const auto colon = tag.find(':'); colon != std::string_view::npos) {
    tag = tag.substr(colon + 1);
  }
  const std::string root(model::requestElement(op));
  const std::string element = root + ": element '" + printable(tag) + "'";
  std::string detail =
      "gSOAP error " + std::to_string(soap->error) + " at '" + printable(tag) + "'";
  switch (soap->error) {
    case SOAP_UTF_ERROR:
      return failure(op, core::FaultCode::kSintassiExtraXsd, "invalid UTF-8", std::move(detail));
    case SOAP_LEVEL:
      return failure(op, core::FaultCode::kSintassiExtraXsd, "XML nested too deep",
                     std::move(detail));
    case SOAP_LENGTH:
      return failure(op, core::FaultCode::kSintassiXsd, element + ": length out of range",
                     std::move(detail));
    case SOAP_TYPE:
    case SOAP_EMPTY:
    case SOAP_PATTERN:
    case SOAP_SYNTAX_ERROR:
      return failure(op, core::FaultCode::kSintassiXsd, element + ": invalid value",
                     std::move(detail));
    case SOAP_TAG_MISMATCH:
    case SOAP_NO_TAG:
    case SOAP_OCCURS:
      return failure(op, core::FaultCode::kSintassiXsd, element + ": not expected or missing",
                     std::move(detail));
    case SOAP_MUSTUNDERSTAND:
      return failure(op, core::FaultCode::kSintassiXsd,
                     "SOAP header '" + printable(tag) + "' must be understood and is not supported",
                     std::move(detail));
    default:
      return failure(op, core::FaultCode::kSintassiXsd, "malformed SOAP message",
                     std::move(detail));
  }
}

// soap_end_recv() where it would do nothing useful. For a plain in-memory message read as an XML
// tree (SOAP_XML_TREE: no id/href references, see the Codec constructor), the gSOAP 2.8.124
// runtime's soap_end_recv() only resolves references (two walks of its 1 999 buckets that find
// none: a quarter of a verify's decoding time, measured) and frees the namespace stack, which the
// next soap_begin_recv() frees too. A message with anything more (attachments, compression,
// chunks) goes through soap_end_recv().
int endReceive(struct soap* soap) {
  constexpr soap_mode kNeedsEnd = SOAP_ENC_DIME | SOAP_ENC_MIME | SOAP_ENC_ZLIB;
  const bool plain_tree = (soap->mode & kNeedsEnd) == 0 &&
                          (soap->mode & SOAP_IO) != SOAP_IO_CHUNK &&
                          (soap->imode & SOAP_XML_TREE) != 0 && soap->version == 1 &&
                          soap->fpreparefinalrecv == nullptr;
  if (!plain_tree) return soap_end_recv(soap);
  soap->part = SOAP_END;
  return SOAP_OK;
}

// soap_begin_recv() without its two walks of the 1 999 id/href buckets and its clearing of the
// 4 096 pointer buckets, which are a fifth of a verify's decoding time (measured) and always find
// them empty here: in SOAP_XML_TREE mode, without SOAP_XML_GRAPH, DIME or MTOM, gSOAP 2.8.124 never
// takes an id or href from the attributes, and only those enter the id/href table; the pointer
// table is filled only when serializing, and its blocks (pblk) are then not null. Everything else
// is what the gSOAP 2.8.124 runtime's soap_begin_recv() does for a plain in-memory message, in its
// order. Any other message, state or gSOAP version goes through soap_begin_recv() itself.
int beginReceive(struct soap* soap, Input& input) {
#if GSOAP_VERSION == 208124
  constexpr soap_mode kNeedsBegin = SOAP_XML_GRAPH | SOAP_ENC_DIME | SOAP_ENC_MIME | SOAP_ENC_MTOM |
                                    SOAP_ENC_ZLIB | SOAP_IO_KEEPALIVE;
  std::string_view& data = input.data;
  // gSOAP skips what it reads as blank before the first character; from '<' on, no BOM, MIME,
  // DIME or HTTP header can follow.
  const auto first = std::find_if(data.begin(), data.end(),
                                  [](char c) { return static_cast<unsigned char>(c) > 32; });
  const bool plain_tree =
      (soap->imode & (SOAP_ENC_PLAIN | SOAP_XML_TREE)) == (SOAP_ENC_PLAIN | SOAP_XML_TREE) &&
      (soap->imode & kNeedsBegin) == 0 && (soap->imode & SOAP_IO) != SOAP_IO_CHUNK &&
      soap->pblk == nullptr && soap->fprepareinitrecv == nullptr && first != data.end() &&
      *first == '<';
  if (!plain_tree) return soap_begin_recv(soap);
  data.remove_prefix(static_cast<std::size_t>(first - data.begin()));

  soap->error = SOAP_OK;
  soap->recverror = SOAP_OK;
  // soap_free_temp(), but for the tables.
  for (struct soap_nlist* np = soap->nlist; np != nullptr;) {
    struct soap_nlist* next = np->next;
    std::free(np);
    np = next;
  }
  soap->nlist = nullptr;
  while (soap->blist != nullptr) soap_end_block(soap, nullptr);
  for (struct soap_attribute* tp = soap->attributes; tp != nullptr;) {
    struct soap_attribute* next = tp->next;
    std::free(tp->value);
    std::free(tp);
    tp = next;
  }
  soap->attributes = nullptr;
  std::free(soap->labbuf);
  soap->labbuf = nullptr;
  soap->lablen = 0;
  soap->labidx = 0;
  if (struct Namespace* ns = soap->local_namespaces) {
    for (; ns->id != nullptr; ++ns) {
      std::free(ns->out);
      ns->out = nullptr;
    }
    std::free(soap->local_namespaces);
    soap->local_namespaces = nullptr;
  }
  while (soap->xlist != nullptr) {
    struct soap_xlist* next = soap->xlist->next;
    std::free(soap->xlist);
    soap->xlist = next;
  }
  soap->pidx = 0;
  // The rest of soap_begin_recv() up to its first character.
  soap_set_local_namespaces(soap);
  soap->version = 0;
  soap->mode = soap->imode;
  soap->keep_alive = 0;
  soap->buflen = soap->bufidx = 0;
  soap->null = 0;
  soap->position = 0;
  soap->mustUnderstand = 0;
  soap->shaky = 0;
  soap->ahead = 0;
  soap->peeked = 0;
  soap->level = 0;
  soap->part = SOAP_BEGIN_RECV;
  soap->count = 0;
  soap->length = 0;
  soap->cdata = 0;
  soap->header = nullptr;
  soap->fault = nullptr;
  soap->status = 0;
  soap->body = 1;
  soap->dom = nullptr;
  soap->dime.count = 0;
  soap->dime.chunksize = 0;
  soap->dime.buflen = 0;
  soap->dime.list = nullptr;
  soap->dime.first = nullptr;
  soap->dime.last = nullptr;
  soap->mime.list = nullptr;
  soap->mime.first = nullptr;
  soap->mime.last = nullptr;
  soap->mime.boundary = nullptr;
  soap->mime.start = nullptr;
  soap->start = static_cast<ULONG64>(std::time(nullptr));
  return SOAP_OK;
#else
  (void)input;
  return soap_begin_recv(soap);
#endif
}

// The operations whose plain requests are read from the scanner's values.
bool readsPlain(core::Operation op) {
  return op == core::Operation::kVerify || op == core::Operation::kGetPayment ||
         op == core::Operation::kGetPaymentV2;
}

// The caller and the qrCode of a plain request: its first five values, in the order the scanner
// has checked (idPA, idBrokerPA, idStation, qrCode/fiscalCode, qrCode/noticeNumber).
template <class Request>
bool plainHead(const PlainValues& plain, Request& in, pafn__ctQrCode& qr) {
  if (plain.count < 5) return false;
  const auto& v = plain.values;
  in.idPA = v[0].text;
  in.idBrokerPA = v[1].text;
  in.idStation = v[2].text;
  qr.fiscalCode = v[3].text;
  qr.noticeNumber = v[4].text;
  in.qrCode = &qr;
  return true;
}

}  // namespace

struct Codec::Impl {
  Limits limits;
  Reading reading = Reading::kPlainValues;
  struct soap* soap = nullptr;
  Input input;
  std::string issue;

  // The request as core values, or why a value breaks its type.
  template <class T>
  std::variant<Decoded, DecodeFailure> convert(core::Operation op, const T& element) {
    RequestReader reader(model::requestElement(op), limits);
    auto request = reader.read(element);
    if (!reader.problem().empty()) {
      return failure(op, core::FaultCode::kSintassiXsd, reader.problem(), "value check");
    }
    return Decoded{op, core::NodeRequest(std::move(request))};
  }

  // Reads the operation's element of type T with gSOAP, then converts it; the variant holds the
  // request or why it was refused.
  template <class T, class Read>
  std::variant<Decoded, DecodeFailure> read(core::Operation op, Read get) {
    T element;
    if (!get(soap, &element)) return gsoapFailure(op, soap);
    if (soap_body_end_in(soap) || soap_envelope_end_in(soap) || endReceive(soap)) {
      return gsoapFailure(op, soap);
    }
    return convert(op, element);
  }

  // A plain request from the scanner's values into the gSOAP type gSOAP would have filled, then
  // converted as after gSOAP's reading. nullopt when gSOAP must read it: an enumeration value gSOAP
  // would refuse, or any value that breaks its type.
  template <class T>
  std::optional<Decoded> readPlain(core::Operation op, const PlainValues& plain) {
    T in;
    pafn__ctQrCode qr;
    std::string amount, note, due;
    pafn__stTransferType type{};
    if (!plainHead(plain, in, qr)) return std::nullopt;
    if constexpr (std::is_same_v<T, pafn__paVerifyPaymentNoticeReq>) {
      if (plain.count != 5) return std::nullopt;
    } else {
      for (std::size_t i = 5; i < plain.count; ++i) {
        const auto [name, text] = plain.values[i];
        if (name == "amount") {
          amount = text;
          in.amount = &amount;
        } else if (name == "paymentNote") {
          note = text;
          in.paymentNote = &note;
        } else if (name == "dueDate") {
          due = text;
          in.dueDate = &due;
        } else if (name == "transferType" && (text == "PAGOPA" || text == "POSTAL")) {
          type = text == "POSTAL" ? pafn__stTransferType::POSTAL : pafn__stTransferType::PAGOPA;
          in.transferType = &type;
        } else {
          return std::nullopt;
        }
      }
    }
    return decoded(convert(op, in));
  }

  static std::optional<Decoded> decoded(std::variant<Decoded, DecodeFailure>&& result) {
    if (auto* request = std::get_if<Decoded>(&result)) return std::move(*request);
    return std::nullopt;
  }
};

Codec::Codec(Limits limits, Reading reading) : impl_(std::make_unique<Impl>()) {
  impl_->limits = limits;
  impl_->reading = reading;
  // SOAP_XML_TREE: paForNode is document/literal, where id and href attributes mean nothing;
  // gSOAP reads the message as the tree it is and never links elements by reference.
  struct soap* soap =
      soap_new1(SOAP_ENC_PLAIN | SOAP_XML_STRICT | SOAP_XML_TREE | SOAP_C_UTFSTRING);
  if (!soap) throw std::bad_alloc();
  // gSOAP's defaults allow 10000 levels, unbounded strings, 100000 repetitions and 2 GiB
  // messages. The scanner enforces the limits first; these stop gSOAP itself should it ever
  // see more. One level more than the scanner, so that equal depths never disagree.
  soap->maxlevel = static_cast<unsigned int>(std::max(limits.max_depth, 1) + 1);
  soap->maxlength = static_cast<long>(std::max(limits.max_string_length, limits.max_binary_length));
  soap->maxoccurs = static_cast<size_t>(std::max(limits.max_occurs, 1));
  soap->recv_maxlength = limits.max_body_bytes;
  soap->frecv = receive;
  soap->user = &impl_->input;
  soap_set_namespaces(soap, namespaces);
  impl_->soap = soap;
}

Codec::~Codec() {
  soap_destroy(impl_->soap);
  soap_end(impl_->soap);
  soap_free(impl_->soap);
}

std::variant<Decoded, DecodeFailure> Codec::decode(std::string_view soap_action,
                                                   std::string_view body) {
  const std::string_view action = actionName(soap_action);
  const auto op = core::operationFromName(action);
  if (!op) {
    return failure(
        std::nullopt, core::FaultCode::kSintassiXsd,
        action.empty() ? "missing SOAPAction" : "unknown SOAPAction '" + printable(action) + "'",
        "SOAPAction not a paForNode operation");
  }
  PlainValues plain;
  const bool want_plain = impl_->reading == Reading::kPlainValues && readsPlain(*op);
  if (auto refused = scanEnvelope(body, *op, impl_->limits, want_plain ? &plain : nullptr)) {
    return failure(op, refused->code, std::move(refused->description),
                   std::move(refused->log_detail));
  }
  if (want_plain && plain.plain) {
    std::optional<Decoded> request;
    switch (*op) {
      case core::Operation::kVerify:
        request = impl_->readPlain<pafn__paVerifyPaymentNoticeReq>(*op, plain);
        break;
      case core::Operation::kGetPayment:
        request = impl_->readPlain<pafn__paGetPaymentReq>(*op, plain);
        break;
      case core::Operation::kGetPaymentV2:
        request = impl_->readPlain<pafn__paGetPaymentV2Request>(*op, plain);
        break;
      default:
        break;
    }
    if (request) return std::move(*request);
  }

  struct soap* soap = impl_->soap;
  MessageScope scope(soap);
  impl_->input.data = body;
  if (beginReceive(soap, impl_->input) || soap_envelope_begin_in(soap) || soap_recv_header(soap) ||
      soap_body_begin_in(soap)) {
    return gsoapFailure(*op, soap);
  }
  Impl& impl = *impl_;
  switch (*op) {
    case core::Operation::kVerify:
      return impl.read<pafn__paVerifyPaymentNoticeReq>(*op, [](struct soap* s, auto* e) {
        return soap_get_pafn__paVerifyPaymentNoticeReq(s, e, "pafn:paVerifyPaymentNoticeReq",
                                                       nullptr);
      });
    case core::Operation::kGetPayment:
      return impl.read<pafn__paGetPaymentReq>(*op, [](struct soap* s, auto* e) {
        return soap_get_pafn__paGetPaymentReq(s, e, "pafn:paGetPaymentReq", nullptr);
      });
    case core::Operation::kGetPaymentV2:
      return impl.read<pafn__paGetPaymentV2Request>(*op, [](struct soap* s, auto* e) {
        return soap_get_pafn__paGetPaymentV2Request(s, e, "pafn:paGetPaymentV2Request", nullptr);
      });
    case core::Operation::kSendRt:
      return impl.read<pafn__paSendRTReq>(*op, [](struct soap* s, auto* e) {
        return soap_get_pafn__paSendRTReq(s, e, "pafn:paSendRTReq", nullptr);
      });
    case core::Operation::kSendRtV2:
      return impl.read<pafn__paSendRTV2Request>(*op, [](struct soap* s, auto* e) {
        return soap_get_pafn__paSendRTV2Request(s, e, "pafn:paSendRTV2Request", nullptr);
      });
    case core::Operation::kDemand:
      return impl.read<pafn__paDemandPaymentNoticeRequest>(*op, [](struct soap* s, auto* e) {
        return soap_get_pafn__paDemandPaymentNoticeRequest(
            s, e, "pafn:paDemandPaymentNoticeRequest", nullptr);
      });
  }
  return failure(op, core::FaultCode::kSystemError, "internal error", "operation not handled");
}

std::string Codec::encode(core::Operation op, const core::NodeAnswer& answer,
                          std::string_view fault_id) {
  std::string out;
  impl_->issue = writeResponse(op, answer, fault_id, out);
  return out;
}

std::string_view Codec::lastEncodeIssue() const { return impl_->issue; }

std::string Codec::encodeSoapFault(std::string_view code, std::string_view message) {
  return writeSoapFault(code, message);
}

}  // namespace ponte::soap
