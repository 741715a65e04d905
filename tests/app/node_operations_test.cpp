// The six operations decided by NodeOperations, on a real SQLite store with the demo positions.
#include <catch2/catch.hpp>

#include <future>

#include "fixture.h"

using namespace ponte;
using namespace ponte::testing;
using core::FaultCode;

namespace {

template <class T>
FaultCode faultOf(const core::Answer<T>& answer) {
  REQUIRE(std::holds_alternative<core::Fault>(answer));
  return std::get<core::Fault>(answer).code;
}

core::VerifyRequest verifyOf(const Fixture& f, const char* nav, const char* ec = kValbruna,
                             const char* station = kStation1) {
  return core::VerifyRequest{f.caller(ec, station), {ec, nav}};
}

core::GetPaymentRequest getOf(const Fixture& f, const char* nav, bool v2 = true,
                              core::TransferType type = core::TransferType::kAny) {
  core::GetPaymentRequest r;
  r.caller = f.caller();
  r.qr = {kValbruna, nav};
  r.v2 = v2;
  r.transfer_type = type;
  return r;
}

core::Receipt receiptFor(const char* nav, const std::string& id, core::Cents amount,
                         const char* ec = kValbruna) {
  core::Receipt r;
  r.receipt_id = id;
  r.notice_number = nav;
  r.fiscal_code = ec;
  r.outcome = "OK";
  r.creditor_reference_id = std::string(nav).substr(1);
  r.payment_amount = amount;
  r.description = "payment";
  r.company_name = "Comune";
  r.debtor.fiscal_code = "RSSMRA80A01H501U";
  r.debtor.full_name = "Mario Rossi";
  r.transfers.push_back({1, amount, ec, "", "IT61X0306909606100000012345", "", "remittance", "9/0101109SE/", {}});
  r.id_psp = "BCITITMM";
  r.psp_company_name = "Banca";
  r.id_channel = "BCITITMM_01";
  r.channel_description = "app";
  r.payment_date_time = "2026-11-22T10:59:00";
  return r;
}

core::Answer<core::SendRtResult> sendRt(Fixture& f, const core::Receipt& receipt,
                                        const char* station = kStation1, const char* ec = kValbruna) {
  std::promise<core::Answer<core::SendRtResult>> done;
  core::SendRtRequest request{f.caller(ec, station), receipt, true};
  f.operations->sendRt(request, "<raw/>", [&](core::Answer<core::SendRtResult> a) { done.set_value(std::move(a)); });
  return done.get_future().get();
}

core::Answer<core::DemandResult> demand(Fixture& f, const char* servizio, const std::string& xml) {
  std::promise<core::Answer<core::DemandResult>> done;
  core::DemandRequest request{f.caller(), servizio, "00001", xml};
  f.operations->demand(request, [&](core::Answer<core::DemandResult> a) { done.set_value(std::move(a)); });
  return done.get_future().get();
}

}  // namespace

TEST_CASE("verify answers the amount due today and the EC's names", "[app]") {
  Fixture f;
  auto answer = f.operations->verify(verifyOf(f, kSingle));
  REQUIRE(std::holds_alternative<core::VerifyResult>(answer));
  const auto& v = std::get<core::VerifyResult>(answer);
  CHECK(v.option.amount == 12000);
  CHECK(v.option.due_date == core::Date::parse("2026-12-22"));
  CHECK(v.fiscal_code_pa == kValbruna);
  CHECK(v.company_name == "Comune di Valbruna");
  CHECK(v.office_name == "Ufficio Tributi");
  CHECK_FALSE(v.option.all_ccp);
  CHECK(std::get<core::VerifyResult>(f.operations->verify(verifyOf(f, kPostal))).option.all_ccp);
}

