// Store test builders.
#include "store_fixtures.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/notice_number.h"

namespace ponte::store::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/ponte-store-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Notice notice(std::uint64_t serial) {
  char base[14];
  std::snprintf(base, sizeof base, "%013llu", static_cast<unsigned long long>(serial));
  auto n = core::buildNoticeNumber(3, "01", base);
  if (!n) throw std::logic_error("fixture notice number");
  return Notice{n->nav, n->iuv};
}

namespace {

core::Date day(int y, unsigned m, unsigned d) { return *core::Date::fromYmd(y, m, d); }

core::Transfer transfer(int id, core::Cents amount, const std::string& ec) {
  core::Transfer t;
  t.id_transfer = id;
  t.amount = amount;
  t.organization_fiscal_code = ec;
  t.company_name = "Comune di Prova";
  t.iban = "IT60X0542811101000000123456";
  t.remittance_information = "TARI 2026 rata unica";
  t.category = "9/0101100IM/";
  t.metadata = {{"capitolo", "1234"}, {"anno", "2026"}};
  return t;
}

core::PaymentOption option(const std::string& ec, std::uint64_t serial, core::Cents amount,
                           bool installment) {
  Notice n = notice(serial);
  core::PaymentOption o;
  o.iuv = n.iuv;
  o.nav = n.nav;
  o.amount = amount;
  o.description = installment ? "Rata TARI" : "TARI 2026";
  o.is_partial_payment = installment;
  o.payment_plan_id = installment ? "plan-1" : "";
  o.due_date = day(2026, 12, 31);
  o.retention_date = day(2027, 12, 31);
  o.fee = 100;
  o.metadata = {{"fonte", "test"}};
  o.transfers.push_back(transfer(1, amount - 1600, ec));
  core::Transfer stamp = transfer(2, 1600, ec);
  stamp.iban.clear();
  stamp.stamp = core::StampRequest{"cXVlc3RvIMOoIHVuIGhhc2g=", "01", "RM"};
  o.transfers.push_back(stamp);
  o.schedule = {
      core::AmountStep{day(2026, 12, 5), amount - 300, {amount - 1900, 1600}, "reduced"},
      core::AmountStep{std::nullopt, amount, {amount - 1600, 1600}, "ordinary"},
  };
  return o;
}

}  // namespace

core::DebtPosition singlePosition(const std::string& ec, const std::string& iupd,
                                  std::uint64_t serial) {
  core::DebtPosition p;
  p.ec_fiscal_code = ec;
  p.iupd = iupd;
  p.debtor.type = 'F';
  p.debtor.fiscal_code = "RSSMRA80A01H501U";
  p.debtor.full_name = "Mario Rossi";
  p.company_name = "Comune di Prova";
  p.status = core::PositionStatus::kValid;
  core::PaymentOption o = option(ec, serial, 10000, false);
  o.transfers[0].postal_iban = "IT12A0760103200000012345678";
  p.options.push_back(std::move(o));
  return p;
}

core::DebtPosition fullPosition(const std::string& ec, const std::string& iupd,
                                std::uint64_t serial, int installments) {
  core::DebtPosition p;
  p.ec_fiscal_code = ec;
  p.iupd = iupd;
  p.debtor = core::Subject{
      'G',  "01234567890", "Società Esempio S.r.l. — àèìòù", "Via Roma",     "1/A", "00100", "Roma",
      "RM", "IT",          "amministrazione@example.it",     "+39 06 000000"};
  p.company_name = "Comune di Prova";
  p.office_name = "Ufficio Tributi";
  p.validity_date = day(2026, 1, 1);
  p.switch_to_expired = true;
  p.pay_stand_in = false;
  p.status = core::PositionStatus::kValid;
  p.coercive = core::CoerciveCollection{false, "RIF-000", "https://riscossione.example.it"};
  p.options.push_back(option(ec, serial, 30000, false));
  for (int i = 1; i <= installments; ++i) {
    core::PaymentOption o = option(ec, serial + static_cast<std::uint64_t>(i), 10000, true);
    o.due_date = day(2026, static_cast<unsigned>(i), 28);
    o.schedule.clear();
    p.options.push_back(std::move(o));
  }
  return p;
}

ReceiptWrite receiptFor(const std::string& ec, const std::string& nav,
                        const std::string& receipt_id, std::int64_t received_at_unix_ms,
                        std::vector<std::string> routes) {
  ReceiptWrite w;
  w.ec_fiscal_code = ec;
  w.v2 = true;
  w.received_at_unix_ms = received_at_unix_ms;
  w.ledger_routes = std::move(routes);
  core::Receipt& r = w.receipt;
  r.receipt_id = receipt_id;
  r.notice_number = nav;
  r.fiscal_code = ec;
  r.outcome = "OK";
  r.creditor_reference_id = nav.substr(1);
  r.payment_amount = 10000;
  r.description = "TARI 2026";
  r.company_name = "Comune di Prova";
  r.debtor.fiscal_code = "RSSMRA80A01H501U";
  r.debtor.full_name = "Mario Rossi";
  core::ReceiptTransfer t;
  t.id_transfer = 1;
  t.amount = 10000;
  t.fiscal_code_pa = ec;
  t.iban = "IT60X0542811101000000123456";
  t.remittance_information = "TARI";
  t.category = "9/0101100IM/";
  t.metadata = {{"k", "v"}};
  r.transfers.push_back(t);
  r.id_psp = "BCITITMM";
  r.psp_company_name = "Banca Esempio";
  r.id_channel = "BCITITMM_01";
  r.channel_description = "app";
  r.payer = r.debtor;
  r.payment_method = "creditCard";
  r.payment_note = "cart-1";
  r.fee = 150;
  r.primary_ci_incurred_fee = 50;
  r.id_bundle = "bundle-1";
  r.payment_date_time = "2026-11-22T10:11:12";
  r.application_date = "2026-11-22";
  r.transfer_date = "2026-11-23";
  r.stand_in = false;
  w.raw_xml = "<soapenv:Envelope>" + receipt_id + "</soapenv:Envelope>";
  return w;
}

Result<ReceiptOutcome> commit(Store& store, ReceiptWrite write) {
  auto promise = std::make_shared<std::promise<Result<ReceiptOutcome>>>();
  auto future = promise->get_future();
  store.commitReceipt(std::move(write),
                      [promise](Result<ReceiptOutcome> r) { promise->set_value(std::move(r)); });
  return await(std::move(future));
}

Result<core::DebtPosition> createSpontaneous(Store& store, const std::string& ec,
                                             const std::string& counter,
                                             std::uint64_t* value_seen) {
  auto promise = std::make_shared<std::promise<Result<core::DebtPosition>>>();
  auto future = promise->get_future();
  store.createWithSequence(
      ec, counter,
      [ec, value_seen](std::uint64_t value) {
        if (value_seen) *value_seen = value;
        return singlePosition(ec, "SPONT-" + std::to_string(value), 7'000'000'000 + value);
      },
      [promise](Result<core::DebtPosition> r) { promise->set_value(std::move(r)); });
  return await(std::move(future));
}

}  // namespace ponte::store::testing
