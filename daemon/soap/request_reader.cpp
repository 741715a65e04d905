// gSOAP request objects -> core values, with the checks of wsdl/paForNode.xsd that gSOAP's strict
// mode leaves out (patterns, decimal amounts and their range, xs:date/xs:dateTime values, base64).
#include "soap/request_reader.h"

#include <type_traits>

#include "soap/lexical.h"

namespace ponte::soap {

// Appends one step to the reader's path for the lifetime of the scope.
class RequestReader::Scope {
 public:
  Scope(RequestReader& reader, std::string_view name, int index = 0)
      : path_(reader.path_), size_(path_.size()) {
    path_ += '/';
    path_ += name;
    if (index > 0) {
      path_ += '[';
      path_ += std::to_string(index);
      path_ += ']';
    }
  }
  ~Scope() { path_.resize(size_); }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  std::string& path_;
  std::size_t size_;
};

RequestReader::RequestReader(std::string_view root, const Limits& limits)
    : limits_(limits), path_(root) {}

void RequestReader::fail(std::string_view name, std::string_view what) {
  if (!problem_.empty()) return;
  problem_ = path_;
  problem_ += '/';
  problem_ += name;
  problem_ += ": ";
  problem_ += what;
}

bool RequestReader::text(std::string_view name, const std::string& value, std::size_t min_chars,
                         std::size_t max_chars) {
  const std::size_t length = utf8Length(value);
  if (length < min_chars || length > max_chars) {
    fail(name, min_chars == max_chars ? "must be " + std::to_string(min_chars) + " characters long"
                                      : "length must be " + std::to_string(min_chars) + " to " +
                                            std::to_string(max_chars) + " characters");
    return false;
  }
  return true;
}

bool RequestReader::digits(std::string_view name, const std::string& value, std::size_t count) {
  if (!isDigits(value, count)) {
    fail(name, "must be " + std::to_string(count) + " digits");
    return false;
  }
  return true;
}

std::optional<core::Cents> RequestReader::amount(std::string_view name, const std::string& value,
                                                 bool not_zero) {
  const auto cents = core::parseAmount(value);
  if (!cents) {
    fail(name, "not an amount of the form 123.45 up to 999999999.99");
    return std::nullopt;
  }
  if (not_zero && *cents == 0) {
    fail(name, "amount must not be 0.00");
    return std::nullopt;
  }
  return cents;
}

bool RequestReader::date(std::string_view name, const std::string& value) {
  if (!isXsDate(value)) {
    fail(name, "not a valid xs:date (YYYY-MM-DD)");
    return false;
  }
  return true;
}

bool RequestReader::dateTime(std::string_view name, const std::string& value) {
  if (!isXsDateTime(value)) {
    fail(name, "not a valid xs:dateTime (YYYY-MM-DDThh:mm:ss)");
    return false;
  }
  return true;
}

bool RequestReader::present(std::string_view name, const void* child) {
  // gSOAP's strict mode already refuses a missing required element; this guards the pointers.
  if (!child) {
    fail(name, "missing");
    return false;
  }
  return true;
}

std::string RequestReader::optionalText(std::string_view name, const std::string* value,
                                        std::size_t max_chars) {
  if (!value) return {};
  text(name, *value, 1, max_chars);
  return *value;
}

core::Caller RequestReader::caller(const std::string& id_pa, const std::string& id_broker,
                                   const std::string& id_station) {
  text("idPA", id_pa, 1, 35);
  text("idBrokerPA", id_broker, 1, 35);
  text("idStation", id_station, 1, 35);
  return core::Caller{id_pa, id_broker, id_station};
}

core::QrCode RequestReader::qrCode(const pafn__ctQrCode* in) {
  if (!present("qrCode", in)) return {};
  Scope scope(*this, "qrCode");
  digits("fiscalCode", in->fiscalCode, 11);
  digits("noticeNumber", in->noticeNumber, 18);
  return core::QrCode{in->fiscalCode, in->noticeNumber};
}

core::Subject RequestReader::subject(const pafn__ctSubject& in) {
  core::Subject out;
  if (present("uniqueIdentifier", in.uniqueIdentifier)) {
    Scope scope(*this, "uniqueIdentifier");
    out.type =
        in.uniqueIdentifier->entityUniqueIdentifierType == pafn__stEntityUniqueIdentifierType::G
            ? 'G'
            : 'F';
    out.fiscal_code = in.uniqueIdentifier->entityUniqueIdentifierValue;
    text("entityUniqueIdentifierValue", out.fiscal_code, 2, 16);
  }
  out.full_name = in.fullName;
  text("fullName", out.full_name, 1, 70);
  out.street_name = optionalText("streetName", in.streetName, 70);
  out.civic_number = optionalText("civicNumber", in.civicNumber, 16);
  out.postal_code = optionalText("postalCode", in.postalCode, 16);
  out.city = optionalText("city", in.city, 35);
  out.province = optionalText("stateProvinceRegion", in.stateProvinceRegion, 35);
  if (in.country) {
    out.country = *in.country;
    if (!isProvinceOrCountry(out.country)) fail("country", "must be two capital letters");
  }
  if (in.e_mail) {
    out.email = *in.e_mail;
    if (!isEmail(out.email)) fail("e-mail", "not a valid e-mail address");
  }
  return out;
}

std::vector<core::MapEntry> RequestReader::metadata(const pcmn__ctMetadata* in) {
  std::vector<core::MapEntry> out;
  if (!in) return out;
  Scope scope(*this, "metadata");
  if (in->mapEntry.empty() || in->mapEntry.size() > 15) {
    fail("mapEntry", "1 to 15 entries expected");
    return out;
  }
  out.reserve(in->mapEntry.size());
  int index = 0;
  for (const pcmn__ctMapEntry* entry : in->mapEntry) {
    ++index;
    if (!present("mapEntry", entry)) break;
    Scope entry_scope(*this, "mapEntry", index);
    text("key", entry->key, 1, 140);
    text("value", entry->value, 1, 140);
    out.push_back(core::MapEntry{entry->key, entry->value});
  }
  return out;
}

// --- paVerifyPaymentNotice ------------------------------------------------------------------

core::VerifyRequest RequestReader::read(const pafn__paVerifyPaymentNoticeReq& in) {
  core::VerifyRequest out;
  out.caller = caller(in.idPA, in.idBrokerPA, in.idStation);
  out.qr = qrCode(in.qrCode);
  return out;
}

// --- paGetPayment, paGetPaymentV2 -----------------------------------------------------------

template <class Request>
core::GetPaymentRequest RequestReader::readGetPayment(const Request& in, bool v2) {
  core::GetPaymentRequest out;
  out.v2 = v2;
  out.caller = caller(in.idPA, in.idBrokerPA, in.idStation);
  out.qr = qrCode(in.qrCode);
  if (in.amount) out.amount = amount("amount", *in.amount, false);
  out.payment_note = optionalText("paymentNote", in.paymentNote, 210);
  if (in.transferType) {
    out.transfer_type = *in.transferType == pafn__stTransferType::POSTAL
                            ? core::TransferType::kPostal
                            : core::TransferType::kPagopa;
  }
  if (in.dueDate && date("dueDate", *in.dueDate)) {
    out.due_date = core::Date::parse(*in.dueDate);
    if (!out.due_date) fail("dueDate", "not a valid xs:date (YYYY-MM-DD)");
  }
  return out;
}

core::GetPaymentRequest RequestReader::read(const pafn__paGetPaymentReq& in) {
  return readGetPayment(in, false);
}

core::GetPaymentRequest RequestReader::read(const pafn__paGetPaymentV2Request& in) {
  return readGetPayment(in, true);
}

// --- paSendRT, paSendRTV2 -------------------------------------------------------------------

template <class Transfer>
core::ReceiptTransfer RequestReader::readTransfer(const Transfer& in) {
  constexpr bool kV2 = std::is_same_v<Transfer, pafn__ctTransferPAReceiptV2>;
  core::ReceiptTransfer out;
  out.id_transfer = static_cast<int>(in.idTransfer);
  if (out.id_transfer < 1 || out.id_transfer > 5) fail("idTransfer", "must be 1 to 5");
  if (auto cents = amount("transferAmount", in.transferAmount, true)) out.amount = *cents;
  out.fiscal_code_pa = in.fiscalCodePA;
  digits("fiscalCodePA", out.fiscal_code_pa, 11);
  if constexpr (kV2) {
    out.company_name = optionalText("companyName", in.companyName, 140);
    const auto& choice = in.union_ctTransferPAReceiptV2;
    if (in.__union_ctTransferPAReceiptV2 == SOAP_UNION__pafn__union_ctTransferPAReceiptV2_IBAN &&
        choice.IBAN) {
      out.iban = *choice.IBAN;
      text("IBAN", out.iban, 1, 35);
    } else if (in.__union_ctTransferPAReceiptV2 ==
                   SOAP_UNION__pafn__union_ctTransferPAReceiptV2_MBDAttachment &&
               choice.MBDAttachment) {
      out.mbd_attachment = *choice.MBDAttachment;
      if (!isBase64(out.mbd_attachment)) fail("MBDAttachment", "not valid base64");
    } else {
      fail("IBAN", "IBAN or MBDAttachment expected");
    }
  } else {
    out.iban = in.IBAN;
    text("IBAN", out.iban, 1, 35);
  }
  out.remittance_information = in.remittanceInformation;
  text("remittanceInformation", out.remittance_information, 1, 140);
  out.category = in.transferCategory;
  text("transferCategory", out.category, 1, 140);
  out.metadata = metadata(in.metadata);
  return out;
}

template <class Receipt>
core::Receipt RequestReader::readReceipt(const Receipt& in) {
  constexpr bool kV2 = std::is_same_v<Receipt, pafn__ctReceiptV2>;
  core::Receipt out;
  // xs:string without facets: only the scanner's length bound applies. An empty id is valid
  // XSD; whether such a receipt can be stored is the application's decision.
  out.receipt_id = in.receiptId;
  out.notice_number = in.noticeNumber;
  digits("noticeNumber", out.notice_number, 18);
  out.fiscal_code = in.fiscalCode;
  digits("fiscalCode", out.fiscal_code, 11);
  out.outcome = in.outcome == pcmn__stOutcome::OK ? "OK" : "KO";
  out.creditor_reference_id = in.creditorReferenceId;
  text("creditorReferenceId", out.creditor_reference_id, 1, 35);
  if (auto cents = amount("paymentAmount", in.paymentAmount, false)) out.payment_amount = *cents;
  out.description = in.description;
  text("description", out.description, 1, 140);
  out.company_name = in.companyName;
  text("companyName", out.company_name, 1, 140);
  out.office_name = optionalText("officeName", in.officeName, 140);
  if (present("debtor", in.debtor)) {
    Scope scope(*this, "debtor");
    out.debtor = subject(*in.debtor);
  }
  if (present("transferList", in.transferList)) {
    Scope scope(*this, "transferList");
    const auto& transfers = in.transferList->transfer;
    if (transfers.empty() || transfers.size() > 5) {
      fail("transfer", "1 to 5 transfers expected");
    } else {
      out.transfers.reserve(transfers.size());
      int index = 0;
      for (const auto* transfer : transfers) {
        ++index;
        if (!present("transfer", transfer)) break;
        Scope transfer_scope(*this, "transfer", index);
        out.transfers.push_back(readTransfer(*transfer));
      }
    }
  }
  out.id_psp = in.idPSP;
  text("idPSP", out.id_psp, 1, 35);
  out.psp_fiscal_code = optionalText("pspFiscalCode", in.pspFiscalCode, 70);
  out.psp_partita_iva = optionalText("pspPartitaIVA", in.pspPartitaIVA, 20);
  out.psp_company_name = in.PSPCompanyName;
  text("PSPCompanyName", out.psp_company_name, 1, 70);
  out.id_channel = in.idChannel;
  text("idChannel", out.id_channel, 1, 35);
  out.channel_description = in.channelDescription;
  text("channelDescription", out.channel_description, 1, 35);
  if (in.payer) {
    Scope scope(*this, "payer");
    out.payer = subject(*in.payer);
  }
  out.payment_method = optionalText("paymentMethod", in.paymentMethod, 35);
  if (in.fee) out.fee = amount("fee", *in.fee, false);
  if constexpr (kV2) {
    out.payment_note = optionalText("paymentNote", in.paymentNote, 210);
    if (in.primaryCiIncurredFee) {
      out.primary_ci_incurred_fee = amount("primaryCiIncurredFee", *in.primaryCiIncurredFee, false);
    }
    out.id_bundle = optionalText("idBundle", in.idBundle, 70);
    out.id_ci_bundle = optionalText("idCiBundle", in.idCiBundle, 70);
  }
  if (in.paymentDateTime && dateTime("paymentDateTime", *in.paymentDateTime)) {
    out.payment_date_time = *in.paymentDateTime;
  }
  if (in.applicationDate && date("applicationDate", *in.applicationDate)) {
    out.application_date = *in.applicationDate;
  }
  if (in.transferDate && date("transferDate", *in.transferDate)) {
    out.transfer_date = *in.transferDate;
  }
  out.metadata = metadata(in.metadata);
  if (in.standIn) out.stand_in = *in.standIn;
  return out;
}

core::SendRtRequest RequestReader::read(const pafn__paSendRTReq& in) {
  core::SendRtRequest out;
  out.caller = caller(in.idPA, in.idBrokerPA, in.idStation);
  if (present("receipt", in.receipt)) {
    Scope scope(*this, "receipt");
    out.receipt = readReceipt(*in.receipt);
  }
  return out;
}

core::SendRtRequest RequestReader::read(const pafn__paSendRTV2Request& in) {
  core::SendRtRequest out;
  out.v2 = true;
  out.caller = caller(in.idPA, in.idBrokerPA, in.idStation);
  if (present("receipt", in.receipt)) {
    Scope scope(*this, "receipt");
    out.receipt = readReceipt(*in.receipt);
  }
  return out;
}

// --- paDemandPaymentNotice ------------------------------------------------------------------

core::DemandRequest RequestReader::read(const pafn__paDemandPaymentNoticeRequest& in) {
  core::DemandRequest out;
  out.caller = caller(in.idPA, in.idBrokerPA, in.idStation);
  out.id_servizio = in.idServizio;
  text("idServizio", out.id_servizio, 5, 5);
  out.id_soggetto_servizio = in.idSoggettoServizio;
  text("idSoggettoServizio", out.id_soggetto_servizio, 5, 5);
  // The decoded document can only be smaller than its base64 text, which the scanner has
  // already bounded by max_binary_length.
  if (auto xml = decodeBase64(in.datiSpecificiServizioRequest, limits_.max_binary_length)) {
    out.service_data_xml = std::move(*xml);
  } else {
    fail("datiSpecificiServizioRequest", "not valid base64");
  }
  return out;
}

}  // namespace ponte::soap
