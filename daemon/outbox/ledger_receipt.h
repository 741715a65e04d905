// A stored receipt as ledgers receive it: the C struct of ponte/ledger.h (parsed fields, the
// canonical JSON and the original XML), with the memory its pointers refer to.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/node_messages.h"
#include "ponte/ledger.h"
#include "store/store.h"

namespace ponte::outbox {

// "<EC fiscal code>:<receiptId>": what a ledger deduplicates on. The same for every attempt and
// every restart, different for each EC that received a copy of a multi-beneficiary receipt.
std::string idempotencyKey(const std::string& ec_fiscal_code, const std::string& receipt_id);

// The canonical JSON of a delivery: one object, keys sorted, no insignificant whitespace, UTF-8:
//   {"double_payment":false,"ec_fiscal_code":"...","idempotency_key":"...","receipt":{...},
//    "received_at_unix_ms":...,"rt_version":2,"unmatched":false}
// where "receipt" is store/receipt_json.h's form of the parsed receipt (amounts in cents). The
// same receipt always gives the same bytes, so a receiver may hash or sign it.
std::string canonicalJson(const store::Delivery& delivery, const core::Receipt& receipt);

class LedgerReceipt {
 public:
  // Builds the view of a delivery's receipt. Null with *error when its stored JSON cannot be
  // read (a damaged row: the caller dead-letters it for an operator).
  static std::unique_ptr<LedgerReceipt> fromDelivery(const store::Delivery& delivery,
                                                     std::string* error);

  LedgerReceipt(const LedgerReceipt&) = delete;
  LedgerReceipt& operator=(const LedgerReceipt&) = delete;

  // Valid while this object lives; every pointer in it refers to this object's memory.
  const ponte_ledger_receipt& abi() const { return abi_; }
  const std::string& key() const { return key_; }
  const std::string& json() const { return json_; }

 private:
  LedgerReceipt() = default;
  void fill(const store::Delivery& delivery);

  core::Receipt receipt_;
  std::string ec_;
  std::string key_;
  std::string json_;
  std::string xml_;
  std::string debtor_type_;
  std::string payer_type_;
  ponte_ledger_party debtor_{};
  ponte_ledger_party payer_{};
  std::vector<ponte_ledger_transfer> transfers_;
  ponte_ledger_receipt abi_{};
};

}  // namespace ponte::outbox
