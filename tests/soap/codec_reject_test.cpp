// Every way a request is refused: the fault code, a description naming what is wrong, and (for
// schema violations) agreement with libxml2 validating against the official XSD.
#include <catch2/catch.hpp>

#include "samples.h"
#include "schema_check.h"
#include "soap/codec.h"

namespace ponte::soap {
namespace {

using core::FaultCode;
using core::Operation;

DecodeFailure refuse(Codec& codec, std::string_view action, const std::string& body) {
  auto result = codec.decode(action, body);
  INFO("body: " << body.substr(0, 2000));
  REQUIRE(std::holds_alternative<DecodeFailure>(result));
  return std::get<DecodeFailure>(std::move(result));
}

void expect(const DecodeFailure& f, std::optional<Operation> op, FaultCode code,
            std::string_view text) {
  INFO("description: " << f.fault.description << " | log: " << f.log_detail);
  CHECK(f.op == op);
  CHECK(core::faultCodeName(f.fault.code) == core::faultCodeName(code));
  CHECK(f.fault.description.find(text) != std::string::npos);
}

// A change to one valid request, refused with PAA_SINTASSI_XSD and refused by libxml2 too.
struct SchemaCase {
  const char* name;
  Operation op;
  const char* from;
  const char* to;
  const char* description;  // a part of the expected description
};

const SchemaCase kSchemaCases[] = {
    // amounts
    {"exponent amount", Operation::kGetPayment, "<amount>120.00<", "<amount>1e5<", "amount"},
    {"amount without decimals", Operation::kGetPayment, "<amount>120.00<", "<amount>120<",
     "amount"},
    {"amount with one decimal", Operation::kGetPayment, "<amount>120.00<", "<amount>120.5<",
     "amount"},
    {"negative amount", Operation::kGetPayment, "<amount>120.00<", "<amount>-1.00<", "amount"},
    {"amount over the maximum", Operation::kGetPayment, "<amount>120.00<", "<amount>1000000000.00<",
     "amount"},
    {"text amount", Operation::kSendRt, "<paymentAmount>120.00<", "<paymentAmount>abc<",
     "paymentAmount"},
    {"zero transfer amount", Operation::kSendRtV2, "<transferAmount>100.00<",
     "<transferAmount>0.00<", "transfer[1]/transferAmount: amount must not be 0.00"},
    {"bad fee", Operation::kSendRtV2, "<fee>1.50<", "<fee>1,50<", "receipt/fee"},
    // patterns
    {"short fiscal code", Operation::kVerify, "<fiscalCode>80015010723<", "<fiscalCode>8001501072<",
     "'fiscalCode': length out of range"},
    {"letter in notice number", Operation::kVerify, "<noticeNumber>301000000000012373<",
     "<noticeNumber>30100000000001237A<", "qrCode/noticeNumber: must be 18 digits"},
    {"bad e-mail", Operation::kSendRt, "mario.rossi@example.it", "mario.rossi@", "e-mail"},
    {"lower-case country", Operation::kSendRt, "<country>IT<", "<country>it<", "debtor/country"},
    {"bad beneficiary fiscal code", Operation::kSendRt, "<fiscalCodePA>80011470731<",
     "<fiscalCodePA>8001147073X<", "transfer[2]/fiscalCodePA"},
    // lengths
    {"idPA too long", Operation::kVerify, "<idPA>80015010723<",
     "<idPA>800150107238001501072380015010723XYZ<", "'idPA': length out of range"},
    {"empty idStation", Operation::kVerify, "<idStation>15376371009_01<", "<idStation><",
     "idStation"},
    {"description too long", Operation::kSendRt,
     "<description>Mensa scolastica - primo quadrimestre<",
     "<description>"
     "0123456789012345678901234567890123456789012345678901234567890123456789"
     "01234567890123456789012345678901234567890123456789012345678901234567890<",
     "'description': length out of range"},
    {"idServizio of four characters", Operation::kDemand, "<idServizio>00002<", "<idServizio>0002<",
     "idServizio"},
    {"PSP VAT number too long", Operation::kSendRt, "<pspPartitaIVA>00799960158<",
     "<pspPartitaIVA>007999601580079996015<", "pspPartitaIVA"},
    // dates
    {"31 February", Operation::kGetPayment, "<dueDate>2026-12-31<", "<dueDate>2026-02-31<",
     "dueDate: not a valid xs:date"},
    {"month 13", Operation::kGetPaymentV2, "<dueDate>2026-12-31<", "<dueDate>2026-13-01<",
     "dueDate"},
    {"date with a time", Operation::kSendRt, "<applicationDate>2026-03-10<",
     "<applicationDate>2026-03-10T00:00:00<", "applicationDate"},
    {"date-time with a space", Operation::kSendRtV2, "2026-03-10T10:15:30", "2026-03-10 10:15:30",
     "paymentDateTime: not a valid xs:dateTime"},
    // enumerations and booleans (checked by gSOAP)
    {"idTransfer 6", Operation::kSendRt, "<idTransfer>2<", "<idTransfer>6<", "idTransfer"},
    {"unknown transfer type", Operation::kGetPayment, "<transferType>PAGOPA<",
     "<transferType>BANK<", "transferType"},
    {"unknown outcome", Operation::kSendRtV2, "<outcome>OK<", "<outcome>MAYBE<", "outcome"},
    {"standIn yes", Operation::kSendRt, "<standIn>false<", "<standIn>yes<", "standIn"},
    {"subject type X", Operation::kSendRt, "<entityUniqueIdentifierType>F<",
     "<entityUniqueIdentifierType>X<", "entityUniqueIdentifierType"},
    // base64
    {"invalid service data", Operation::kDemand, "<datiSpecificiServizioRequest>PHNl",
     "<datiSpecificiServizioRequest>P!Nl", "datiSpecificiServizioRequest: not valid base64"},
    {"service data with data after padding", Operation::kDemand, "Pg==</dati", "Pg==AAAA</dati",
     "datiSpecificiServizioRequest: not valid base64"},
    {"invalid stamp document", Operation::kSendRtV2, "<MBDAttachment>PG1h", "<MBDAttachment>PG1",
     "MBDAttachment: not valid base64"},
    // structure: order, presence, cardinality
    {"out of order", Operation::kVerify,
     "<idPA>80015010723</idPA><idBrokerPA>15376371009</idBrokerPA>",
     "<idBrokerPA>15376371009</idBrokerPA><idPA>80015010723</idPA>",
     "expected 'idPA' before 'idBrokerPA'"},
    {"optional element out of order", Operation::kGetPayment,
     "<amount>120.00</amount><paymentNote>cart-7f3a</paymentNote>",
     "<paymentNote>cart-7f3a</paymentNote><amount>120.00</amount>",
     "element 'amount' out of order"},
    {"missing element", Operation::kVerify, "<idStation>15376371009_01</idStation>", "",
     "expected 'idStation' before 'qrCode'"},
    {"missing last element", Operation::kVerify,
     "<qrCode><fiscalCode>80015010723</fiscalCode><noticeNumber>301000000000012373</noticeNumber>"
     "</qrCode>",
     "", "paVerifyPaymentNoticeReq: missing element 'qrCode'"},
    {"missing nested element", Operation::kVerify,
     "<noticeNumber>301000000000012373</noticeNumber>", "",
     "paVerifyPaymentNoticeReq/qrCode: missing element 'noticeNumber'"},
    {"unknown element", Operation::kVerify, "<idStation>",
     "<paymentToken>x</paymentToken><idStation>", "unknown element 'paymentToken'"},
    {"repeated element", Operation::kVerify, "<idPA>80015010723</idPA>",
     "<idPA>80015010723</idPA><idPA>80015010723</idPA>", "more than 1 'idPA'"},
    {"text among elements", Operation::kVerify, "<qrCode>", "<qrCode>oops",
     "qrCode: text not allowed"},
    {"element inside a value", Operation::kVerify, "<idPA>80015010723</idPA>",
     "<idPA><b>80015010723</b></idPA>", "not allowed in a simple value"},
    {"both IBAN and stamp document", Operation::kSendRtV2, "<MBDAttachment>",
     "<IBAN>IT38C0200805364000101010101</IBAN><MBDAttachment>", "transfer[2]"},
    {"neither IBAN nor stamp document", Operation::kSendRtV2,
     "<IBAN>IT61X0306909606100000012345</IBAN>", "", "expected 'IBAN' or 'MBDAttachment'"},
    {"no transfers", Operation::kSendRt, "<transferList><transfer>",
     "<transferList></transferList><dropped><transfer>", "missing element 'transfer'"},
    {"empty metadata", Operation::kSendRt,
     "<metadata><mapEntry><key>pratica</key><value>2026/77</value></mapEntry></metadata>",
     "<metadata></metadata>", "receipt/metadata: missing element 'mapEntry'"},
    {"qualified child", Operation::kVerify, "<idPA>80015010723</idPA>",
     "<pafn:idPA>80015010723</pafn:idPA>", "must have no namespace"},
    {"attribute on a child", Operation::kVerify, "<idPA>", "<idPA lang=\"it\">",
     "attribute 'lang' not allowed"},
    {"nil child", Operation::kVerify, "<idPA>80015010723</idPA>",
     "<idPA xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"/>",
     "attribute 'xsi:nil' not allowed"},
};

TEST_CASE("schema violations are PAA_SINTASSI_XSD naming the element", "[unit]") {
  Codec codec;
  for (const SchemaCase& c : kSchemaCases) {
    INFO("case: " << c.name);
    std::string body = test::replaceOnce(test::validRequest(c.op), c.from, c.to);
    if (std::string_view(c.name) == "no transfers") {
      // Drop the two transfers entirely: keep the message well-formed.
      const auto start = body.find("<dropped>");
      const auto end = body.find("</transferList>", start);
      body.erase(start, end + std::string_view("</transferList>").size() - start);
    }
    const DecodeFailure f = refuse(codec, core::operationName(c.op), body);
    expect(f, c.op, FaultCode::kSintassiXsd, c.description);
    // libxml2 with the official schema refuses the same message: the codec is not stricter.
    test::checkOfficialRejects(body);
  }
}

TEST_CASE("more than five transfers or fifteen metadata entries are refused", "[unit]") {
  Codec codec;
  SECTION("six transfers") {
    const std::string one =
        "<transfer><idTransfer>1</idTransfer><transferAmount>20.00</transferAmount>"
        "<fiscalCodePA>80015010723</fiscalCodePA><IBAN>IT61X0306909606100000012345</IBAN>"
        "<remittanceInformation>r</remittanceInformation>"
        "<transferCategory>9/0101109SE/</transferCategory></transfer>";
    std::string six;
    for (int i = 0; i < 6; ++i) six += one;
    std::string body = test::validRequest(Operation::kSendRt);
    const auto start = body.find("<transferList>") + std::string_view("<transferList>").size();
    body.replace(start, body.find("</transferList>") - start, six);
    expect(refuse(codec, "paSendRT", body), Operation::kSendRt, FaultCode::kSintassiXsd,
           "transferList: more than 5 'transfer'");
    test::checkOfficialRejects(body);
  }
  SECTION("sixteen metadata entries") {
    std::string entries;
    for (int i = 0; i < 16; ++i) entries += "<mapEntry><key>k</key><value>v</value></mapEntry>";
    const std::string body = test::replaceOnce(
        test::validRequest(Operation::kSendRtV2),
        "<metadata><mapEntry><key>pratica</key><value>2026/77</value></mapEntry></metadata>",
        "<metadata>" + entries + "</metadata>");
    expect(refuse(codec, "paSendRTV2", body), Operation::kSendRtV2, FaultCode::kSintassiXsd,
           "metadata: more than 15 'mapEntry'");
    test::checkOfficialRejects(body);
  }
}

TEST_CASE("the SOAPAction selects the operation", "[unit]") {
  Codec codec;
  const std::string verify = test::validRequest(Operation::kVerify);
  SECTION("unknown or missing SOAPAction: no operation") {
    expect(refuse(codec, "paVerifyPayment", verify), std::nullopt, FaultCode::kSintassiXsd,
           "unknown SOAPAction 'paVerifyPayment'");
    expect(refuse(codec, "", verify), std::nullopt, FaultCode::kSintassiXsd, "missing SOAPAction");
    expect(refuse(codec, "\"\"", verify), std::nullopt, FaultCode::kSintassiXsd,
           "missing SOAPAction");
  }
  SECTION("a Body element of another operation") {
    expect(refuse(codec, "paGetPayment", verify), Operation::kGetPayment, FaultCode::kSintassiXsd,
           "Body element 'paVerifyPaymentNoticeReq' does not match SOAPAction 'paGetPayment'");
  }
  SECTION("a Body element that is no operation's") {
    const std::string body =
        test::replaceOnce(test::replaceOnce(verify, "<pafn:paVerifyPaymentNoticeReq>",
                                            "<pafn:verifyPaymentNoticeReq>"),
                          "</pafn:paVerifyPaymentNoticeReq>", "</pafn:verifyPaymentNoticeReq>");
    expect(refuse(codec, "paVerifyPaymentNotice", body), Operation::kVerify,
           FaultCode::kSintassiXsd, "unknown Body element 'verifyPaymentNoticeReq'");
  }
  SECTION("the right name in the wrong namespace names the namespace received") {
    const std::string body =
        test::replaceOnce(verify, test::kPaForNodeNs, "http://pagopa-api.pagopa.gov.it/paForNode");
    expect(refuse(codec, "paVerifyPaymentNotice", body), Operation::kVerify,
           FaultCode::kSintassiXsd, "in namespace 'http://pagopa-api.pagopa.gov.it/paForNode'");
  }
  SECTION("the default namespace without xmlns=\"\" qualifies the children") {
    const std::string body =
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
        "<paVerifyPaymentNoticeReq xmlns=\"" +
        std::string(test::kPaForNodeNs) + "\">" + test::verifyChildren() +
        "</paVerifyPaymentNoticeReq></soap:Body></soap:Envelope>";
    expect(refuse(codec, "paVerifyPaymentNotice", body), Operation::kVerify,
           FaultCode::kSintassiXsd, "idPA: must have no namespace");
    test::checkOfficialRejects(body);
  }
}

TEST_CASE("the envelope must be SOAP 1.1 with one Body element", "[unit]") {
  Codec codec;
  const std::string verify = test::validRequest(Operation::kVerify);
  auto refused = [&](const std::string& body, std::string_view text) {
    expect(refuse(codec, "paVerifyPaymentNotice", body), Operation::kVerify,
           FaultCode::kSintassiXsd, text);
  };
  refused(test::replaceOnce(verify, "http://schemas.xmlsoap.org/soap/envelope/",
                            "http://www.w3.org/2003/05/soap-envelope"),
          "SOAP 1.2 envelope not accepted");
  refused("<pafn:paVerifyPaymentNoticeReq xmlns:pafn=\"" + std::string(test::kPaForNodeNs) + "\">" +
              test::verifyChildren() + "</pafn:paVerifyPaymentNoticeReq>",
          "not a SOAP 1.1 Envelope");
  refused(test::replaceOnce(verify, "</soapenv:Body>",
                            "<pafn:paVerifyPaymentNoticeReq/></soapenv:Body>"),
          "exactly one element");
  refused(
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
      "<soapenv:Body/></soapenv:Envelope>",
      "the SOAP Body is empty");
  refused(
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
      "<soapenv:Header/></soapenv:Envelope>",
      "has no Body");
  refused("", "empty message");
  refused(test::replaceOnce(verify, "<soapenv:Header/>",
                            "<soapenv:Header><t:tx xmlns:t=\"urn:t\" soapenv:mustUnderstand=\"1\">"
                            "1</t:tx></soapenv:Header>"),
          "must be understood");
}

TEST_CASE("malformed XML is PAA_SINTASSI_XSD", "[unit]") {
  Codec codec;
  const std::string verify = test::validRequest(Operation::kVerify);
  auto malformed = [&](const std::string& body, std::string_view text) {
    expect(refuse(codec, "paVerifyPaymentNotice", body), Operation::kVerify,
           FaultCode::kSintassiXsd, text);
  };
  malformed(verify.substr(0, verify.size() / 2), "malformed XML");
  malformed(test::replaceOnce(verify, "</idPA>", "</idpa>"), "does not match its start tag");
  malformed(test::replaceOnce(verify, "<idPA>80015010723", "<idPA>&ent;80015010723"),
            "undefined entity");
  malformed(test::replaceOnce(verify, "<idPA>80015010723", "<idPA>&#0;80015010723"),
            "bad character reference");
  malformed(
      test::replaceOnce(verify, "<pafn:paVerifyPaymentNoticeReq>", "<x:paVerifyPaymentNoticeReq>"),
      "undeclared namespace prefix 'x'");
  malformed(verify + "<soapenv:Envelope/>", "content after the root element");
}

TEST_CASE("hostile input is PAA_SINTASSI_EXTRAXSD", "[unit]") {
  const std::string verify = test::validRequest(Operation::kVerify);
  auto refusedWith = [&](Codec& codec, const std::string& body, std::string_view text) {
    expect(refuse(codec, "paVerifyPaymentNotice", body), Operation::kVerify,
           FaultCode::kSintassiExtraXsd, text);
  };
  Codec codec;
  SECTION("a DOCTYPE, even one that only declares entities") {
    refusedWith(codec,
                "<?xml version=\"1.0\"?>\n<!DOCTYPE lol [<!ENTITY lol \"lol\"><!ENTITY lol2 "
                "\"&lol;&lol;&lol;&lol;\">]>\n" +
                    verify.substr(verify.find("<soapenv:Envelope")),
                "DTD not allowed");
    refusedWith(codec, "<!DOCTYPE x SYSTEM \"file:///etc/passwd\">" + verify, "DTD not allowed");
  }
  SECTION("a body larger than max_body_bytes") {
    Limits limits;
    limits.max_body_bytes = 512;
    Codec small(limits);
    refusedWith(small, verify + std::string(600, ' '), "message larger than 512 bytes");
  }
  SECTION("nesting deeper than max_depth") {
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "<t:x xmlns:t=\"urn:t\">";
    for (int i = 0; i < 40; ++i) deep += "</t:x>";
    refusedWith(codec,
                test::replaceOnce(verify, "<soapenv:Header/>",
                                  "<soapenv:Header>" + deep + "</soapenv:Header>"),
                "nested deeper than 32 levels");
    // Exactly 32 levels (Envelope, Header and 30 more) pass, through gSOAP too.
    std::string limit;
    for (int i = 0; i < 30; ++i) limit += "<t:x xmlns:t=\"urn:t\">";
    for (int i = 0; i < 30; ++i) limit += "</t:x>";
    CHECK(std::holds_alternative<Decoded>(
        codec.decode("paVerifyPaymentNotice",
                     test::replaceOnce(verify, "<soapenv:Header/>",
                                       "<soapenv:Header>" + limit + "</soapenv:Header>"))));
  }
  SECTION("a string longer than max_string_length") {
    refusedWith(codec,
                test::replaceOnce(verify, "<idPA>80015010723", "<idPA>" + std::string(5000, '8')),
                "paVerifyPaymentNoticeReq/idPA: value longer than 4096 bytes");
    refusedWith(codec,
                test::replaceOnce(verify, "<soapenv:Header/>",
                                  "<soapenv:Header><t:x xmlns:t=\"urn:t\">" +
                                      std::string(5000, 'h') + "</t:x></soapenv:Header>"),
                "text longer than 4096 bytes");
    // A receiptId (xs:string, no facet) of exactly 4096 bytes passes, through gSOAP too.
    const std::string rt = test::validRequest(Operation::kSendRt);
    const std::string id = "<receiptId>c110729d258c4ab1b765fe902aae41d6";
    auto decoded =
        codec.decode("paSendRT", test::replaceOnce(rt, id, "<receiptId>" + std::string(4096, 'r')));
    REQUIRE(std::holds_alternative<Decoded>(decoded));
    CHECK(std::get<core::SendRtRequest>(std::get<Decoded>(decoded).request)
              .receipt.receipt_id.size() == 4096);
    expect(refuse(codec, "paSendRT",
                  test::replaceOnce(rt, id, "<receiptId>" + std::string(4097, 'r'))),
           Operation::kSendRt, FaultCode::kSintassiExtraXsd,
           "receipt/receiptId: value longer than 4096 bytes");
  }
  SECTION("an attribute longer than max_string_length") {
    // Attributes are free on the SOAP elements, so without this bound a 900 KiB one went
    // through to gSOAP and the request was answered OK.
    refusedWith(codec,
                test::replaceOnce(verify, "<soapenv:Header",
                                  "<soapenv:Header a=\"" + std::string(5000, 'a') + "\""),
                "attribute 'a' longer than 4096 bytes");
    refusedWith(
        codec,
        test::replaceOnce(verify, "<soapenv:Envelope",
                          "<soapenv:Envelope xmlns:t=\"urn:" + std::string(5000, 'u') + "\""),
        "attribute 'xmlns:t' longer than 4096 bytes");
    // In the payload the limit comes first too: the size is the reason to refuse.
    refusedWith(codec,
                test::replaceOnce(verify, "<idPA>", "<idPA b='" + std::string(4097, 'b') + "'>"),
                "attribute 'b' longer than 4096 bytes");
    // Exactly 4096 bytes pass, through gSOAP too.
    CHECK(std::holds_alternative<Decoded>(
        codec.decode("paVerifyPaymentNotice",
                     test::replaceOnce(verify, "<soapenv:Header",
                                       "<soapenv:Header a=\"" + std::string(4096, 'a') + "\""))));
  }
  SECTION("a base64 value longer than max_binary_length") {
    Limits limits;
    limits.max_binary_length = 32;
    Codec small(limits);
    expect(refuse(small, "paDemandPaymentNotice", test::validRequest(core::Operation::kDemand)),
           Operation::kDemand, FaultCode::kSintassiExtraXsd,
           "datiSpecificiServizioRequest: value longer than 32 bytes");
  }
  SECTION("more than max_occurs repeated siblings") {
    std::string many;
    for (int i = 0; i < 101; ++i) many += "<t:x xmlns:t=\"urn:t\"/>";
    refusedWith(codec,
                test::replaceOnce(verify, "<soapenv:Header/>",
                                  "<soapenv:Header>" + many + "</soapenv:Header>"),
                "more than 100 repeated 'x' elements");
    Limits limits;
    limits.max_occurs = 3;
    Codec strict(limits);
    std::string entries;
    for (int i = 0; i < 4; ++i) entries += "<mapEntry><key>k</key><value>v</value></mapEntry>";
    const std::string body = test::replaceOnce(
        test::validRequest(Operation::kSendRt),
        "<metadata><mapEntry><key>pratica</key><value>2026/77</value></mapEntry></metadata>",
        "<metadata>" + entries + "</metadata>");
    expect(refuse(strict, "paSendRT", body), Operation::kSendRt, FaultCode::kSintassiExtraXsd,
           "more than 3 repeated 'mapEntry' elements");
  }
  SECTION("invalid UTF-8 and characters XML forbids") {
    refusedWith(
        codec,
        test::replaceOnce(verify, "<idStation>15376371009_01", "<idStation>15376371009_\xC3\x28"),
        "invalid UTF-8");
    refusedWith(codec,
                test::replaceOnce(verify, "<idStation>15376371009_01",
                                  "<idStation>15376371009_\xED\xA0\x80"),
                "invalid UTF-8");
    refusedWith(
        codec,
        test::replaceOnce(verify, "<idStation>15376371009_01", "<idStation>15376371009_\xC0\xAF"),
        "invalid UTF-8");
    refusedWith(codec,
                test::replaceOnce(verify, "<idStation>15376371009_01",
                                  std::string("<idStation>15376371009_\x01", 24)),
                "character not allowed in XML");
  }
  SECTION("an encoding other than UTF-8") {
    refusedWith(codec, test::replaceOnce(verify, "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\""),
                "only UTF-8");
  }
}

TEST_CASE("headers are skipped unless they must be understood, and nothing may follow the Body",
          "[unit]") {
  Codec codec;
  const std::string body = test::replaceOnce(
      test::validRequest(Operation::kVerify), "<soapenv:Header/>",
      "<soapenv:Header><t:trace xmlns:t=\"urn:trace\"><t:id>abc</t:id></t:trace></soapenv:Header>");
  auto result = codec.decode("paVerifyPaymentNotice", body);
  if (auto* f = std::get_if<DecodeFailure>(&result)) FAIL_CHECK(f->fault.description);
  CHECK(std::holds_alternative<Decoded>(result));
  expect(
      refuse(codec, "paVerifyPaymentNotice",
             test::replaceOnce(body, "</soapenv:Body>", "</soapenv:Body><t:x xmlns:t=\"urn:t\"/>")),
      Operation::kVerify, FaultCode::kSintassiXsd, "unexpected element 'x' after the SOAP Body");
}

}  // namespace
}  // namespace ponte::soap