TEST_CASE("the caller is checked against the configuration", "[app]") {
  Fixture f;
  auto req = verifyOf(f, kSingle);
  req.caller.id_broker_pa = "99999999999";
  CHECK(faultOf(f.operations->verify(req)) == FaultCode::kIdIntermediarioErrato);
  req = verifyOf(f, kSingle);
  req.caller.id_station = "15376371009_99";
  CHECK(faultOf(f.operations->verify(req)) == FaultCode::kStazioneIntErrata);
  req = verifyOf(f, kSingle, "01234567890");
  CHECK(faultOf(f.operations->verify(req)) == FaultCode::kIdDominioErrato);
  CHECK(f.operations->faultId(req.caller) == kBroker);
  // Monteverde is served, but on the other station.
  req = verifyOf(f, kMonteverde1, kMonteverde, kStation1);
  CHECK(faultOf(f.operations->verify(req)) == FaultCode::kIdDominioErrato);
  req = verifyOf(f, kSingle);
  req.qr.fiscal_code = kMonteverde;
  CHECK(faultOf(f.operations->verify(req)) == FaultCode::kIdDominioErrato);
}

TEST_CASE("unknown, malformed and probe notices are PAA_PAGAMENTO_SCONOSCIUTO", "[app]") {
  Fixture f;
  CHECK(faultOf(f.operations->verify(verifyOf(f, "000000000000000000"))) == FaultCode::kPagamentoSconosciuto);
  CHECK(faultOf(f.operations->verify(verifyOf(f, "301000000000099999"))) == FaultCode::kPagamentoSconosciuto);
  // Right check digits, but no such position.
  CHECK(faultOf(f.operations->verify(verifyOf(f, "301000000000999921"))) == FaultCode::kPagamentoSconosciuto);
  // Segregation code of the other station.
  CHECK(faultOf(f.operations->verify(verifyOf(f, kMonteverde1))) == FaultCode::kPagamentoSconosciuto);
  // The other EC's notice is not found under this EC.
  CHECK(faultOf(f.operations->verify(verifyOf(f, kDraft))) == FaultCode::kPagamentoSconosciuto);
}

TEST_CASE("each status gets its fault", "[app]") {
  Fixture f;
  CHECK(faultOf(f.operations->verify(verifyOf(f, kExpired))) == FaultCode::kPagamentoScaduto);
  CHECK(faultOf(f.operations->verify(verifyOf(f, kCancelled))) == FaultCode::kPagamentoAnnullato);
  CHECK(faultOf(f.operations->verify(verifyOf(f, kPaid))) == FaultCode::kPagamentoDuplicato);
  auto coercive = f.operations->verify(verifyOf(f, kCoercive));
  CHECK(faultOf(coercive) == FaultCode::kPagamentoAnnullato);
  CHECK_THAT(std::get<core::Fault>(coercive).description, Catch::Contains("ADER-2026-000123"));
}

TEST_CASE("a traffic fine costs less within 5 days and more after 60", "[app]") {
  Fixture f;
  auto amountOn = [&](std::int64_t days_later) {
    f.clock.set(kFixtureNowMs + days_later * 86'400'000);
    auto a = f.operations->verify(verifyOf(f, kFine));
    REQUIRE(std::holds_alternative<core::VerifyResult>(a));
    return std::get<core::VerifyResult>(a).option.amount;
  };
  CHECK(amountOn(0) == 2940);   // notified 2 days ago
  CHECK(amountOn(3) == 2940);   // the fifth day after notification
  CHECK(amountOn(4) == 4200);
  CHECK(amountOn(58) == 4200);  // day 60
  CHECK(amountOn(59) == 8400);
  f.clock.set(kFixtureNowMs);
  auto data = std::get<core::PaymentData>(f.operations->getPayment(getOf(f, kFine)));
  CHECK(data.payment_amount == 2940);
  CHECK(data.transfers.at(0).amount == 2940);
}

