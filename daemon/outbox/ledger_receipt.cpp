// Turning a stored delivery into what ponte/ledger.h hands to an adapter.
#include "outbox/ledger_receipt.h"

#include "store/json_object_text.h"
#include "store/receipt_json.h"

namespace ponte::outbox {
namespace {

ponte_ledger_str str(const std::string& s) { return ponte_ledger_str{s.c_str(), s.size()}; }

ponte_ledger_party party(const core::Subject& subject, const std::string& type) {
  ponte_ledger_party p{};
  p.struct_size = sizeof p;
  p.type = str(type);
  p.fiscal_code = str(subject.fiscal_code);
  p.full_name = str(subject.full_name);
  p.email = str(subject.email);
  return p;
}

}  // namespace

std::string idempotencyKey(const std::string& ec_fiscal_code, const std::string& receipt_id) {
  return ec_fiscal_code + ":" + receipt_id;
}

std::string canonicalJson(const store::Delivery& delivery, const core::Receipt& receipt) {
  // Members sorted by key, nlohmann::json's escaping: the same bytes as its dump() would give.
  store::JsonObjectText out;
  out.text("ec_fiscal_code", delivery.ec_fiscal_code);
  out.text("idempotency_key", idempotencyKey(delivery.ec_fiscal_code, receipt.receipt_id));
  out.integer("received_at_unix_ms", delivery.receipt.received_at_unix_ms);
  out.integer("rt_version", delivery.receipt.v2 ? 2 : 1);
  out.boolean("double_payment", delivery.receipt.double_payment);
  out.boolean("unmatched", delivery.receipt.unmatched);
  out.raw("receipt", store::receiptToJson(receipt));
  return out.take();
}

std::unique_ptr<LedgerReceipt> LedgerReceipt::fromDelivery(const store::Delivery& delivery,
                                                           std::string* error) {
  auto parsed = store::receiptFromJson(delivery.receipt_json);
  if (!parsed) {
    *error = "the stored receipt " + delivery.receipt.receipt_id + " of EC " +
             delivery.ec_fiscal_code + " cannot be read back (damaged row)";
    return nullptr;
  }
  auto view = std::unique_ptr<LedgerReceipt>(new LedgerReceipt());
  view->receipt_ = std::move(*parsed);
  view->fill(delivery);
  return view;
}

void LedgerReceipt::fill(const store::Delivery& delivery) {
  const core::Receipt& r = receipt_;
  ec_ = delivery.ec_fiscal_code;
  key_ = idempotencyKey(ec_, r.receipt_id);
  json_ = canonicalJson(delivery, r);
  xml_ = delivery.receipt.raw_xml;
  debtor_type_ = std::string(1, r.debtor.type);
  debtor_ = party(r.debtor, debtor_type_);
  if (r.payer) {
    payer_type_ = std::string(1, r.payer->type);
    payer_ = party(*r.payer, payer_type_);
  }
  transfers_.reserve(r.transfers.size());
  for (const core::ReceiptTransfer& t : r.transfers) {
    ponte_ledger_transfer x{};
    x.struct_size = sizeof x;
    x.id_transfer = t.id_transfer;
    x.amount_cents = t.amount;
    x.beneficiary_fiscal_code = str(t.fiscal_code_pa);
    x.beneficiary_name = str(t.company_name);
    x.iban = str(t.iban);
    x.category = str(t.category);
    x.remittance_information = str(t.remittance_information);
    transfers_.push_back(x);
  }
  ponte_ledger_receipt& a = abi_;
  a.struct_size = sizeof a;
  a.ec_fiscal_code = str(ec_);
  a.idempotency_key = str(key_);
  a.notice_number = str(r.notice_number);
  a.iuv = str(r.creditor_reference_id);
  a.receipt_id = str(r.receipt_id);
  a.amount_cents = r.payment_amount;
  a.fee_cents = r.fee ? *r.fee : -1;
  a.payment_date_time = str(r.payment_date_time);
  a.debtor = &debtor_;
  a.payer = r.payer ? &payer_ : nullptr;
  a.transfers = transfers_.data();
  a.transfer_count = transfers_.size();
  a.psp_id = str(r.id_psp);
  a.psp_name = str(r.psp_company_name);
  a.double_payment = delivery.receipt.double_payment ? 1 : 0;
  a.stand_in = r.stand_in.value_or(false) ? 1 : 0;
  a.json = str(json_);
  a.xml = str(xml_);
}

}  // namespace ponte::outbox
