// Decoding valid requests of the six operations, in every namespace style real senders use.
#include <catch2/catch.hpp>

#include "samples.h"
#include "schema_check.h"
#include "soap/codec.h"

namespace ponte::soap {
namespace {

using core::Operation;
using test::Style;

constexpr Operation kAll[] = {Operation::kVerify, Operation::kGetPayment, Operation::kGetPaymentV2,
                              Operation::kSendRt, Operation::kSendRtV2,   Operation::kDemand};

Decoded decodeOk(Codec& codec, std::string_view action, const std::string& body) {
  auto result = codec.decode(action, body);
  if (auto* failure = std::get_if<DecodeFailure>(&result)) {
    FAIL_CHECK("refused: " << failure->fault.description << " [" << failure->log_detail << "]\n"
                           << body);
  }
  REQUIRE(std::holds_alternative<Decoded>(result));
  return std::get<Decoded>(std::move(result));
}

void checkCaller(const core::Caller& caller) {
  CHECK(caller.id_pa == "80015010723");
  CHECK(caller.id_broker_pa == "15376371009");
  CHECK(caller.id_station == "15376371009_01");
}

void checkSubject(const core::Subject& s) {
  CHECK(s.type == 'F');
  CHECK(s.fiscal_code == "RSSMRA80A01H501U");
  CHECK(s.full_name == "Mario Rossi");
  CHECK(s.street_name == "Via Roma");
  CHECK(s.civic_number == "12");
  CHECK(s.postal_code == "98030");
  CHECK(s.city == "Roccafiorita");
  CHECK(s.province == "ME");
  CHECK(s.country == "IT");
  CHECK(s.email == "mario.rossi@example.it");
}

void checkRequest(Operation op, const core::NodeRequest& request) {
  switch (op) {
    case Operation::kVerify: {
      const auto& r = std::get<core::VerifyRequest>(request);
      checkCaller(r.caller);
      CHECK(r.qr.fiscal_code == "80015010723");
      CHECK(r.qr.notice_number == "301000000000012373");
      break;
    }
    case Operation::kGetPayment:
    case Operation::kGetPaymentV2: {
      const auto& r = std::get<core::GetPaymentRequest>(request);
      checkCaller(r.caller);
      CHECK(r.v2 == (op == Operation::kGetPaymentV2));
      CHECK(r.qr.notice_number == "301000000000012373");
      CHECK(r.amount == core::Cents{12000});
      CHECK(r.payment_note == "cart-7f3a");
      CHECK(r.transfer_type == core::TransferType::kPagopa);
      REQUIRE(r.due_date);
      CHECK(r.due_date->iso() == "2026-12-31");
      break;
    }
    case Operation::kSendRt:
    case Operation::kSendRtV2: {
      const bool v2 = op == Operation::kSendRtV2;
      const auto& r = std::get<core::SendRtRequest>(request);
      checkCaller(r.caller);
      CHECK(r.v2 == v2);
      const core::Receipt& rt = r.receipt;
      CHECK(rt.receipt_id == "c110729d258c4ab1b765fe902aae41d6");
      CHECK(rt.notice_number == "301000000000012373");
      CHECK(rt.fiscal_code == "80015010723");
      CHECK(rt.outcome == "OK");
      CHECK(rt.creditor_reference_id == "01000000000012373");
      CHECK(rt.payment_amount == 12000);
      CHECK(rt.description == "Mensa scolastica - primo quadrimestre");
      CHECK(rt.company_name == "Comune di Roccafiorita");
      CHECK(rt.office_name == "Ufficio Tributi");
      checkSubject(rt.debtor);
      REQUIRE(rt.transfers.size() == 2);
      CHECK(rt.transfers[0].id_transfer == 1);
      CHECK(rt.transfers[0].amount == 10000);
      CHECK(rt.transfers[0].fiscal_code_pa == "80015010723");
      CHECK(rt.transfers[0].iban == "IT61X0306909606100000012345");
      CHECK(rt.transfers[0].remittance_information == "Mensa scolastica 2026 Rossi");
      CHECK(rt.transfers[0].category == "9/0101109SE/");
      CHECK(rt.transfers[1].id_transfer == 2);
      CHECK(rt.transfers[1].amount == 2000);
      CHECK(rt.transfers[1].fiscal_code_pa == "80011470731");
      CHECK(rt.transfers[1].metadata == std::vector<core::MapEntry>{{"capitolo", "1234"}});
      if (v2) {
        CHECK(rt.transfers[0].company_name == "Comune di Roccafiorita");
        CHECK(rt.transfers[1].company_name == "Provincia di Messina");
        CHECK(rt.transfers[1].iban.empty());
        CHECK(rt.transfers[1].mbd_attachment == "PG1hcmNhRGFCb2xsbz48L21hcmNhRGFCb2xsbz4=");
        CHECK(rt.payment_note == "cart-7f3a");
        CHECK(rt.primary_ci_incurred_fee == core::Cents{50});
        CHECK(rt.id_bundle == "bundle-1");
        CHECK(rt.id_ci_bundle == "ci-bundle-1");
      } else {
        CHECK(rt.transfers[1].iban == "IT38C0200805364000101010101");
        CHECK(rt.payment_note.empty());
        CHECK_FALSE(rt.primary_ci_incurred_fee);
      }
      CHECK(rt.id_psp == "BCITITMM");
      CHECK(rt.psp_fiscal_code == "00799960158");
      CHECK(rt.psp_partita_iva == "00799960158");
      CHECK(rt.psp_company_name == "Intesa Sanpaolo S.p.A.");
      CHECK(rt.id_channel == "00799960158_01");
      CHECK(rt.channel_description == "app");
      REQUIRE(rt.payer);
      checkSubject(*rt.payer);
      CHECK(rt.payment_method == "creditCard");
      CHECK(rt.fee == core::Cents{150});
      CHECK(rt.payment_date_time == "2026-03-10T10:15:30");
      CHECK(rt.application_date == "2026-03-10");
      CHECK(rt.transfer_date == "2026-03-11");
      CHECK(rt.metadata == std::vector<core::MapEntry>{{"pratica", "2026/77"}});
      CHECK(rt.stand_in == false);
      break;
    }
    case Operation::kDemand: {
      const auto& r = std::get<core::DemandRequest>(request);
      checkCaller(r.caller);
      CHECK(r.id_servizio == "00002");
      CHECK(r.id_soggetto_servizio == "00001");
      CHECK(r.service_data_xml == test::demandServiceXml());
      break;
    }
  }
}

TEST_CASE("every operation decodes in every namespace style", "[unit]") {
  Codec codec;
  for (const Operation op : kAll) {
    for (const Style style : {Style::kPafnPrefix, Style::kOtherPrefix, Style::kDefaultNamespace}) {
      const std::string body = test::validRequest(op, style);
      INFO(core::operationName(op) << " style " << static_cast<int>(style));
      // The samples themselves are valid messages for both schemas.
      CHECK(test::validateBodyChild(body, test::ourSchema()).valid);
      if (auto official = test::officialFile("wsdl/xsd/paForNode.xsd")) {
        const auto verdict = test::validateBodyChild(body, *official);
        INFO(verdict.errors);
        CHECK(verdict.valid);
      }
      const Decoded decoded = decodeOk(codec, core::operationName(op), body);
      CHECK(decoded.op == op);
      checkRequest(op, decoded.request);
    }
  }
}

TEST_CASE("the SOAPAction may be quoted and padded", "[unit]") {
  Codec codec;
  const std::string body = test::validRequest(Operation::kVerify);
  for (const char* action :
       {"paVerifyPaymentNotice", "\"paVerifyPaymentNotice\"", " \"paVerifyPaymentNotice\" "}) {
    INFO(action);
    CHECK(decodeOk(codec, action, body).op == Operation::kVerify);
  }
}

TEST_CASE("optional request elements may be left out", "[unit]") {
  Codec codec;
  const std::string children =
      "<idPA>80015010723</idPA><idBrokerPA>15376371009</idBrokerPA>"
      "<idStation>15376371009_01</idStation><qrCode>"
      "<fiscalCode>80015010723</fiscalCode>"
      "<noticeNumber>301000000000012373</noticeNumber></qrCode>";
  const Decoded d =
      decodeOk(codec, "paGetPaymentV2", test::request(Operation::kGetPaymentV2, children));
  const auto& r = std::get<core::GetPaymentRequest>(d.request);
  CHECK_FALSE(r.amount);
  CHECK(r.payment_note.empty());
  CHECK(r.transfer_type == core::TransferType::kAny);
  CHECK_FALSE(r.due_date);
}

TEST_CASE("XML text forms decode to their values", "[unit]") {
  Codec codec;
  SECTION("entities, character references and CDATA") {
    std::string body =
        test::replaceOnce(test::validRequest(Operation::kSendRt),
                          "<description>Mensa scolastica - primo quadrimestre<",
                          "<description>Mensa &amp; trasporto &#x2014; <![CDATA[a<b]]><");
    const Decoded d = decodeOk(codec, "paSendRT", body);
    CHECK(std::get<core::SendRtRequest>(d.request).receipt.description ==
          "Mensa & trasporto \xE2\x80\x94 a<b");
  }
  SECTION("comments, processing instructions and white space between elements") {
    std::string body = test::replaceOnce(test::validRequest(Operation::kVerify), "<idBrokerPA>",
                                         "\n  <!-- broker -->\n  <?trace on?>\n  <idBrokerPA>");
    CHECK(decodeOk(codec, "paVerifyPaymentNotice", body).op == Operation::kVerify);
  }
  SECTION("base64 broken over lines") {
    std::string body =
        test::replaceOnce(test::validRequest(Operation::kSendRtV2), "PG1hcmNhRGFCb2xsbz48L21hcmNh",
                          "PG1hcmNhRGFC\r\n  b2xsbz48L21hcmNh");
    const Decoded d = decodeOk(codec, "paSendRTV2", body);
    const auto& rt = std::get<core::SendRtRequest>(d.request).receipt;
    CHECK(rt.transfers[1].mbd_attachment.find("b2xsbz48") != std::string::npos);
  }
  SECTION("a byte order mark and multi-byte characters up to the length limit") {
    std::string city;
    for (int i = 0; i < 35; ++i) city += "\xC3\xA0";  // 35 times U+00E0: 35 characters, 70 bytes
    std::string body = "\xEF\xBB\xBF" + test::replaceOnce(test::validRequest(Operation::kSendRt),
                                                          "<city>Roccafiorita</city>",
                                                          "<city>" + city + "</city>");
    const Decoded d = decodeOk(codec, "paSendRT", body);
    CHECK(std::get<core::SendRtRequest>(d.request).receipt.debtor.city == city);
  }
  SECTION("a zero receipt amount (stAmount allows it) and a zone on dates") {
    std::string body = test::replaceOnce(test::validRequest(Operation::kSendRt),
                                         "<paymentAmount>120.00</paymentAmount>",
                                         "<paymentAmount>0.00</paymentAmount>");
    body = test::replaceOnce(body, "2026-03-10T10:15:30", "2026-03-10T10:15:30.250+01:00");
    const Decoded d = decodeOk(codec, "paSendRT", body);
    const auto& rt = std::get<core::SendRtRequest>(d.request).receipt;
    CHECK(rt.payment_amount == 0);
    CHECK(rt.payment_date_time == "2026-03-10T10:15:30.250+01:00");
  }
}

TEST_CASE("one codec decodes any number of messages, refused ones in between", "[unit]") {
  Codec codec;
  for (int round = 0; round < 50; ++round) {
    for (const Operation op : kAll) {
      CHECK(std::holds_alternative<Decoded>(
          codec.decode(core::operationName(op), test::validRequest(op))));
      CHECK(std::holds_alternative<DecodeFailure>(
          codec.decode(core::operationName(op), test::request(op, "<idPA>1</idPA>"))));
    }
  }
}

// paForNode is document/literal: an id or href on the SOAP elements links nothing. gSOAP reads
// the message as a tree, so a reference to nowhere is not an error and an id binds nothing.
TEST_CASE("id and href attributes on the SOAP elements are plain attributes", "[unit]") {
  Codec codec;
  for (const Operation op : kAll) {
    std::string body = test::replaceOnce(test::validRequest(op), "<soapenv:Header/>",
                                         "<soapenv:Header id=\"h\" href=\"#nowhere\"/>");
    body = test::replaceOnce(body, "<soapenv:Body>", "<soapenv:Body id=\"b\" href=\"#h\">");
    for (int round = 0; round < 3; ++round) {
      const Decoded decoded = decodeOk(codec, core::operationName(op), body);
      CHECK(decoded.op == op);
      checkRequest(op, decoded.request);
    }
  }
}

}  // namespace
}  // namespace ponte::soap

