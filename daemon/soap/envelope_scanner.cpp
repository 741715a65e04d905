// The pre-gSOAP pass over a request: a small non-validating XML tokenizer that tracks namespace
// bindings and walks the request's content model. Linear in the body size; the element stack is
// bounded by Limits::max_depth.
#include "soap/envelope_scanner.h"

#include <vector>

#include "soap/content_model.h"
#include "soap/lexical.h"

namespace ponte::soap {
namespace {

constexpr std::string_view kSoap11Ns = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view kSoap12Ns = "http://www.w3.org/2003/05/soap-envelope";
constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

// Echoed names are cut so a hostile name cannot make a fault description large.
constexpr std::size_t kMaxEcho = 64;

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool allSpace(std::string_view text) {
  for (const char c : text) {
    if (!isSpace(c)) return false;
  }
  return true;
}

// At most kMaxEcho bytes of valid UTF-8 text, cut before a character boundary.
std::string clip(std::string_view text) {
  if (text.size() <= kMaxEcho) return std::string(text);
  std::size_t end = kMaxEcho;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

bool isXmlChar(unsigned long c) {
  return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
         (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

enum class Role : std::uint8_t {
  kEnvelope,
  kHeader,
  kBody,
  kPayload,  // the operation's element and everything under it
  kOther,    // Header content: not checked, only bounded
};

struct Frame {
  std::string_view qname;  // as written, to match the end tag
  std::string_view local;
  Role role = Role::kOther;
  const model::Element* decl = nullptr;      // payload children: their declaration
  const model::Sequence* content = nullptr;  // payload elements with element content
  model::Content kind = model::Content::kElements;
  std::size_t bindings_mark = 0;
  // Position in `content`: the current item and how many times it has occurred. choice_taken:
  // one alternative of the current xs:choice group has been seen.
  std::size_t item = 0;
  int occurs = 0;
  bool choice_taken = false;
  int index = 1;  // which occurrence of its declaration this element is, from 1
  int state = 0;  // Envelope: 1 after Header, 2 after Body. Body: elements seen.
  std::size_t text_bytes = 0;
  std::string_view value;  // payload leaves: the first text run
  int text_runs = 0;
  std::string_view last_child;
  int repeat = 0;
};

struct Binding {
  std::string_view prefix;
  std::string_view uri;
};

class Scanner {
 public:
  Scanner(std::string_view in, core::Operation op, const Limits& limits, PlainValues* plain)
      : in_(in), op_(op), limits_(limits), plain_(plain) {
    stack_.reserve(static_cast<std::size_t>(limits.max_depth > 0 ? limits.max_depth : 0) + 1);
    bindings_.reserve(16);
    attrs_.reserve(8);
  }

  std::optional<ScanFailure> run() {
    if (in_.size() > limits_.max_body_bytes) {
      extra("message larger than " + std::to_string(limits_.max_body_bytes) + " bytes");
      return failure_;
    }
    if (const auto problem = findTextProblem(in_)) {
      pos_ = problem->offset;
      extra(problem->bad_utf8 ? "invalid UTF-8 byte sequence" : "character not allowed in XML 1.0");
      return failure_;
    }
    if (in_.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;
      notPlain();
    }
    prolog_end_ = pos_;
    while (pos_ < in_.size() && !failure_) {
      if (in_[pos_] == '<') {
        markup();
      } else {
        std::size_t end = in_.find('<', pos_);
        if (end == std::string_view::npos) end = in_.size();
        const std::string_view run = in_.substr(pos_, end - pos_);
        if (text(run, false)) pos_ = end;
      }
    }
    if (failure_) return failure_;
    if (!stack_.empty()) {
      malformed("the message ends inside element '" + clip(stack_.back().qname) + "'");
    } else if (!root_seen_) {
      xsd("empty message: a SOAP 1.1 Envelope is expected");
    }
    return failure_;
  }

 private:
  bool fail(core::FaultCode code, std::string description) {
    if (!failure_) {
      failure_ = ScanFailure{code, std::move(description), "offset " + std::to_string(pos_)};
    }
    return false;
  }
  bool xsd(std::string description) {
    return fail(core::FaultCode::kSintassiXsd, std::move(description));
  }
  bool extra(std::string description) {
    return fail(core::FaultCode::kSintassiExtraXsd, std::move(description));
  }
  bool malformed(std::string what) { return xsd("malformed XML: " + what); }

  void notPlain() {
    if (plain_) plain_->plain = false;
  }

  // A payload leaf closes: its value joins the plain values if it is written plainly.
  void plainValue(const Frame& f) {
    if (!plain_ || !plain_->plain) return;
    const std::string_view text = f.value;
    bool ok = f.text_runs == 1 && !text.empty() && text.front() != ' ' && text.back() != ' ' &&
              plain_->count < PlainValues::kCapacity;
    for (std::size_t i = 0; ok && i < text.size(); ++i) {
      ok = text[i] >= 0x20 && text[i] <= 0x7e && text[i] != '&';
    }
    if (!ok) {
      notPlain();
      return;
    }
    plain_->values[plain_->count++] = {f.local, text};
  }

  bool startsWith(std::string_view prefix) const {
    return in_.substr(pos_, prefix.size()) == prefix;
  }

  // pos_ is at '<'.
  bool markup() {
    if (startsWith("<?")) {
      const std::size_t end = in_.find("?>", pos_ + 2);
      if (end == std::string_view::npos) return malformed("unterminated processing instruction");
      const std::string_view pi = in_.substr(pos_ + 2, end - pos_ - 2);
      if (pi.size() >= 3 && equalsIgnoreCase(pi.substr(0, 3), "xml") &&
          (pi.size() == 3 || isSpace(pi[3]))) {
        if (pos_ != prolog_end_) return malformed("XML declaration not at the start");
        if (!declaration(pi)) return false;
      } else {
        notPlain();
      }
      pos_ = end + 2;
      return true;
    }
    if (startsWith("<!--")) {
      const std::size_t end = in_.find("-->", pos_ + 4);
      if (end == std::string_view::npos) return malformed("unterminated comment");
      notPlain();
      pos_ = end + 3;
      return true;
    }
    if (startsWith("<![CDATA[")) {
      const std::size_t end = in_.find("]]>", pos_ + 9);
      if (end == std::string_view::npos) return malformed("unterminated CDATA section");
      notPlain();
      if (!text(in_.substr(pos_ + 9, end - pos_ - 9), true)) return false;
      pos_ = end + 3;
      return true;
    }
    // Refused before gSOAP: it would skip a DTD silently, and a DTD is never legitimate here.
    if (startsWith("<!DOCTYPE")) return extra("DTD not allowed");
    if (startsWith("<!")) return malformed("markup declaration not allowed");
    if (startsWith("</")) return endTag();
    return startTag();
  }

  // The XML declaration's pseudo-attributes: only the encoding matters.
  bool declaration(std::string_view pi) {
    const std::size_t at = pi.find("encoding");
    if (at == std::string_view::npos) return true;
    std::size_t p = at + 8;
    while (p < pi.size() && isSpace(pi[p])) ++p;
    if (p >= pi.size() || pi[p] != '=') return malformed("bad XML declaration");
    ++p;
    while (p < pi.size() && isSpace(pi[p])) ++p;
    if (p >= pi.size() || (pi[p] != '"' && pi[p] != '\'')) return malformed("bad XML declaration");
    const char quote = pi[p++];
    const std::size_t end = pi.find(quote, p);
    if (end == std::string_view::npos) return malformed("bad XML declaration");
    if (!equalsIgnoreCase(pi.substr(p, end - p), "UTF-8")) {
      return extra("encoding not accepted: only UTF-8");
    }
    return true;
  }

  bool startTag() {
    const std::size_t n = in_.size();
    std::size_t p = pos_ + 1;
    const std::size_t name_start = p;
    while (p < n && !isSpace(in_[p]) && in_[p] != '>' && in_[p] != '/') {
      if (in_[p] == '<' || in_[p] == '=' || in_[p] == '"' || in_[p] == '\'' || in_[p] == '&') {
        return malformed("bad element name");
      }
      ++p;
    }
    const std::string_view qname = in_.substr(name_start, p - name_start);
    if (qname.empty()) return malformed("element without a name");
    const std::size_t mark = bindings_.size();
    attrs_.clear();
    bool self_closing = false;
    for (;;) {
      while (p < n && isSpace(in_[p])) ++p;
      if (p >= n) return malformed("unterminated start tag '" + clip(qname) + "'");
      if (in_[p] == '>') {
        ++p;
        break;
      }
      if (in_[p] == '/') {
        if (p + 1 < n && in_[p + 1] == '>') {
          self_closing = true;
          p += 2;
          break;
        }
        return malformed("bad start tag '" + clip(qname) + "'");
      }
      const std::size_t attr_start = p;
      while (p < n && !isSpace(in_[p]) && in_[p] != '=' && in_[p] != '>' && in_[p] != '/' &&
             in_[p] != '<') {
        ++p;
      }
      const std::string_view attr = in_.substr(attr_start, p - attr_start);
      if (attr.empty()) return malformed("bad attribute in '" + clip(qname) + "'");
      while (p < n && isSpace(in_[p])) ++p;
      if (p >= n || in_[p] != '=') return malformed("attribute without a value");
      ++p;
      while (p < n && isSpace(in_[p])) ++p;
      if (p >= n || (in_[p] != '"' && in_[p] != '\'')) return malformed("unquoted attribute");
      const char quote = in_[p++];
      const std::size_t value_start = p;
      while (p < n && in_[p] != quote) {
        if (in_[p] == '<') return malformed("'<' in an attribute value");
        ++p;
      }
      if (p >= n) return malformed("unterminated attribute value");
      const std::string_view value = in_.substr(value_start, p - value_start);
      ++p;
      // Attributes are free on the SOAP elements and gSOAP would keep any size: bounded here like
      // a text value, before any other check, so that the size is the reason given.
      if (value.size() > limits_.max_string_length) {
        return extra("attribute '" + clip(attr) + "' longer than " +
                     std::to_string(limits_.max_string_length) + " bytes");
      }
      if (!references(value)) return false;
      if (attr == "xmlns") {
        bindings_.push_back({"", value});
      } else if (attr.substr(0, 6) == "xmlns:") {
        if (value.empty()) return malformed("empty namespace name for a prefix");
        bindings_.push_back({attr.substr(6), value});
      } else {
        attrs_.push_back(attr);
      }
    }
    pos_ = p;
    if (!attrs_.empty()) notPlain();
    if (!open(qname, mark)) return false;
    return !self_closing || close();
  }

  bool endTag() {
    const std::size_t n = in_.size();
    std::size_t p = pos_ + 2;
    const std::size_t name_start = p;
    while (p < n && !isSpace(in_[p]) && in_[p] != '>') ++p;
    const std::string_view qname = in_.substr(name_start, p - name_start);
    while (p < n && isSpace(in_[p])) ++p;
    if (p >= n || in_[p] != '>') return malformed("unterminated end tag");
    if (stack_.empty() || stack_.back().qname != qname) {
      return malformed("end tag '" + clip(qname) + "' does not match its start tag");
    }
    pos_ = p + 1;
    return close();
  }

  // Entity and character references: only the five predefined entities and references to XML
  // characters. (gSOAP would drop an unknown entity silently.)
  bool references(std::string_view raw) {
    std::size_t at = raw.find('&');
    while (at != std::string_view::npos) {
      const std::size_t semi = raw.find(';', at);
      if (semi == std::string_view::npos || semi - at > 12) {
        return malformed("bad entity or character reference");
      }
      const std::string_view name = raw.substr(at + 1, semi - at - 1);
      bool ok = name == "lt" || name == "gt" || name == "amp" || name == "quot" || name == "apos";
      if (!ok && name.size() >= 2 && name[0] == '#') {
        const bool hex = name[1] == 'x';
        const std::string_view digits = name.substr(hex ? 2 : 1);
        unsigned long value = 0;
        ok = !digits.empty();
        for (const char c : digits) {
          int d = -1;
          if (c >= '0' && c <= '9') d = c - '0';
          if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
          if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
          if (d < 0) {
            ok = false;
            break;
          }
          value = value * (hex ? 16 : 10) + static_cast<unsigned long>(d);
        }
        ok = ok && isXmlChar(value);
      }
      if (!ok) return malformed("undefined entity or bad character reference");
      at = raw.find('&', semi);
    }
    return true;
  }

  bool text(std::string_view raw, bool cdata) {
    if (stack_.empty()) {
      if (cdata || !allSpace(raw)) return malformed("text outside the root element");
      return true;
    }
    if (!cdata && !references(raw)) return false;
    Frame& f = stack_.back();
    switch (f.role) {
      case Role::kEnvelope:
      case Role::kBody:
        if (!allSpace(raw)) return xsd("text not allowed in the SOAP " + std::string(f.local));
        return true;
      case Role::kHeader:
      case Role::kOther:
        f.text_bytes += raw.size();
        if (f.text_bytes > limits_.max_string_length) {
          return extra("text longer than " + std::to_string(limits_.max_string_length) +
                       " bytes in SOAP " + clip(f.local));
        }
        return true;
      case Role::kPayload:
        break;
    }
    if (f.kind == model::Content::kElements) {
      if (!allSpace(raw)) return xsd(path() + ": text not allowed, child elements expected");
      return true;
    }
    if (f.text_runs++ == 0) f.value = raw;
    f.text_bytes += raw.size();
    const std::size_t limit =
        f.kind == model::Content::kBinary ? limits_.max_binary_length : limits_.max_string_length;
    if (f.text_bytes > limit) {
      return extra(path() + ": value longer than " + std::to_string(limit) + " bytes");
    }
    return true;
  }

  // The namespace bound to `prefix` where the scanner stands; nullopt when unbound.
  std::optional<std::string_view> resolve(std::string_view prefix) const {
    if (prefix == "xml") return kXmlNs;
    for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
      if (it->prefix == prefix) return it->uri;
    }
    if (prefix.empty()) return std::string_view();
    return std::nullopt;
  }

  bool open(std::string_view qname, std::size_t mark) {
    if (stack_.empty() && root_seen_) return malformed("content after the root element");
    const std::size_t colon = qname.find(':');
    const std::string_view prefix = colon == std::string_view::npos ? "" : qname.substr(0, colon);
    const std::string_view local =
        colon == std::string_view::npos ? qname : qname.substr(colon + 1);
    const auto uri = resolve(prefix);
    if (!uri) return malformed("undeclared namespace prefix '" + clip(prefix) + "'");
    if (static_cast<int>(stack_.size()) + 1 > limits_.max_depth) {
      return extra("XML nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    }

    Frame f;
    f.qname = qname;
    f.local = local;
    f.bindings_mark = mark;
    if (stack_.empty()) {
      root_seen_ = true;
      if (*uri == kSoap12Ns && local == "Envelope") {
        return xsd("SOAP 1.2 envelope not accepted: SOAP 1.1 expected");
      }
      if (*uri != kSoap11Ns || local != "Envelope") {
        return xsd("the message is not a SOAP 1.1 Envelope");
      }
      f.role = Role::kEnvelope;
    } else {
      Frame& parent = stack_.back();
      // Repetition is bounded before the content model is consulted, so the limit also holds
      // where nothing else is checked (Header content).
      if (qname == parent.last_child) {
        if (++parent.repeat > limits_.max_occurs) {
          return extra("more than " + std::to_string(limits_.max_occurs) + " repeated '" +
                       clip(local) + "' elements");
        }
      } else {
        parent.last_child = qname;
        parent.repeat = 1;
      }
      if (!place(parent, f, *uri)) return false;
    }
    if (!attributes(f)) return false;
    stack_.push_back(f);
    return true;
  }

  // Decides the role of a new element under `parent` and, in the payload, checks it against
  // the parent's content model.
  bool place(Frame& parent, Frame& f, std::string_view uri) {
    switch (parent.role) {
      case Role::kEnvelope:
        if (uri == kSoap11Ns && f.local == "Header" && parent.state == 0) {
          parent.state = 1;
          f.role = Role::kHeader;
          return true;
        }
        if (uri == kSoap11Ns && f.local == "Body" && parent.state < 2) {
          parent.state = 2;
          f.role = Role::kBody;
          return true;
        }
        // The envelope schema would allow elements of other namespaces after the Body; gSOAP
        // does not read them and the node never sends them.
        if (parent.state == 2) {
          return xsd("unexpected element '" + clip(f.local) + "' after the SOAP Body");
        }
        return xsd("unexpected element '" + clip(f.local) + "' in the SOAP Envelope");
      case Role::kHeader:
      case Role::kOther:
        notPlain();
        f.role = Role::kOther;
        return true;
      case Role::kBody:
        return placeOperation(parent, f, uri);
      case Role::kPayload:
        break;
    }
    if (parent.kind != model::Content::kElements) {
      return xsd(path() + ": element '" + clip(f.local) + "' not allowed in a simple value");
    }
    if (!uri.empty()) {
      return xsd(path() + "/" + clip(f.local) + ": must have no namespace, found '" + clip(uri) +
                 "'");
    }
    const model::Element* decl = match(parent, f.local);
    if (!decl) return false;
    f.role = Role::kPayload;
    f.decl = decl;
    f.kind = decl->content;
    f.content = decl->children;
    f.index = parent.occurs;
    return true;
  }

  bool placeOperation(Frame& body, Frame& f, std::string_view uri) {
    if (body.state++ > 0) return xsd("the SOAP Body must hold exactly one element");
    const std::string_view expected = model::requestElement(op_);
    if (uri != model::kPaForNodeNs) {
      return xsd("Body element '" + clip(f.local) + "' is in namespace '" + clip(uri) +
                 "', expected '" + std::string(model::kPaForNodeNs) + "'");
    }
    if (f.local != expected) {
      if (model::operationOfRequestElement(f.local)) {
        return xsd("Body element '" + std::string(f.local) + "' does not match SOAPAction '" +
                   std::string(core::operationName(op_)) + "', which expects '" +
                   std::string(expected) + "'");
      }
      return xsd("unknown Body element '" + clip(f.local) + "', expected '" +
                 std::string(expected) + "'");
    }
    f.role = Role::kPayload;
    f.kind = model::Content::kElements;
    f.content = &model::requestContent(op_);
    return true;
  }

  // Attributes allowed: anything on the SOAP elements and beyond; in the payload only xsi:*
  // other than xsi:nil (no paForNode element is nillable), as a schema validator would.
  bool attributes(const Frame& f) {
    for (const std::string_view attr : attrs_) {
      const std::size_t colon = attr.find(':');
      const std::string_view prefix = colon == std::string_view::npos ? "" : attr.substr(0, colon);
      const std::string_view local =
          colon == std::string_view::npos ? attr : attr.substr(colon + 1);
      std::optional<std::string_view> uri;
      if (!prefix.empty()) {
        uri = resolve(prefix);
        if (!uri) return malformed("undeclared namespace prefix '" + clip(prefix) + "'");
      }
      if (f.role != Role::kPayload) continue;
      if (!uri || *uri != kXsiNs || local == "nil") {
        return xsd(path(&f) + ": attribute '" + clip(attr) + "' not allowed");
      }
    }
    return true;
  }

  // Finds the declaration of child `local` in parent's sequence, advancing the parent's
  // position; on failure records why (unknown, out of order, too many, missing before it).
  const model::Element* match(Frame& parent, std::string_view local) {
    const model::Sequence& seq = *parent.content;
    for (;;) {
      if (parent.item >= seq.size) {
        unexpected(parent, local);
        return nullptr;
      }
      const model::Element& e = seq.items[parent.item];
      if (e.name == local) {
        if (e.choice != 0 && parent.choice_taken && parent.occurs == 0) {
          xsd(path() + ": '" + std::string(local) + "' not allowed with the alternative before it");
          return nullptr;
        }
        if (parent.occurs >= e.max_occurs) {
          xsd(path() + ": more than " + std::to_string(e.max_occurs) + " '" + std::string(local) +
              "'");
          return nullptr;
        }
        ++parent.occurs;
        if (e.choice != 0) parent.choice_taken = true;
        return &e;
      }
      const bool satisfied =
          parent.occurs >= e.min_occurs || (e.choice != 0 && parent.choice_taken);
      if (!satisfied && e.choice != 0) {
        // `local` may be a later alternative of the same choice.
        std::size_t k = parent.item + 1;
        while (k < seq.size && seq.items[k].choice == e.choice && seq.items[k].name != local) ++k;
        if (k < seq.size && seq.items[k].choice == e.choice) {
          parent.item = k;
          parent.occurs = 0;
          continue;
        }
      }
      if (!satisfied) {
        if (!unknownOrEarlier(parent, local)) {
          xsd(path() + ": expected '" + alternatives(seq, parent.item) + "' before '" +
              std::string(local) + "'");
        }
        return nullptr;
      }
      const bool same_group = e.choice != 0 && parent.item + 1 < seq.size &&
                              seq.items[parent.item + 1].choice == e.choice;
      ++parent.item;
      parent.occurs = 0;
      if (!same_group) parent.choice_taken = false;
    }
  }

  // Records "unknown element" or "out of order" when `local` is not later in the sequence;
  // returns whether it did.
  bool unknownOrEarlier(const Frame& parent, std::string_view local) {
    const model::Sequence& seq = *parent.content;
    for (std::size_t i = 0; i < seq.size; ++i) {
      if (seq.items[i].name != local) continue;
      if (i < parent.item) {
        xsd(path() + ": element '" + std::string(local) + "' out of order");
        return true;
      }
      return false;
    }
    xsd(path() + ": unknown element '" + clip(local) + "'");
    return true;
  }

  void unexpected(const Frame& parent, std::string_view local) {
    if (!unknownOrEarlier(parent, local)) {
      xsd(path() + ": element '" + std::string(local) + "' not expected");
    }
  }

  // "IBAN' or 'MBDAttachment" for a choice group, else the element's name.
  static std::string alternatives(const model::Sequence& seq, std::size_t item) {
    const model::Element& e = seq.items[item];
    if (e.choice == 0) return std::string(e.name);
    std::size_t first = item;
    while (first > 0 && seq.items[first - 1].choice == e.choice) --first;
    std::string names;
    for (std::size_t i = first; i < seq.size && seq.items[i].choice == e.choice; ++i) {
      if (!names.empty()) names += "' or '";
      names += seq.items[i].name;
    }
    return names;
  }

  bool close() {
    Frame& f = stack_.back();
    switch (f.role) {
      case Role::kEnvelope:
        if (f.state != 2) return xsd("the SOAP Envelope has no Body");
        break;
      case Role::kBody:
        if (f.state == 0) {
          return xsd("the SOAP Body is empty, expected '" +
                     std::string(model::requestElement(op_)) + "'");
        }
        break;
      case Role::kPayload:
        if (f.kind == model::Content::kElements) {
          if (!complete(f)) return false;
        } else {
          plainValue(f);
        }
        break;
      case Role::kHeader:
      case Role::kOther:
        break;
    }
    bindings_.resize(f.bindings_mark);
    stack_.pop_back();
    return true;
  }

  // Whether every required item after the current position has occurred.
  bool complete(const Frame& f) {
    const model::Sequence& seq = *f.content;
    std::size_t item = f.item;
    int occurs = f.occurs;
    bool choice_taken = f.choice_taken;
    while (item < seq.size) {
      const model::Element& e = seq.items[item];
      if (occurs < e.min_occurs && !(e.choice != 0 && choice_taken)) {
        // A later alternative of the same group would not have been seen either.
        return xsd(path() + ": missing element '" + alternatives(seq, item) + "'");
      }
      const bool same_group =
          e.choice != 0 && item + 1 < seq.size && seq.items[item + 1].choice == e.choice;
      ++item;
      occurs = 0;
      if (!same_group) choice_taken = false;
    }
    return true;
  }

  // The payload path of the innermost element (or of `extra`, not yet pushed, under it):
  // "paSendRTV2Request/receipt/transferList/transfer[2]/IBAN".
  std::string path(const Frame* extra_frame = nullptr) const {
    std::string out;
    auto add = [&out](const Frame& f) {
      if (f.role != Role::kPayload) return;
      if (!out.empty()) out += '/';
      out += clip(f.local);
      if (f.decl && f.decl->max_occurs > 1) out += "[" + std::to_string(f.index) + "]";
    };
    for (const Frame& f : stack_) add(f);
    if (extra_frame) add(*extra_frame);
    if (out.empty()) out = std::string(model::requestElement(op_));
    return out;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::size_t prolog_end_ = 0;
  core::Operation op_;
  const Limits& limits_;
  std::vector<Frame> stack_;
  std::vector<Binding> bindings_;
  std::vector<std::string_view> attrs_;
  bool root_seen_ = false;
  PlainValues* plain_;
  std::optional<ScanFailure> failure_;
};

}  // namespace

std::optional<ScanFailure> scanEnvelope(std::string_view body, core::Operation op,
                                        const Limits& limits, PlainValues* plain) {
  return Scanner(body, op, limits, plain).run();
}

}  // namespace ponte::soap
