// The six paForNode operations as plain values: what the soap codec decodes requests into and
// what it encodes responses from. No XML here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "civil_date.h"
#include "fault.h"
#include "money.h"
#include "position.h"

namespace ponte::core {

enum class Operation { kVerify, kGetPayment, kGetPaymentV2, kSendRt, kSendRtV2, kDemand };

// The SOAPAction and operation name: "paVerifyPaymentNotice", "paGetPayment", ...
std::string_view operationName(Operation op);
std::optional<Operation> operationFromName(std::string_view name);

// Who the node says the request is for: checked against the configuration on every request.
struct Caller {
  std::string id_pa;
  std::string id_broker_pa;
  std::string id_station;
};

struct QrCode {
  std::string fiscal_code;
  std::string notice_number;
};

enum class TransferType { kAny, kPostal, kPagopa };

struct VerifyRequest {
  Caller caller;
  QrCode qr;
};

struct GetPaymentRequest {
  Caller caller;
  QrCode qr;
  std::optional<Cents> amount;
  std::string payment_note;  // idCart of a Checkout cart, when set
  TransferType transfer_type = TransferType::kAny;
  std::optional<Date> due_date;
  bool v2 = false;
};

struct ReceiptTransfer {
  int id_transfer = 1;
  Cents amount = 0;
  std::string fiscal_code_pa;
  std::string company_name;    // v2 only
  std::string iban;            // empty when mbd_attachment is set
  std::string mbd_attachment;  // v2 only: base64 text of the stamp document, as received
  std::string remittance_information;
  std::string category;
  std::vector<MapEntry> metadata;  // v2 only
};

// A receipt as the node sends it (ctReceipt / ctReceiptV2). Dates are kept as received.
struct Receipt {
  std::string receipt_id;
  std::string notice_number;
  std::string fiscal_code;  // the EC that issued the notice (may differ from idPA)
  std::string outcome;      // "OK" or "KO"
  std::string creditor_reference_id;
  Cents payment_amount = 0;
  std::string description;
  std::string company_name;
  std::string office_name;
  Subject debtor;
  std::vector<ReceiptTransfer> transfers;
  std::string id_psp;
  std::string psp_fiscal_code;
  std::string psp_partita_iva;
  std::string psp_company_name;
  std::string id_channel;
  std::string channel_description;
  std::optional<Subject> payer;
  std::string payment_method;
  std::string payment_note;  // v2 only
  std::optional<Cents> fee;
  std::optional<Cents> primary_ci_incurred_fee;  // v2 only
  std::string id_bundle;                         // v2 only
  std::string id_ci_bundle;                      // v2 only
  std::string payment_date_time;
  std::string application_date;
  std::string transfer_date;
  std::vector<MapEntry> metadata;
  std::optional<bool> stand_in;
};

struct SendRtRequest {
  Caller caller;
  Receipt receipt;
  bool v2 = false;
};

struct DemandRequest {
  Caller caller;
  std::string id_servizio;           // 5 chars
  std::string id_soggetto_servizio;  // 5 chars
  std::string service_data_xml;      // datiSpecificiServizioRequest, base64-decoded
};

using NodeRequest = std::variant<VerifyRequest, GetPaymentRequest, SendRtRequest, DemandRequest>;

// --- answers ---------------------------------------------------------------------------------

struct PaymentOptionDescription {
  Cents amount = 0;
  std::optional<Date> due_date;
  std::string detail_description;
  bool all_ccp = false;  // every transfer can be credited to a postal account
};

struct VerifyResult {
  PaymentOptionDescription option;
  std::string payment_description;
  std::string fiscal_code_pa;
  std::string company_name;
  std::string office_name;
};

struct PaymentTransfer {
  int id_transfer = 1;
  Cents amount = 0;
  std::string fiscal_code_pa;
  std::string company_name;           // v2 only, always sent there
  std::string iban;                   // empty when stamp is set
  std::optional<StampRequest> stamp;  // v2 only
  std::string remittance_information;
  std::string category;
  std::vector<MapEntry> metadata;  // v2 only
};

struct PaymentData {
  std::string creditor_reference_id;  // the IUV
  Cents payment_amount = 0;           // = sum of transfer amounts
  Date due_date;
  std::optional<std::string> retention_date;  // xs:dateTime
  std::optional<bool> last_payment;
  std::string description;
  std::string company_name;
  std::string office_name;
  Subject debtor;
  std::vector<PaymentTransfer> transfers;
  std::vector<MapEntry> metadata;
};

struct DemandResult {
  QrCode qr;
  VerifyResult verify;
};

// The empty answer of paSendRT: outcome OK.
struct SendRtResult {};

// What one operation answers: its result on OK, or the fault on KO. The fault's `id` on the wire
// is filled by the codec (the EC fiscal code, or the broker when the EC is unknown).
template <class T>
using Answer = std::variant<T, Fault>;

using NodeAnswer = std::variant<Answer<VerifyResult>, Answer<PaymentData>, Answer<SendRtResult>,
                                Answer<DemandResult>>;

}  // namespace ponte::core
