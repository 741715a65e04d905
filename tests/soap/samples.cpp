// Sample paForNode requests built from fragments, so that each rejection test changes one thing.
#include "samples.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

namespace ponte::soap::test {
namespace {

constexpr std::string_view kCaller =
    "<idPA>80015010723</idPA><idBrokerPA>15376371009</idBrokerPA>"
    "<idStation>15376371009_01</idStation>";

constexpr std::string_view kQrCode =
    "<qrCode><fiscalCode>80015010723</fiscalCode>"
    "<noticeNumber>301000000000012373</noticeNumber></qrCode>";

std::string subject(std::string_view name) {
  return std::string("<") + std::string(name) +
         "><uniqueIdentifier><entityUniqueIdentifierType>F</entityUniqueIdentifierType>"
         "<entityUniqueIdentifierValue>RSSMRA80A01H501U</entityUniqueIdentifierValue>"
         "</uniqueIdentifier><fullName>Mario Rossi</fullName><streetName>Via Roma</streetName>"
         "<civicNumber>12</civicNumber><postalCode>98030</postalCode><city>Roccafiorita</city>"
         "<stateProvinceRegion>ME</stateProvinceRegion><country>IT</country>"
         "<e-mail>mario.rossi@example.it</e-mail></" +
         std::string(name) + ">";
}

// Adds xmlns="" to every start tag at depth 0 of `children`.
std::string unqualifyChildren(std::string_view children) {
  std::string out;
  int depth = 0;
  for (std::size_t i = 0; i < children.size(); ++i) {
    const char c = children[i];
    out += c;
    if (c != '<') continue;
    if (children[i + 1] == '/') {
      --depth;
      continue;
    }
    const std::size_t end = children.find('>', i);
    const bool empty = children[end - 1] == '/';
    if (depth == 0) {
      std::size_t name_end = i + 1;
      while (children[name_end] != '>' && children[name_end] != ' ' && children[name_end] != '/') {
        ++name_end;
      }
      out.append(children.substr(i + 1, name_end - i - 1));
      out += " xmlns=\"\"";
      i = name_end - 1;
    }
    if (!empty) ++depth;
  }
  return out;
}

}  // namespace

std::string_view requestName(core::Operation op) {
  switch (op) {
    case core::Operation::kVerify:
      return "paVerifyPaymentNoticeReq";
    case core::Operation::kGetPayment:
      return "paGetPaymentReq";
    case core::Operation::kGetPaymentV2:
      return "paGetPaymentV2Request";
    case core::Operation::kSendRt:
      return "paSendRTReq";
    case core::Operation::kSendRtV2:
      return "paSendRTV2Request";
    case core::Operation::kDemand:
      return "paDemandPaymentNoticeRequest";
  }
  return {};
}

std::string verifyChildren() { return std::string(kCaller) + std::string(kQrCode); }

std::string getPaymentChildren() {
  return std::string(kCaller) + std::string(kQrCode) +
         "<amount>120.00</amount><paymentNote>cart-7f3a</paymentNote>"
         "<transferType>PAGOPA</transferType><dueDate>2026-12-31</dueDate>";
}

std::string sendRtChildren(bool v2) {
  std::string r = std::string(kCaller) + "<receipt>";
  r += "<receiptId>c110729d258c4ab1b765fe902aae41d6</receiptId>"
       "<noticeNumber>301000000000012373</noticeNumber><fiscalCode>80015010723</fiscalCode>"
       "<outcome>OK</outcome><creditorReferenceId>01000000000012373</creditorReferenceId>"
       "<paymentAmount>120.00</paymentAmount>"
       "<description>Mensa scolastica - primo quadrimestre</description>"
       "<companyName>Comune di Roccafiorita</companyName><officeName>Ufficio Tributi</officeName>";
  r += subject("debtor");
  r += "<transferList><transfer><idTransfer>1</idTransfer><transferAmount>100.00</transferAmount>"
       "<fiscalCodePA>80015010723</fiscalCodePA>";
  if (v2) r += "<companyName>Comune di Roccafiorita</companyName>";
  r += "<IBAN>IT61X0306909606100000012345</IBAN>"
       "<remittanceInformation>Mensa scolastica 2026 Rossi</remittanceInformation>"
       "<transferCategory>9/0101109SE/</transferCategory></transfer>"
       "<transfer><idTransfer>2</idTransfer><transferAmount>20.00</transferAmount>"
       "<fiscalCodePA>80011470731</fiscalCodePA>";
  if (v2) {
    r += "<companyName>Provincia di Messina</companyName>"
         "<MBDAttachment>PG1hcmNhRGFCb2xsbz48L21hcmNhRGFCb2xsbz4=</MBDAttachment>";
  } else {
    r += "<IBAN>IT38C0200805364000101010101</IBAN>";
  }
  r += "<remittanceInformation>Quota provinciale</remittanceInformation>"
       "<transferCategory>9/0101108TS/</transferCategory>"
       "<metadata><mapEntry><key>capitolo</key><value>1234</value></mapEntry></metadata>"
       "</transfer></transferList>";
  r += "<idPSP>BCITITMM</idPSP><pspFiscalCode>00799960158</pspFiscalCode>"
       "<pspPartitaIVA>00799960158</pspPartitaIVA>"
       "<PSPCompanyName>Intesa Sanpaolo S.p.A.</PSPCompanyName>"
       "<idChannel>00799960158_01</idChannel><channelDescription>app</channelDescription>";
  r += subject("payer");
  r += "<paymentMethod>creditCard</paymentMethod>";
  if (v2) r += "<paymentNote>cart-7f3a</paymentNote>";
  r += "<fee>1.50</fee>";
  if (v2) {
    r += "<primaryCiIncurredFee>0.50</primaryCiIncurredFee><idBundle>bundle-1</idBundle>"
         "<idCiBundle>ci-bundle-1</idCiBundle>";
  }
  r += "<paymentDateTime>2026-03-10T10:15:30</paymentDateTime>"
       "<applicationDate>2026-03-10</applicationDate><transferDate>2026-03-11</transferDate>"
       "<metadata><mapEntry><key>pratica</key><value>2026/77</value></mapEntry></metadata>"
       "<standIn>false</standIn></receipt>";
  return r;
}

std::string demandServiceXml() {
  return "<service xmlns=\"http://PuntoAccessoPSP.spcoop.gov.it/GeneralService\">"
         "<importo>25.00</importo></service>";
}

std::string demandChildren() {
  // base64 of demandServiceXml().
  return std::string(kCaller) +
         "<idServizio>00002</idServizio><idSoggettoServizio>00001</idSoggettoServizio>"
         "<datiSpecificiServizioRequest>"
         "PHNlcnZpY2UgeG1sbnM9Imh0dHA6Ly9QdW50b0FjY2Vzc29QU1Auc3Bjb29wLmdvdi5pdC9HZW5lcmFs"
         "U2VydmljZSI+PGltcG9ydG8+MjUuMDA8L2ltcG9ydG8+PC9zZXJ2aWNlPg=="
         "</datiSpecificiServizioRequest>";
}

std::string validChildren(core::Operation op) {
  switch (op) {
    case core::Operation::kVerify:
      return verifyChildren();
    case core::Operation::kGetPayment:
    case core::Operation::kGetPaymentV2:
      return getPaymentChildren();
    case core::Operation::kSendRt:
      return sendRtChildren(false);
    case core::Operation::kSendRtV2:
      return sendRtChildren(true);
    case core::Operation::kDemand:
      return demandChildren();
  }
  return {};
}

std::string request(core::Operation op, std::string_view children, Style style) {
  const std::string name(requestName(op));
  const std::string ns(kPaForNodeNs);
  switch (style) {
    case Style::kPafnPrefix:
      return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
             "xmlns:pafn=\"" +
             ns + "\">\n<soapenv:Header/>\n<soapenv:Body>\n<pafn:" + name + ">" +
             std::string(children) + "</pafn:" + name + ">\n</soapenv:Body>\n</soapenv:Envelope>\n";
    case Style::kOtherPrefix:
      return "<S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\"><S:Body><ns6:" +
             name + " xmlns:ns6=\"" + ns + "\">" + std::string(children) + "</ns6:" + name +
             "></S:Body></S:Envelope>";
    case Style::kDefaultNamespace:
      return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
             "<soap:Body><" +
             name + " xmlns=\"" + ns + "\">" + unqualifyChildren(children) + "</" + name +
             "></soap:Body></soap:Envelope>";
  }
  return {};
}

std::string validRequest(core::Operation op, Style style) {
  return request(op, validChildren(op), style);
}

std::string replaceOnce(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  INFO("sample lacks: " << from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string mutate(std::string text, std::mt19937& rng) {
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n)(rng); };
  using namespace std::string_view_literals;
  // Fragments that break XML or the schema in typical ways, NUL included.
  static constexpr std::string_view kPieces[] = {
      "<"sv,         ">"sv,
      "</"sv,        "/>"sv,
      "&"sv,         "&amp;"sv,
      "\""sv,        "xmlns=\"\""sv,
      "<!--"sv,      "]]>"sv,
      "\0"sv,        "\xFF"sv,
      "\xC3"sv,      "="sv,
      ":"sv,         "<x:y>"sv,
      "1e5"sv,       "<idPA>"sv,
      "</qrCode>"sv, "<!DOCTYPE"sv,
      "<![CDATA["sv, "<?xml version=\"1.0\"?>"sv,
  };
  const int edits = 1 + static_cast<int>(pick(3));
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const std::size_t at = pick(text.size() - 1);
    switch (pick(4)) {
      case 0:
        text[at] = static_cast<char>(pick(255));
        break;
      case 1:
        text.erase(at, pick(16));
        break;
      case 2:
        text.resize(at);
        break;
      case 3: {
        const auto& piece = kPieces[pick(std::size(kPieces) - 1)];
        text.insert(at, piece.data(), piece.size());
        break;
      }
      default:
        text.insert(at, text.substr(pick(text.size() - 1), pick(40)));
        break;
    }
  }
  return text;
}

}  // namespace ponte::soap::test
