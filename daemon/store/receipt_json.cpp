// Receipt <-> JSON. Written by hand in nlohmann::json's canonical form (sorted keys, its
// escaping), which every paSendRT pays for; read with nlohmann::json, without letting its
// exceptions escape.
#include "store/receipt_json.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/json_object_text.h"

namespace ponte::store {
namespace {

using nlohmann::json;

// Field readers: a missing key keeps the default, a key of the wrong type fails the whole read.
class Fields {
 public:
  explicit Fields(const json& object) : object_(object) {
    if (!object_.is_object()) ok_ = false;
  }
  bool ok() const { return ok_; }

  void text(const char* key, std::string& out) {
    if (const json* v = find(key)) {
      if (v->is_string()) {
        out = v->get<std::string>();
      } else {
        ok_ = false;
      }
    }
  }
  void integer(const char* key, std::int64_t& out) {
    if (const json* v = find(key)) {
      if (v->is_number_integer()) {
        out = v->get<std::int64_t>();
      } else {
        ok_ = false;
      }
    }
  }
  void integer(const char* key, int& out) {
    std::int64_t wide = out;
    integer(key, wide);
    if (wide < INT32_MIN || wide > INT32_MAX) ok_ = false;
    out = static_cast<int>(wide);
  }
  void optionalInteger(const char* key, std::optional<std::int64_t>& out) {
    if (find(key)) {
      std::int64_t v = 0;
      integer(key, v);
      out = v;
    }
  }
  void optionalBoolean(const char* key, std::optional<bool>& out) {
    if (const json* v = find(key)) {
      if (v->is_boolean()) {
        out = v->get<bool>();
      } else {
        ok_ = false;
      }
    }
  }
  void metadata(const char* key, std::vector<core::MapEntry>& out) {
    eachObject(key, [&](Fields& f) {
      core::MapEntry e;
      f.text("key", e.key);
      f.text("value", e.value);
      out.push_back(std::move(e));
    });
  }
  void subject(const json& value, core::Subject& out) {
    Fields f(value);
    std::string type;
    f.text("type", type);
    if (type.size() == 1) {
      out.type = type[0];
    } else if (!type.empty()) {
      ok_ = false;
    }
    f.text("fiscal_code", out.fiscal_code);
    f.text("full_name", out.full_name);
    f.text("street_name", out.street_name);
    f.text("civic_number", out.civic_number);
    f.text("postal_code", out.postal_code);
    f.text("city", out.city);
    f.text("province", out.province);
    f.text("country", out.country);
    f.text("email", out.email);
    f.text("phone", out.phone);
    if (!f.ok()) ok_ = false;
  }
  template <class Fn>
  void eachObject(const char* key, Fn fn) {
    const json* v = find(key);
    if (!v) return;
    if (!v->is_array()) {
      ok_ = false;
      return;
    }
    for (const json& item : *v) {
      Fields f(item);
      fn(f);
      if (!f.ok()) ok_ = false;
    }
  }
  const json* find(const char* key) const {
    if (!ok_) return nullptr;
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

 private:
  const json& object_;
  bool ok_ = true;
};


std::string metadataText(const std::vector<core::MapEntry>& entries) {
  std::string out = "[";
  for (const auto& e : entries) {
    if (out.size() > 1) out += ',';
    JsonObjectText entry;
    entry.text("key", e.key);
    entry.text("value", e.value);
    out += entry.take();
  }
  out += ']';
  return out;
}

std::string subjectText(const core::Subject& s) {
  JsonObjectText o;
  o.text("type", std::string_view(&s.type, 1));
  o.text("fiscal_code", s.fiscal_code);
  o.text("full_name", s.full_name);
  o.text("street_name", s.street_name);
  o.text("civic_number", s.civic_number);
  o.text("postal_code", s.postal_code);
  o.text("city", s.city);
  o.text("province", s.province);
  o.text("country", s.country);
  o.text("email", s.email);
  o.text("phone", s.phone);
  return o.take();
}

}  // namespace

std::string receiptToJson(const core::Receipt& r) {
  std::string transfers = "[";
  for (const auto& t : r.transfers) {
    if (transfers.size() > 1) transfers += ',';
    JsonObjectText o;
    o.integer("id_transfer", t.id_transfer);
    o.integer("amount_cents", t.amount);
    o.text("fiscal_code_pa", t.fiscal_code_pa);
    o.text("company_name", t.company_name);
    o.text("iban", t.iban);
    o.text("mbd_attachment", t.mbd_attachment);
    o.text("remittance_information", t.remittance_information);
    o.text("category", t.category);
    o.raw("metadata", metadataText(t.metadata));
    transfers += o.take();
  }
  transfers += ']';
  JsonObjectText o;
  o.text("receipt_id", r.receipt_id);
  o.text("notice_number", r.notice_number);
  o.text("fiscal_code", r.fiscal_code);
  o.text("outcome", r.outcome);
  o.text("creditor_reference_id", r.creditor_reference_id);
  o.integer("payment_amount_cents", r.payment_amount);
  o.text("description", r.description);
  o.text("company_name", r.company_name);
  o.text("office_name", r.office_name);
  o.raw("debtor", subjectText(r.debtor));
  o.raw("transfers", std::move(transfers));
  o.text("id_psp", r.id_psp);
  o.text("psp_fiscal_code", r.psp_fiscal_code);
  o.text("psp_partita_iva", r.psp_partita_iva);
  o.text("psp_company_name", r.psp_company_name);
  o.text("id_channel", r.id_channel);
  o.text("channel_description", r.channel_description);
  o.text("payment_method", r.payment_method);
  o.text("payment_note", r.payment_note);
  o.text("id_bundle", r.id_bundle);
  o.text("id_ci_bundle", r.id_ci_bundle);
  o.text("payment_date_time", r.payment_date_time);
  o.text("application_date", r.application_date);
  o.text("transfer_date", r.transfer_date);
  o.raw("metadata", metadataText(r.metadata));
  if (r.payer) o.raw("payer", subjectText(*r.payer));
  if (r.fee) o.integer("fee_cents", *r.fee);
  if (r.primary_ci_incurred_fee) {
    o.integer("primary_ci_incurred_fee_cents", *r.primary_ci_incurred_fee);
  }
  if (r.stand_in) o.boolean("stand_in", *r.stand_in);
  return o.take();
}

std::optional<core::Receipt> receiptFromJson(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::nullopt;
  core::Receipt r;
  Fields f(doc);
  f.text("receipt_id", r.receipt_id);
  f.text("notice_number", r.notice_number);
  f.text("fiscal_code", r.fiscal_code);
  f.text("outcome", r.outcome);
  f.text("creditor_reference_id", r.creditor_reference_id);
  f.integer("payment_amount_cents", r.payment_amount);
  f.text("description", r.description);
  f.text("company_name", r.company_name);
  f.text("office_name", r.office_name);
  if (const json* debtor = f.find("debtor")) f.subject(*debtor, r.debtor);
  f.eachObject("transfers", [&](Fields& t) {
    core::ReceiptTransfer transfer;
    t.integer("id_transfer", transfer.id_transfer);
    t.integer("amount_cents", transfer.amount);
    t.text("fiscal_code_pa", transfer.fiscal_code_pa);
    t.text("company_name", transfer.company_name);
    t.text("iban", transfer.iban);
    t.text("mbd_attachment", transfer.mbd_attachment);
    t.text("remittance_information", transfer.remittance_information);
    t.text("category", transfer.category);
    t.metadata("metadata", transfer.metadata);
    r.transfers.push_back(std::move(transfer));
  });
  f.text("id_psp", r.id_psp);
  f.text("psp_fiscal_code", r.psp_fiscal_code);
  f.text("psp_partita_iva", r.psp_partita_iva);
  f.text("psp_company_name", r.psp_company_name);
  f.text("id_channel", r.id_channel);
  f.text("channel_description", r.channel_description);
  if (const json* payer = f.find("payer")) {
    core::Subject s;
    f.subject(*payer, s);
    r.payer = std::move(s);
  }
  f.text("payment_method", r.payment_method);
  f.text("payment_note", r.payment_note);
  f.optionalInteger("fee_cents", r.fee);
  f.optionalInteger("primary_ci_incurred_fee_cents", r.primary_ci_incurred_fee);
  f.text("id_bundle", r.id_bundle);
  f.text("id_ci_bundle", r.id_ci_bundle);
  f.text("payment_date_time", r.payment_date_time);
  f.text("application_date", r.application_date);
  f.text("transfer_date", r.transfer_date);
  f.metadata("metadata", r.metadata);
  f.optionalBoolean("stand_in", r.stand_in);
  if (!f.ok()) return std::nullopt;
  return r;
}

}  // namespace ponte::store