TEST_CASE("paGetPayment chooses accounts by transferType and never changes state", "[app]") {
  Fixture f;
  auto before = f.store->findByNotice(kValbruna, kTari);
  auto any = std::get<core::PaymentData>(f.operations->getPayment(getOf(f, kTari)));
  REQUIRE(any.transfers.size() == 2);
  CHECK(any.payment_amount == 21000);
  CHECK(any.creditor_reference_id == std::string(kTari).substr(1));
  CHECK(any.transfers[0].iban == "IT61X0306909606100000012345");
  CHECK(any.transfers[0].company_name == "Comune di Valbruna");
  CHECK(any.transfers[1].fiscal_code_pa == "80011470731");
  CHECK(any.transfers[1].iban == "IT38C0200805364000101010101");
  CHECK(any.debtor.fiscal_code == "RSSMRA80A01H501U");

  auto postal = std::get<core::PaymentData>(f.operations->getPayment(getOf(f, kPostal, true, core::TransferType::kPostal)));
  CHECK(postal.transfers[0].iban == "IT66K0760103200001012345678");
  auto pagopa = std::get<core::PaymentData>(f.operations->getPayment(getOf(f, kPostal, true, core::TransferType::kPagopa)));
  CHECK(pagopa.transfers[0].iban == "IT66K0760103200001012345678");

  for (int i = 0; i < 3; ++i) REQUIRE(std::holds_alternative<core::PaymentData>(f.operations->getPayment(getOf(f, kTari))));
  auto after = f.store->findByNotice(kValbruna, kTari);
  CHECK(before.value()->position == after.value()->position);
}

TEST_CASE("a digital stamp is answered in V2 only", "[app]") {
  Fixture f;
  CHECK(faultOf(f.operations->getPayment(getOf(f, kStamp, false))) == FaultCode::kSemantica);
  auto v2 = std::get<core::PaymentData>(f.operations->getPayment(getOf(f, kStamp, true)));
  REQUIRE(v2.transfers.size() == 2);
  CHECK(v2.transfers[1].iban.empty());
  REQUIRE(v2.transfers[1].stamp);
  CHECK(v2.transfers[1].stamp->provincial_residence == "RM");
}

TEST_CASE("a receipt pays the notice once, and the same again is OK and stored once", "[app]") {
  Fixture f;
  auto r = receiptFor(kSingle, "a1b2c3d4e5f60718293a4b5c6d7e8f90", 12000);
  CHECK(std::holds_alternative<core::SendRtResult>(sendRt(f, r)));
  CHECK(faultOf(f.operations->verify(verifyOf(f, kSingle))) == FaultCode::kPagamentoDuplicato);
  CHECK(std::holds_alternative<core::SendRtResult>(sendRt(f, r)));
  auto receipts = f.store->listReceipts(kValbruna, 0, INT64_MAX);
  REQUIRE(receipts.value().size() == 1);
  CHECK(receipts.value()[0].receipt_id == r.receipt_id);
  CHECK_FALSE(receipts.value()[0].double_payment);
}

TEST_CASE("a second payment is stored and flagged, and the answer follows the station", "[app]") {
  Fixture f;
  REQUIRE(std::holds_alternative<core::SendRtResult>(sendRt(f, receiptFor(kSingle, "first", 12000))));
  // Station 1 answers OK to a double payment.
  CHECK(std::holds_alternative<core::SendRtResult>(sendRt(f, receiptFor(kSingle, "second", 12000))));
  // Station 2 answers PAA_RECEIPT_DUPLICATA.
  REQUIRE(std::holds_alternative<core::SendRtResult>(
      sendRt(f, receiptFor(kMonteverde1, "m-first", 1650, kMonteverde), kStation2, kMonteverde)));
  CHECK(faultOf(sendRt(f, receiptFor(kMonteverde1, "m-second", 1650, kMonteverde), kStation2, kMonteverde)) ==
        FaultCode::kReceiptDuplicata);
  auto receipts = f.store->listReceipts(kValbruna, 0, INT64_MAX).value();
  REQUIRE(receipts.size() == 2);
  CHECK(receipts[0].double_payment != receipts[1].double_payment);
  CHECK(f.store->listReceipts(kMonteverde, 0, INT64_MAX).value().size() == 2);
}

