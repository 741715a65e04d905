// Debt positions in the GPD model: a position, its payment options (single payment and/or
// installments, each its own notice), their transfers (1..5) and date-dependent amount schedules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "civil_date.h"
#include "money.h"

namespace ponte::core {

enum class PositionStatus {
  kDraft,
  kPublished,
  kValid,
  kInvalid,
  kExpired,
  kPartiallyPaid,
  kPaid,
  kReported
};
enum class OptionStatus { kUnpaid, kPaid, kPartiallyReported, kReported };

std::string_view toString(PositionStatus);  // "DRAFT", "PUBLISHED", ... as in GPD
std::string_view toString(OptionStatus);    // "PO_UNPAID", "PO_PAID", ...
std::optional<PositionStatus> parsePositionStatus(std::string_view);
std::optional<OptionStatus> parseOptionStatus(std::string_view);
// True for every status after a payment: PO_PAID and the two reported ones.
constexpr bool isPaid(OptionStatus status) { return status != OptionStatus::kUnpaid; }

struct MapEntry {
  std::string key;
  std::string value;
  friend bool operator==(const MapEntry&, const MapEntry&) = default;
};

// A natural ('F') or legal ('G') person: the debtor of a position, the payer of a receipt.
struct Subject {
  char type = 'F';
  std::string fiscal_code;  // entityUniqueIdentifierValue
  std::string full_name;
  std::string street_name;
  std::string civic_number;
  std::string postal_code;
  std::string city;
  std::string province;  // stateProvinceRegion
  std::string country;   // two capital letters
  std::string email;
  std::string phone;
  friend bool operator==(const Subject&, const Subject&) = default;
};

// A digital stamp request (@e.bollo), in place of an IBAN (paGetPaymentV2 only).
struct StampRequest {
  std::string hash_document;  // base64, 4..72 chars
  std::string stamp_type = "01";
  std::string provincial_residence;  // two capital letters
  friend bool operator==(const StampRequest&, const StampRequest&) = default;
};

struct Transfer {
  int id_transfer = 1;  // 1..5
  Cents amount = 0;
  std::string organization_fiscal_code;  // beneficiary EC
  std::string company_name;              // beneficiary's name
  std::string iban;                      // bank account; empty with a stamp
  std::string postal_iban;               // postal account, optional
  std::optional<StampRequest> stamp;
  std::string remittance_information;
  std::string category;  // taxonomy code, e.g. "9/0101100IM/"
  std::vector<MapEntry> metadata;
  friend bool operator==(const Transfer&, const Transfer&) = default;
};

// One step of a date-dependent amount: payable at this amount up to and including `until`
// (the last step has no `until`). transfer_amounts split the step's amount over the option's
// transfers, in order, and sum to it.
struct AmountStep {
  std::optional<Date> until;
  Cents amount = 0;
  std::vector<Cents> transfer_amounts;
  std::string label;  // e.g. "reduced", "ordinary", "increased"
  friend bool operator==(const AmountStep&, const AmountStep&) = default;
};

struct PaymentOption {
  std::string iuv;
  std::string nav;  // notice number
  Cents amount = 0;
  std::string description;
  bool is_partial_payment = false;  // true: an installment ("rata")
  std::string payment_plan_id;      // groups installments of one plan
  Date due_date;
  std::optional<Date> retention_date;
  Cents fee = 0;
  std::vector<MapEntry> metadata;
  std::vector<Transfer> transfers;
  std::vector<AmountStep> schedule;  // empty: `amount` and transfer amounts always apply
  OptionStatus status = OptionStatus::kUnpaid;
  friend bool operator==(const PaymentOption&, const PaymentOption&) = default;
};

// Sent to coercive collection ("riscossione coattiva"): no longer payable through pagoPA.
struct CoerciveCollection {
  bool sent = false;
  std::string collector_reference;
  std::string collector_url;
  friend bool operator==(const CoerciveCollection&, const CoerciveCollection&) = default;
};

struct DebtPosition {
  std::string ec_fiscal_code;  // organization fiscal code (idPA)
  std::string iupd;
  Subject debtor;
  std::string company_name;
  std::string office_name;
  std::optional<Date> validity_date;
  bool switch_to_expired = false;
  bool pay_stand_in = true;
  PositionStatus status = PositionStatus::kDraft;
  CoerciveCollection coercive;
  std::vector<PaymentOption> options;
  friend bool operator==(const DebtPosition&, const DebtPosition&) = default;
};

}  // namespace ponte::core
