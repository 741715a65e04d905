// Content-model tables of the paForNode requests, transcribed from wsdl/paForNode.xsd and
// wsdl/common-types.xsd. tests/soap checks them against what libxml2 validates.
#include "soap/content_model.h"

#include <array>

namespace ponte::soap::model {
namespace {

using C = Content;

constexpr Element text(std::string_view name, std::uint8_t min = 1, std::uint8_t max = 1) {
  return Element{name, min, max, 0, C::kText, nullptr};
}
constexpr Element group(std::string_view name, const Sequence& children, std::uint8_t min = 1,
                        std::uint8_t max = 1) {
  return Element{name, min, max, 0, C::kElements, &children};
}

template <std::size_t N>
constexpr Sequence sequence(const Element (&items)[N]) {
  return Sequence{items, N};
}

// --- shared types ---------------------------------------------------------------------------

constexpr Element kQrCodeItems[] = {text("fiscalCode"), text("noticeNumber")};
constexpr Sequence kQrCode = sequence(kQrCodeItems);

constexpr Element kMapEntryItems[] = {text("key"), text("value")};
constexpr Sequence kMapEntry = sequence(kMapEntryItems);

constexpr Element kMetadataItems[] = {group("mapEntry", kMapEntry, 1, 15)};
constexpr Sequence kMetadata = sequence(kMetadataItems);

constexpr Element kUniqueIdentifierItems[] = {text("entityUniqueIdentifierType"),
                                              text("entityUniqueIdentifierValue")};
constexpr Sequence kUniqueIdentifier = sequence(kUniqueIdentifierItems);

constexpr Element kSubjectItems[] = {
    group("uniqueIdentifier", kUniqueIdentifier),
    text("fullName"),
    text("streetName", 0),
    text("civicNumber", 0),
    text("postalCode", 0),
    text("city", 0),
    text("stateProvinceRegion", 0),
    text("country", 0),
    text("e-mail", 0),
};
constexpr Sequence kSubject = sequence(kSubjectItems);

// ctTransferPA: the version-1 transfer, also used by version-1 receipts.
constexpr Element kTransferItems[] = {
    text("idTransfer"),
    text("transferAmount"),
    text("fiscalCodePA"),
    text("IBAN"),
    text("remittanceInformation"),
    text("transferCategory"),
    group("metadata", kMetadata, 0),
};
constexpr Sequence kTransfer = sequence(kTransferItems);
constexpr Element kTransferListItems[] = {group("transfer", kTransfer, 1, 5)};
constexpr Sequence kTransferList = sequence(kTransferListItems);

// ctTransferPAReceiptV2: IBAN or the stamp document.
constexpr Element kReceiptTransferV2Items[] = {
    text("idTransfer"),
    text("transferAmount"),
    text("fiscalCodePA"),
    text("companyName", 0),
    Element{"IBAN", 1, 1, 1, C::kText, nullptr},
    Element{"MBDAttachment", 1, 1, 1, C::kBinary, nullptr},
    text("remittanceInformation"),
    text("transferCategory"),
    group("metadata", kMetadata, 0),
};
constexpr Sequence kReceiptTransferV2 = sequence(kReceiptTransferV2Items);
constexpr Element kReceiptTransferListV2Items[] = {group("transfer", kReceiptTransferV2, 1, 5)};
constexpr Sequence kReceiptTransferListV2 = sequence(kReceiptTransferListV2Items);

// --- receipts -------------------------------------------------------------------------------

constexpr Element kReceiptItems[] = {
    text("receiptId"),
    text("noticeNumber"),
    text("fiscalCode"),
    text("outcome"),
    text("creditorReferenceId"),
    text("paymentAmount"),
    text("description"),
    text("companyName"),
    text("officeName", 0),
    group("debtor", kSubject),
    group("transferList", kTransferList),
    text("idPSP"),
    text("pspFiscalCode", 0),
    text("pspPartitaIVA", 0),
    text("PSPCompanyName"),
    text("idChannel"),
    text("channelDescription"),
    group("payer", kSubject, 0),
    text("paymentMethod", 0),
    text("fee", 0),
    text("paymentDateTime", 0),
    text("applicationDate", 0),
    text("transferDate", 0),
    group("metadata", kMetadata, 0),
    text("standIn", 0),
};
constexpr Sequence kReceipt = sequence(kReceiptItems);

constexpr Element kReceiptV2Items[] = {
    text("receiptId"),
    text("noticeNumber"),
    text("fiscalCode"),
    text("outcome"),
    text("creditorReferenceId"),
    text("paymentAmount"),
    text("description"),
    text("companyName"),
    text("officeName", 0),
    group("debtor", kSubject),
    group("transferList", kReceiptTransferListV2),
    text("idPSP"),
    text("pspFiscalCode", 0),
    text("pspPartitaIVA", 0),
    text("PSPCompanyName"),
    text("idChannel"),
    text("channelDescription"),
    group("payer", kSubject, 0),
    text("paymentMethod", 0),
    text("paymentNote", 0),
    text("fee", 0),
    text("primaryCiIncurredFee", 0),
    text("idBundle", 0),
    text("idCiBundle", 0),
    text("paymentDateTime", 0),
    text("applicationDate", 0),
    text("transferDate", 0),
    group("metadata", kMetadata, 0),
    text("standIn", 0),
};
constexpr Sequence kReceiptV2 = sequence(kReceiptV2Items);

// --- request wrappers -------------------------------------------------------------------------

constexpr Element kVerifyItems[] = {text("idPA"), text("idBrokerPA"), text("idStation"),
                                    group("qrCode", kQrCode)};
constexpr Sequence kVerify = sequence(kVerifyItems);

// paGetPaymentReq and paGetPaymentV2Request have the same content.
constexpr Element kGetPaymentItems[] = {
    text("idPA"),      text("idBrokerPA"),     text("idStation"),       group("qrCode", kQrCode),
    text("amount", 0), text("paymentNote", 0), text("transferType", 0), text("dueDate", 0),
};
constexpr Sequence kGetPayment = sequence(kGetPaymentItems);

constexpr Element kSendRtItems[] = {text("idPA"), text("idBrokerPA"), text("idStation"),
                                    group("receipt", kReceipt)};
constexpr Sequence kSendRt = sequence(kSendRtItems);

constexpr Element kSendRtV2Items[] = {text("idPA"), text("idBrokerPA"), text("idStation"),
                                      group("receipt", kReceiptV2)};
constexpr Sequence kSendRtV2 = sequence(kSendRtV2Items);

constexpr Element kDemandItems[] = {
    text("idPA"),
    text("idBrokerPA"),
    text("idStation"),
    text("idServizio"),
    text("idSoggettoServizio"),
    Element{"datiSpecificiServizioRequest", 1, 1, 0, C::kBinary, nullptr},
};
constexpr Sequence kDemand = sequence(kDemandItems);

struct OperationNames {
  core::Operation op;
  std::string_view request;
  std::string_view response;
  const Sequence* content;
};

constexpr std::array<OperationNames, 6> kOperations{{
    {core::Operation::kVerify, "paVerifyPaymentNoticeReq", "paVerifyPaymentNoticeRes", &kVerify},
    {core::Operation::kGetPayment, "paGetPaymentReq", "paGetPaymentRes", &kGetPayment},
    {core::Operation::kGetPaymentV2, "paGetPaymentV2Request", "paGetPaymentV2Response",
     &kGetPayment},
    {core::Operation::kSendRt, "paSendRTReq", "paSendRTRes", &kSendRt},
    {core::Operation::kSendRtV2, "paSendRTV2Request", "paSendRTV2Response", &kSendRtV2},
    {core::Operation::kDemand, "paDemandPaymentNoticeRequest", "paDemandPaymentNoticeResponse",
     &kDemand},
}};

// The table is in the order of core::Operation, so an operation indexes its own row.
constexpr bool inEnumOrder() {
  for (std::size_t i = 0; i < kOperations.size(); ++i) {
    if (static_cast<std::size_t>(kOperations[i].op) != i) return false;
  }
  return true;
}
static_assert(inEnumOrder());

const OperationNames& namesOf(core::Operation op) {
  return kOperations[static_cast<std::size_t>(op)];
}

}  // namespace

std::string_view requestElement(core::Operation op) { return namesOf(op).request; }
std::string_view responseElement(core::Operation op) { return namesOf(op).response; }
const Sequence& requestContent(core::Operation op) { return *namesOf(op).content; }

const core::Operation* operationOfRequestElement(std::string_view local_name) {
  for (const auto& names : kOperations) {
    if (names.request == local_name) return &names.op;
  }
  return nullptr;
}

}  // namespace ponte::soap::model