TEST_CASE("a stand-in receipt for an unknown notice or another amount is still stored", "[app]") {
  Fixture f;
  auto r = receiptFor("301000000000999921", "standin-1", 5000);
  r.stand_in = true;
  CHECK(std::holds_alternative<core::SendRtResult>(sendRt(f, r)));
  auto other = receiptFor(kTari, "standin-2", 20000);  // not the 210.00 due
  other.stand_in = true;
  CHECK(std::holds_alternative<core::SendRtResult>(sendRt(f, other)));
  auto receipts = f.store->listReceipts(kValbruna, 0, INT64_MAX).value();
  REQUIRE(receipts.size() == 2);
  CHECK(faultOf(f.operations->verify(verifyOf(f, kTari))) == FaultCode::kPagamentoDuplicato);
}

TEST_CASE("paying an installment makes the single payment unpayable", "[app]") {
  Fixture f;
  REQUIRE(std::holds_alternative<core::SendRtResult>(sendRt(f, receiptFor(kImuRata1, "rata-1", 30000))));
  CHECK(faultOf(f.operations->verify(verifyOf(f, kImuSingle))) == FaultCode::kPagamentoDuplicato);
  CHECK(std::holds_alternative<core::VerifyResult>(f.operations->verify(verifyOf(f, "301000000000020360"))));
  auto position = f.store->findByNotice(kValbruna, kImuRata1).value();
  CHECK(position->position.status == core::PositionStatus::kPartiallyPaid);
}

TEST_CASE("paDemandPaymentNotice creates a payable notice from the catalogue", "[app]") {
  Fixture f;
  auto created = demand(f, "00001", "<service xmlns=\"http://PuntoAccessoPSP.spcoop.gov.it/GeneralService\"/>");
  REQUIRE(std::holds_alternative<core::DemandResult>(created));
  const auto& d = std::get<core::DemandResult>(created);
  CHECK(d.qr.fiscal_code == kValbruna);
  CHECK(d.qr.notice_number.substr(0, 4) == "3017");
  CHECK(d.verify.option.amount == 1600);
  auto verified = f.operations->verify(verifyOf(f, d.qr.notice_number.c_str()));
  REQUIRE(std::holds_alternative<core::VerifyResult>(verified));
  CHECK(std::get<core::VerifyResult>(verified).option.amount == 1600);

  auto second = demand(f, "00001", "<service/>");
  REQUIRE(std::holds_alternative<core::DemandResult>(second));
  CHECK(std::get<core::DemandResult>(second).qr.notice_number != d.qr.notice_number);

  auto fine = demand(f, "00002", "<service><importo>25.50</importo><debtorFullName>Anna Blu</debtorFullName></service>");
  REQUIRE(std::holds_alternative<core::DemandResult>(fine));
  CHECK(std::get<core::DemandResult>(fine).verify.option.amount == 2550);
}

TEST_CASE("paDemandPaymentNotice refuses unknown services and bad service data", "[app]") {
  Fixture f;
  CHECK(faultOf(demand(f, "00009", "<service/>")) == FaultCode::kSemantica);
  CHECK(faultOf(demand(f, "00002", "<service><importo>1e5</importo></service>")) == FaultCode::kSemantica);
  CHECK(faultOf(demand(f, "00002", "<service><importo>9999.00</importo></service>")) == FaultCode::kSemantica);
  CHECK(faultOf(demand(f, "00002", "<!DOCTYPE x [<!ENTITY a \"b\">]><service/>")) == FaultCode::kSemantica);
  CHECK(faultOf(demand(f, "00002", "<other/>")) == FaultCode::kSemantica);
  CHECK(faultOf(demand(f, "00002", "<service>")) == FaultCode::kSemantica);
}
