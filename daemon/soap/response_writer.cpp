// Response envelopes from core answers. Each writer checks what it cannot repair (identifiers,
// amounts, cardinalities) and records an issue; the caller then writes PAA_SYSTEM_ERROR instead,
// so that no response leaves that the node would reject as malformed.
#include "soap/response_writer.h"

#include <type_traits>

#include "soap/content_model.h"
#include "soap/lexical.h"
#include "soap/xml_text.h"

namespace ponte::soap {
namespace {

constexpr std::string_view kEnvelopeOpen =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
    "<soapenv:Body>";
constexpr std::string_view kEnvelopeClose = "</soapenv:Body></soapenv:Envelope>";

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  const std::string& issue() const { return issue_; }

  void open(std::string_view name) {
    out_ += '<';
    out_ += name;
    out_ += '>';
  }
  void close(std::string_view name) {
    out_ += "</";
    out_ += name;
    out_ += '>';
  }
  // A value that is ours and needs no escaping (digits, amounts, dates, enumerations).
  void plain(std::string_view name, std::string_view value) {
    open(name);
    out_ += value;
    close(name);
  }
  void text(std::string_view name, std::string_view value, std::size_t max_chars) {
    appendXmlElement(out_, name, value, max_chars);
  }
  // Free text the schema requires: cut when too long, an issue when empty.
  void requiredText(std::string_view name, std::string_view value, std::size_t max_chars) {
    if (value.empty()) problem(name, "is empty");
    text(name, value, max_chars);
  }
  void optionalText(std::string_view name, std::string_view value, std::size_t max_chars) {
    if (!value.empty()) text(name, value, max_chars);
  }
  // An identifier or code: never cut, an issue when outside min..max characters.
  void identifier(std::string_view name, std::string_view value, std::size_t min_chars,
                  std::size_t max_chars) {
    const std::size_t length = utf8Length(value);
    if (length < min_chars || length > max_chars) {
      problem(name, "must be " + std::to_string(min_chars) + " to " + std::to_string(max_chars) +
                        " characters");
    }
    text(name, value, max_chars);
  }
  void digits(std::string_view name, std::string_view value, std::size_t count) {
    if (!isDigits(value, count)) problem(name, "must be " + std::to_string(count) + " digits");
    text(name, value, count);
  }
  void amount(std::string_view name, core::Cents cents, bool not_zero) {
    if (cents < (not_zero ? 1 : 0) || cents > core::kMaxCents) {
      problem(name, "amount out of range");
      return;
    }
    plain(name, core::formatAmount(cents));
  }
  void boolean(std::string_view name, bool value) { plain(name, value ? "true" : "false"); }

  void problem(std::string_view where, std::string_view what) {
    if (!issue_.empty()) return;
    issue_ = std::string(where) + " " + std::string(what);
  }