namespace ponte::soap {
namespace {

// The codec resets gSOAP for each message itself (see beginReceive in soap/codec.cpp): what a
// message refused halfway through gSOAP leaves behind (open blocks, attributes, the namespace
// stack) must not reach the next one, and blanks before the envelope are skipped as gSOAP would.
TEST_CASE("a message refused inside gSOAP leaves nothing to the next one", "[unit]") {
  Codec codec;
  for (const Operation op : {Operation::kSendRt, Operation::kSendRtV2}) {
    // The content model holds; the value is no integer, which only gSOAP's conversion sees.
    const std::string refused = test::replaceOnce(
        test::validRequest(op), "<idTransfer>2</idTransfer>", "<idTransfer>two</idTransfer>");
    for (int round = 0; round < 3; ++round) {
      auto result = codec.decode(core::operationName(op), refused);
      REQUIRE(std::holds_alternative<DecodeFailure>(result));
      CHECK(std::get<DecodeFailure>(result).log_detail.rfind("gSOAP error", 0) == 0);
      const Decoded decoded = decodeOk(codec, core::operationName(op), test::validRequest(op));
      checkRequest(op, decoded.request);
    }
  }
  // Without an XML declaration, blanks may come before the root element.
  for (const Operation op : kAll) {
    const std::string body = test::replaceOnce(
        test::validRequest(op), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", " \r\n\t");
    REQUIRE(body.front() == ' ');
    REQUIRE(body[body.find_first_not_of(" \r\n\t")] == '<');
    const Decoded decoded = decodeOk(codec, core::operationName(op), body);
    checkRequest(op, decoded.request);
  }
}

}  // namespace
}  // namespace ponte::soap
