// Encoding answers: every response shape of every operation, OK and KO, validated against our
// XSD and the official one; what is cut, left out or replaced when an answer cannot be sent.
#include <catch2/catch.hpp>

#include "samples.h"
#include "schema_check.h"
#include "soap/codec.h"

namespace ponte::soap {
namespace {

using core::FaultCode;
using core::Operation;

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::size_t count(const std::string& text, std::string_view part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

core::Subject debtor() {
  core::Subject s;
  s.type = 'F';
  s.fiscal_code = "RSSMRA80A01H501U";
  s.full_name = "Mario Rossi";
  s.street_name = "Via Roma";
  s.civic_number = "12";
  s.postal_code = "98030";
  s.city = "Roccafiorita";
  s.province = "ME";
  s.country = "IT";
  s.email = "mario.rossi@example.it";
  return s;
}

core::VerifyResult verifyResult() {
  core::VerifyResult r;
  r.option.amount = 12000;
  r.option.due_date = core::Date::fromYmd(2026, 12, 31);
  r.option.detail_description = "Mensa scolastica";
  r.option.all_ccp = true;
  r.payment_description = "Mensa scolastica - primo quadrimestre";
  r.fiscal_code_pa = "80015010723";
  r.company_name = "Comune di Roccafiorita";
  r.office_name = "Ufficio Tributi";
  return r;
}

core::PaymentData paymentData(bool with_stamp) {
  core::PaymentData d;
  d.creditor_reference_id = "01000000000012373";
  d.payment_amount = 12000;
  d.due_date = *core::Date::fromYmd(2026, 12, 31);
  d.retention_date = "2027-01-31T23:59:59";
  d.last_payment = false;
  d.description = "Mensa scolastica - primo quadrimestre";
  d.company_name = "Comune di Roccafiorita";
  d.office_name = "Ufficio Tributi";
  d.debtor = debtor();
  core::PaymentTransfer first;
  first.id_transfer = 1;
  first.amount = 10000;
  first.fiscal_code_pa = "80015010723";
  first.company_name = "Comune di Roccafiorita";
  first.iban = "IT61X0306909606100000012345";
  first.remittance_information = "Mensa scolastica 2026 Rossi";
  first.category = "9/0101109SE/";
  first.metadata = {{"IBANAPPOGGIO", "IT66K0760103200001012345678"}};
  core::PaymentTransfer second;
  second.id_transfer = 2;
  second.amount = 2000;
  second.fiscal_code_pa = "80011470731";
  second.company_name = "Provincia di Messina";
  if (with_stamp) {
    second.stamp = core::StampRequest{"cXVlc3RvIMOoIHVuIGhhc2ggZGkgZXNlbXBpbw==", "01", "ME"};
  } else {
    second.iban = "IT38C0200805364000101010101";
  }
  second.remittance_information = "Quota provinciale";
  second.category = "9/0101108TS/";
  d.transfers = {first, second};
  d.metadata = {{"pratica", "2026/77"}};
  return d;
}

core::DemandResult demandResult() {
  core::DemandResult r;
  r.qr = {"80015010723", "301000000000012373"};
  r.verify = verifyResult();
  return r;
}

// An OK answer for op.
core::NodeAnswer okAnswer(Operation op) {
  core::NodeAnswer answer;
  switch (op) {
    case Operation::kVerify:
      answer.emplace<core::Answer<core::VerifyResult>>(verifyResult());
      break;
    case Operation::kGetPayment:
    case Operation::kGetPaymentV2:
      answer.emplace<core::Answer<core::PaymentData>>(paymentData(op == Operation::kGetPaymentV2));
      break;
    case Operation::kSendRt:
    case Operation::kSendRtV2:
      answer.emplace<core::Answer<core::SendRtResult>>(core::SendRtResult{});
      break;
    case Operation::kDemand:
      answer.emplace<core::Answer<core::DemandResult>>(demandResult());
      break;
  }
  return answer;
}

// A KO answer for op, in op's own answer type.
core::NodeAnswer koAnswer(Operation op, core::Fault fault) {
  switch (op) {
    case Operation::kVerify:
      return core::Answer<core::VerifyResult>(fault);
    case Operation::kGetPayment:
    case Operation::kGetPaymentV2:
      return core::Answer<core::PaymentData>(fault);
    case Operation::kSendRt:
    case Operation::kSendRtV2:
      return core::Answer<core::SendRtResult>(fault);
    case Operation::kDemand:
      return core::Answer<core::DemandResult>(fault);
  }
  return {};
}

constexpr Operation kAll[] = {Operation::kVerify, Operation::kGetPayment, Operation::kGetPaymentV2,
                              Operation::kSendRt, Operation::kSendRtV2,   Operation::kDemand};

constexpr FaultCode kAllFaults[] = {
    FaultCode::kSintassiXsd,        FaultCode::kSintassiExtraXsd,
    FaultCode::kIdDominioErrato,    FaultCode::kIdIntermediarioErrato,
    FaultCode::kStazioneIntErrata,  FaultCode::kPagamentoSconosciuto,
    FaultCode::kPagamentoDuplicato, FaultCode::kPagamentoInCorso,
    FaultCode::kPagamentoScaduto,   FaultCode::kPagamentoAnnullato,
    FaultCode::kSemantica,          FaultCode::kReceiptDuplicata,
    FaultCode::kSystemError,
};

std::string_view responseName(Operation op) {
  switch (op) {
    case Operation::kVerify:
      return "paVerifyPaymentNoticeRes";
    case Operation::kGetPayment:
      return "paGetPaymentRes";
    case Operation::kGetPaymentV2:
      return "paGetPaymentV2Response";
    case Operation::kSendRt:
      return "paSendRTRes";
    case Operation::kSendRtV2:
      return "paSendRTV2Response";
    case Operation::kDemand:
      return "paDemandPaymentNoticeResponse";
  }
  return {};
}

TEST_CASE("OK answers of every operation are valid responses", "[unit]") {
  Codec codec;
  for (const Operation op : kAll) {
    INFO(core::operationName(op));
    const std::string out = codec.encode(op, okAnswer(op), "80015010723");
    CHECK(codec.lastEncodeIssue().empty());
    test::requireValidResponse(out);
    CHECK(has(out, "<pafn:" + std::string(responseName(op)) + " xmlns:pafn=\"" +
                       std::string(test::kPaForNodeNs) + "\"><outcome>OK</outcome>"));
    CHECK_FALSE(has(out, "<fault>"));
  }
}

TEST_CASE("a verify answer is exactly this envelope", "[unit]") {
  Codec codec;
  CHECK(codec.encode(Operation::kVerify, okAnswer(Operation::kVerify), "80015010723") ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
        "<soapenv:Body>"
        "<pafn:paVerifyPaymentNoticeRes "
        "xmlns:pafn=\"http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd\">"
        "<outcome>OK</outcome>"
        "<paymentList><paymentOptionDescription><amount>120.00</amount><options>EQ</options>"
        "<dueDate>2026-12-31</dueDate><detailDescription>Mensa scolastica</detailDescription>"
        "<allCCP>true</allCCP></paymentOptionDescription></paymentList>"
        "<paymentDescription>Mensa scolastica - primo quadrimestre</paymentDescription>"
        "<fiscalCodePA>80015010723</fiscalCodePA><companyName>Comune di Roccafiorita</companyName>"
        "<officeName>Ufficio Tributi</officeName>"
        "</pafn:paVerifyPaymentNoticeRes></soapenv:Body></soapenv:Envelope>");
}

TEST_CASE("verify and demand answer one option with options EQ", "[unit]") {
  Codec codec;
  for (const Operation op : {Operation::kVerify, Operation::kDemand}) {
    const std::string out = codec.encode(op, okAnswer(op), "80015010723");
    CHECK(count(out, "<paymentOptionDescription>") == 1);
    CHECK(has(out, "<amount>120.00</amount><options>EQ</options>"));
  }
  const std::string demand = codec.encode(Operation::kDemand, okAnswer(Operation::kDemand), "x");
  CHECK(has(demand,
            "<outcome>OK</outcome><qrCode><fiscalCode>80015010723</fiscalCode>"
            "<noticeNumber>301000000000012373</noticeNumber></qrCode><paymentList>"));
}

TEST_CASE("payment data carries the transfers of its version", "[unit]") {
  Codec codec;
  SECTION("v1: IBANs, no transfer companyName") {
    const std::string out =
        codec.encode(Operation::kGetPayment, okAnswer(Operation::kGetPayment), "x");
    CHECK(
        has(out,
            "<paymentAmount>120.00</paymentAmount><dueDate>2026-12-31</dueDate>"
            "<retentionDate>2027-01-31T23:59:59</retentionDate><lastPayment>false</lastPayment>"));
    CHECK(count(out, "<transfer>") == 2);
    CHECK(has(out,
              "<transferAmount>20.00</transferAmount><fiscalCodePA>80011470731</fiscalCodePA>"
              "<IBAN>IT38C0200805364000101010101</IBAN>"));
    CHECK(has(out, "<key>IBANAPPOGGIO</key><value>IT66K0760103200001012345678</value>"));
    CHECK(count(out, "<companyName>") == 1);  // the payment's only
  }
  SECTION("v2: a stamp transfer, and companyName on every transfer") {
    core::PaymentData data = paymentData(true);
    data.transfers[0].company_name.clear();  // falls back to the payment's company
    const std::string out =
        codec.encode(Operation::kGetPaymentV2, core::Answer<core::PaymentData>(data), "x");
    CHECK(codec.lastEncodeIssue().empty());
    test::requireValidResponse(out);
    CHECK(has(out,
              "<fiscalCodePA>80015010723</fiscalCodePA><companyName>Comune di Roccafiorita"
              "</companyName><IBAN>"));
    CHECK(has(out,
              "<companyName>Provincia di Messina</companyName><richiestaMarcaDaBollo>"
              "<hashDocumento>cXVlc3RvIMOoIHVuIGhhc2ggZGkgZXNlbXBpbw==</hashDocumento>"
              "<tipoBollo>01</tipoBollo><provinciaResidenza>ME</provinciaResidenza>"
              "</richiestaMarcaDaBollo>"));
  }
}

TEST_CASE("KO answers carry the faultBean for every code and operation", "[unit]") {
  Codec codec;
  for (const Operation op : kAll) {
    for (const FaultCode code : kAllFaults) {
      INFO(core::operationName(op) << " " << core::faultCodeName(code));
      const std::string out = codec.encode(
          op, koAnswer(op, core::Fault{code, "notice 301000000000012373", 2}), "80015010723");
      test::requireValidResponse(out);
      CHECK(has(out, "<outcome>KO</outcome><fault><faultCode>" +
                         std::string(core::faultCodeName(code)) + "</faultCode><faultString>" +
                         std::string(core::faultString(code)) +
                         "</faultString><id>80015010723</id>"
                         "<description>notice 301000000000012373</description>"
                         "<serial>2</serial></fault></pafn:"));
    }
  }
}

TEST_CASE("a KO without description or serial leaves them out", "[unit]") {
  Codec codec;
  const std::string out = codec.encode(
      Operation::kSendRt, koAnswer(Operation::kSendRt, core::Fault{FaultCode::kSemantica, "", {}}),
      "15376371009");
  test::requireValidResponse(out);
  CHECK(has(out, "<id>15376371009</id></fault>"));
}

TEST_CASE("free text is escaped and cut to its type's length", "[unit]") {
  Codec codec;
  core::VerifyResult r = verifyResult();
  r.company_name = "Rossi & Figli <s.r.l.> \xC3\xA8";
  r.payment_description = std::string(200, 'x');
  r.office_name = "bad \xFF byte \x01 control";
  const std::string out =
      codec.encode(Operation::kVerify, core::Answer<core::VerifyResult>(r), "x");
  CHECK(codec.lastEncodeIssue().empty());
  test::requireValidResponse(out);
  CHECK(has(out, "<companyName>Rossi &amp; Figli &lt;s.r.l.&gt; \xC3\xA8</companyName>"));
  CHECK(has(out, "<paymentDescription>" + std::string(140, 'x') + "</paymentDescription>"));
  CHECK(has(out, "<officeName>bad \xEF\xBF\xBD byte  control</officeName>"));
}

TEST_CASE("optional values that break their type are left out", "[unit]") {
  Codec codec;
  core::PaymentData d = paymentData(false);
  d.debtor.email = "not an e-mail";
  d.debtor.country = "Italia";
  d.retention_date = "end of January";
  const std::string out =
      codec.encode(Operation::kGetPayment, core::Answer<core::PaymentData>(d), "x");
  CHECK(codec.lastEncodeIssue().empty());
  test::requireValidResponse(out);
  CHECK_FALSE(has(out, "<e-mail>"));
  CHECK_FALSE(has(out, "<country>"));
  CHECK_FALSE(has(out, "<retentionDate>"));
}

TEST_CASE("answers that cannot be sent valid become PAA_SYSTEM_ERROR", "[unit]") {
  Codec codec;
  auto systemError = [&](Operation op, const core::NodeAnswer& answer, std::string_view issue) {
    const std::string out = codec.encode(op, answer, "80015010723");
    INFO("issue: " << codec.lastEncodeIssue());
    CHECK(codec.lastEncodeIssue().find(issue) != std::string_view::npos);
    test::requireValidResponse(out);
    CHECK(has(out, "<outcome>KO</outcome><fault><faultCode>PAA_SYSTEM_ERROR</faultCode>"));
    CHECK(has(out, "<id>80015010723</id>"));
  };
  SECTION("a stamp in a version-1 transfer") {
    systemError(Operation::kGetPayment, core::Answer<core::PaymentData>(paymentData(true)),
                "digital stamp");
  }
  SECTION("an answer of another operation") {
    systemError(Operation::kGetPaymentV2, okAnswer(Operation::kVerify), "does not belong");
    systemError(Operation::kSendRt, okAnswer(Operation::kDemand), "does not belong");
  }
  SECTION("no transfers, six transfers") {
    core::PaymentData d = paymentData(false);
    d.transfers.clear();
    systemError(Operation::kGetPayment, core::Answer<core::PaymentData>(d), "transferList");
    d = paymentData(false);
    while (d.transfers.size() < 6) d.transfers.push_back(d.transfers[0]);
    systemError(Operation::kGetPaymentV2, core::Answer<core::PaymentData>(d), "transferList");
  }
  SECTION("a zero amount where the schema wants one") {
    core::VerifyResult r = verifyResult();
    r.option.amount = 0;
    systemError(Operation::kVerify, core::Answer<core::VerifyResult>(r), "amount");
  }
  SECTION("a malformed identifier") {
    core::PaymentData d = paymentData(false);
    d.transfers[1].fiscal_code_pa = "8001147073";
    systemError(Operation::kGetPayment, core::Answer<core::PaymentData>(d), "fiscalCodePA");
    d = paymentData(false);
    d.creditor_reference_id = std::string(36, '1');
    systemError(Operation::kGetPayment, core::Answer<core::PaymentData>(d), "creditorReferenceId");
  }
  SECTION("what the node requires on a verify OK") {
    core::VerifyResult r = verifyResult();
    r.company_name.clear();
    systemError(Operation::kVerify, core::Answer<core::VerifyResult>(r), "companyName");
  }
  SECTION("a fine answer afterwards has no issue") {
    codec.encode(Operation::kVerify, core::Answer<core::VerifyResult>(core::VerifyResult{}), "x");
    CHECK_FALSE(codec.lastEncodeIssue().empty());
    codec.encode(Operation::kVerify, okAnswer(Operation::kVerify), "x");
    CHECK(codec.lastEncodeIssue().empty());
  }
}

TEST_CASE("a SOAP Fault for requests of no known operation", "[unit]") {
  for (const auto& [code, expected] :
       {std::pair{"soap:Client", "soapenv:Client"}, std::pair{"Client", "soapenv:Client"},
        std::pair{"Server", "soapenv:Server"}, std::pair{"a b<c", "soapenv:Server"}}) {
    const std::string out = Codec::encodeSoapFault(code, "unknown SOAPAction 'x' & <y>");
    CHECK(has(out, std::string("<soapenv:Fault><faultcode>") + expected +
                       "</faultcode>"
                       "<faultstring>unknown SOAPAction 'x' &amp; &lt;y&gt;</faultstring>"
                       "</soapenv:Fault>"));
    if (auto driver = test::officialFile("validation/soap11-paForNode.xsd")) {
      const auto verdict = test::validateDocument(out, *driver);
      INFO(out << "\n" << verdict.errors);
      CHECK(verdict.valid);
    }
  }
}

}  // namespace
}  // namespace ponte::soap