 private:
  std::string& out_;
  std::string issue_;
};

void writeMetadata(Writer& w, const std::vector<core::MapEntry>& entries) {
  if (entries.empty()) return;
  if (entries.size() > 15) w.problem("metadata", "has more than 15 entries");
  w.open("metadata");
  for (const core::MapEntry& entry : entries) {
    w.open("mapEntry");
    w.identifier("key", entry.key, 1, 140);
    w.identifier("value", entry.value, 1, 140);
    w.close("mapEntry");
  }
  w.close("metadata");
}

void writeSubject(Writer& w, std::string_view name, const core::Subject& s) {
  w.open(name);
  w.open("uniqueIdentifier");
  w.plain("entityUniqueIdentifierType", s.type == 'G' ? "G" : "F");
  w.identifier("entityUniqueIdentifierValue", s.fiscal_code, 2, 16);
  w.close("uniqueIdentifier");
  w.requiredText("fullName", s.full_name, 70);
  w.optionalText("streetName", s.street_name, 70);
  w.optionalText("civicNumber", s.civic_number, 16);
  w.optionalText("postalCode", s.postal_code, 16);
  w.optionalText("city", s.city, 35);
  w.optionalText("stateProvinceRegion", s.province, 35);
  if (isProvinceOrCountry(s.country)) w.plain("country", s.country);
  if (!s.email.empty() && isEmail(s.email)) w.text("e-mail", s.email, 256);
  w.close(name);
}

// paymentList and the fields that follow it in verify and demand responses.
void writeVerifyResult(Writer& w, const core::VerifyResult& r) {
  w.open("paymentList");
  w.open("paymentOptionDescription");
  w.amount("amount", r.option.amount, true);
  // The node accepts only EQ: the amount due is exactly the one answered.
  w.plain("options", "EQ");
  if (r.option.due_date) w.plain("dueDate", r.option.due_date->iso());
  w.optionalText("detailDescription", r.option.detail_description, 140);
  w.boolean("allCCP", r.option.all_ccp);
  w.close("paymentOptionDescription");
  w.close("paymentList");
  // Optional in the XSD, but the node refuses an OK without them (only officeName may be left
  // out), so they are required here.
  w.requiredText("paymentDescription", r.payment_description, 140);
  w.digits("fiscalCodePA", r.fiscal_code_pa, 11);
  w.requiredText("companyName", r.company_name, 140);
  w.optionalText("officeName", r.office_name, 140);
}

void writeTransfer(Writer& w, const core::PaymentTransfer& t, bool v2,
                   std::string_view payment_company) {
  w.open("transfer");
  if (t.id_transfer < 1 || t.id_transfer > 5) w.problem("idTransfer", "must be 1 to 5");
  w.plain("idTransfer", std::to_string(t.id_transfer));
  w.amount("transferAmount", t.amount, true);
  w.digits("fiscalCodePA", t.fiscal_code_pa, 11);
  if (v2) {
    // companyName is 0..1 in the XSD but mandatory per the SANP 3.6.0 changelog: always sent,
    // the payment's company standing in for a transfer that has none.
    w.requiredText("companyName", t.company_name.empty() ? payment_company : t.company_name, 140);
    if (t.stamp) {
      w.open("richiestaMarcaDaBollo");
      const std::size_t hash_length = t.stamp->hash_document.size();
      if (hash_length < 4 || hash_length > 72 || !isBase64(t.stamp->hash_document)) {
        w.problem("hashDocumento", "must be 4 to 72 characters of base64");
      }
      w.text("hashDocumento", t.stamp->hash_document, 72);
      if (t.stamp->stamp_type != "01") w.problem("tipoBollo", "must be 01");
      w.plain("tipoBollo", "01");
      if (!isProvinceOrCountry(t.stamp->provincial_residence)) {
        w.problem("provinciaResidenza", "must be two capital letters");
      }
      w.text("provinciaResidenza", t.stamp->provincial_residence, 2);
      w.close("richiestaMarcaDaBollo");
    } else {
      w.identifier("IBAN", t.iban, 1, 35);
    }
  } else {
    if (t.stamp) w.problem("transfer", "with a digital stamp cannot be sent by paGetPayment");
    w.identifier("IBAN", t.iban, 1, 35);
  }
  w.requiredText("remittanceInformation", t.remittance_information, 140);
  w.identifier("transferCategory", t.category, 1, 140);
  writeMetadata(w, t.metadata);
  w.close("transfer");
}

void writePaymentData(Writer& w, const core::PaymentData& d, bool v2) {
  w.open("data");
  w.identifier("creditorReferenceId", d.creditor_reference_id, 1, 35);
  w.amount("paymentAmount", d.payment_amount, true);
  w.plain("dueDate", d.due_date.iso());
  // Optional and ignored by the node: left out rather than sent malformed.
  if (d.retention_date && isXsDateTime(*d.retention_date)) {
    w.plain("retentionDate", *d.retention_date);
  }
  if (d.last_payment) w.boolean("lastPayment", *d.last_payment);
  w.requiredText("description", d.description, 140);
  if (v2) {
    w.requiredText("companyName", d.company_name, 140);
  } else {
    w.optionalText("companyName", d.company_name, 140);
  }
  w.optionalText("officeName", d.office_name, 140);
  writeSubject(w, "debtor", d.debtor);
  if (d.transfers.empty() || d.transfers.size() > 5) {
    w.problem("transferList", "must hold 1 to 5 transfers");
  }
  w.open("transferList");
  for (const core::PaymentTransfer& t : d.transfers) writeTransfer(w, t, v2, d.company_name);
  w.close("transferList");
  writeMetadata(w, d.metadata);
  w.close("data");
}

void writeQrCode(Writer& w, const core::QrCode& qr) {
  w.open("qrCode");
  w.digits("fiscalCode", qr.fiscal_code, 11);
  w.digits("noticeNumber", qr.notice_number, 18);
  w.close("qrCode");
}

void writeFault(Writer& w, const core::Fault& fault, std::string_view fault_id) {
  w.plain("outcome", "KO");
  w.open("fault");
  w.plain("faultCode", core::faultCodeName(fault.code));
  w.text("faultString", core::faultString(fault.code), static_cast<std::size_t>(-1));
  w.text("id", fault_id, static_cast<std::size_t>(-1));
  w.optionalText("description", fault.description, static_cast<std::size_t>(-1));
  if (fault.serial) w.plain("serial", std::to_string(*fault.serial));
  w.close("fault");
}

// The content of the response element for an OK result.
void writeResult(Writer& w, core::Operation op, const core::VerifyResult& r) {
  if (op != core::Operation::kVerify)
    return w.problem("answer", "does not belong to the operation");
  w.plain("outcome", "OK");
  writeVerifyResult(w, r);
}

void writeResult(Writer& w, core::Operation op, const core::PaymentData& d) {
  if (op != core::Operation::kGetPayment && op != core::Operation::kGetPaymentV2) {
    return w.problem("answer", "does not belong to the operation");
  }
  w.plain("outcome", "OK");
  writePaymentData(w, d, op == core::Operation::kGetPaymentV2);
}

void writeResult(Writer& w, core::Operation op, const core::SendRtResult&) {
  if (op != core::Operation::kSendRt && op != core::Operation::kSendRtV2) {
    return w.problem("answer", "does not belong to the operation");
  }
  w.plain("outcome", "OK");
}

void writeResult(Writer& w, core::Operation op, const core::DemandResult& r) {
  if (op != core::Operation::kDemand)
    return w.problem("answer", "does not belong to the operation");
  w.plain("outcome", "OK");
  writeQrCode(w, r.qr);
  writeVerifyResult(w, r.verify);
}

void openResponse(std::string& out, std::string_view element) {
  out += kEnvelopeOpen;
  out += "<pafn:";
  out += element;
  out += " xmlns:pafn=\"";
  out += model::kPaForNodeNs;
  out += "\">";
}

void closeResponse(std::string& out, std::string_view element) {
  out += "</pafn:";
  out += element;
  out += '>';
  out += kEnvelopeClose;
}

// Whether a fault code is a name gSOAP and validators accept as the local part of a QName
// (letters, digits, '.', '_', '-', starting with a letter).
bool isFaultCodeName(std::string_view name) {
  if (name.empty()) return false;
  const char first = name[0];
  if (!((first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z'))) return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string writeResponse(core::Operation op, const core::NodeAnswer& answer,
                          std::string_view fault_id, std::string& out) {
  const std::string_view element = model::responseElement(op);
  out.clear();
  out.reserve(2048);
  openResponse(out, element);
  Writer w(out);
  std::visit(
      [&](const auto& typed) {
        if (const auto* fault = std::get_if<core::Fault>(&typed)) {
          writeFault(w, *fault, fault_id);
        } else {
          std::visit(
              [&](const auto& result) {
                if constexpr (!std::is_same_v<std::decay_t<decltype(result)>, core::Fault>) {
                  writeResult(w, op, result);
                }
              },
              typed);
        }
      },
      answer);
  std::string issue = w.issue();
  if (!issue.empty()) {
    out.clear();
    openResponse(out, element);
    Writer fallback(out);
    writeFault(fallback, core::Fault{core::FaultCode::kSystemError, "internal error", {}},
               fault_id);
  }
  closeResponse(out, element);
  return issue;
}

std::string writeSoapFault(std::string_view code, std::string_view message) {
  const std::size_t colon = code.rfind(':');
  std::string_view local = colon == std::string_view::npos ? code : code.substr(colon + 1);
  if (!isFaultCodeName(local)) local = "Server";
  std::string out;
  out.reserve(256 + message.size());
  out += kEnvelopeOpen;
  out += "<soapenv:Fault><faultcode>soapenv:";
  out += local;
  out += "</faultcode>";
  appendXmlElement(out, "faultstring", message);
  out += "</soapenv:Fault>";
  out += kEnvelopeClose;
  return out;
}

}  // namespace ponte::soap
