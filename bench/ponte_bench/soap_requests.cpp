// Building the SOAP requests of the benchmark. The texts follow tests/golden/*/ok.request.xml:
// what the node sends, so the server parses and validates as much as in production.
#include "soap_requests.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace ponte::bench {
namespace {

constexpr std::string_view kEnvelopeOpen =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:pafn=\"http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd\">\n"
    "  <soapenv:Header/>\n  <soapenv:Body>\n";
constexpr std::string_view kEnvelopeClose = "  </soapenv:Body>\n</soapenv:Envelope>\n";

constexpr std::string_view kSubject =
    "<uniqueIdentifier><entityUniqueIdentifierType>F</entityUniqueIdentifierType>"
    "<entityUniqueIdentifierValue>RSSMRA80A01H501U</entityUniqueIdentifierValue>"
    "</uniqueIdentifier><fullName>Mario Rossi</fullName><streetName>Via Roma</streetName>"
    "<civicNumber>12</civicNumber><postalCode>98030</postalCode><city>Valbruna</city>"
    "<stateProvinceRegion>ME</stateProvinceRegion><country>IT</country>"
    "<e-mail>mario.rossi@example.it</e-mail>";

void appendCaller(const RequestContext& c, const Notice& n, std::string* out) {
  *out += "<idPA>";
  *out += n.ec;
  *out += "</idPA><idBrokerPA>";
  *out += c.broker;
  *out += "</idBrokerPA><idStation>";
  *out += c.station;
  *out += "</idStation>";
}

void appendQrCode(const Notice& n, std::string* out) {
  *out += "<qrCode><fiscalCode>";
  *out += n.ec;
  *out += "</fiscalCode><noticeNumber>";
  *out += n.nav;
  *out += "</noticeNumber></qrCode>";
}

void appendInt(std::int64_t v, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, end);
}

// The request line and headers, then the body.
void appendPost(const RequestContext& c, std::string_view action, std::string_view body,
                std::string* out) {
  *out += "POST ";
  *out += c.path;
  *out += " HTTP/1.1\r\nHost: ";
  *out += c.host;
  *out += "\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: \"";
  *out += action;
  *out += "\"\r\nContent-Length: ";
  appendInt(static_cast<std::int64_t>(body.size()), out);
  *out += "\r\n\r\n";
  *out += body;
}

}  // namespace

void appendAmount(std::int64_t cents, std::string* out) {
  appendInt(cents / 100, out);
  *out += '.';
  *out += static_cast<char>('0' + (cents % 100) / 10);
  *out += static_cast<char>('0' + cents % 10);
}

bool loadNotices(const std::string& file, std::vector<Notice>* out, std::string* error) {
  std::ifstream in(file);
  if (!in) {
    *error = "cannot read " + file;
    return false;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream fields(line);
    Notice n;
    if (!(fields >> n.ec >> n.nav >> n.cents) || n.nav.size() != 18 || n.cents <= 0) {
      *error = file + ":" + std::to_string(number) + ": expected \"EC NOTICE CENTS\"";
      return false;
    }
    out->push_back(std::move(n));
  }
  if (out->empty()) {
    *error = file + " holds no notice";
    return false;
  }
  return true;
}

std::string verifyRequest(const RequestContext& c, const Notice& n) {
  std::string body(kEnvelopeOpen);
  body += "    <pafn:paVerifyPaymentNoticeReq>";
  appendCaller(c, n, &body);
  appendQrCode(n, &body);
  body += "</pafn:paVerifyPaymentNoticeReq>\n";
  body += kEnvelopeClose;
  std::string out;
  appendPost(c, "paVerifyPaymentNotice", body, &out);
  return out;
}

std::string getV2Request(const RequestContext& c, const Notice& n) {
  std::string body(kEnvelopeOpen);
  body += "    <pafn:paGetPaymentV2Request>";
  appendCaller(c, n, &body);
  appendQrCode(n, &body);
  body += "<amount>";
  appendAmount(n.cents, &body);
  body += "</amount><paymentNote>cart-bench</paymentNote><transferType>PAGOPA</transferType>";
  body += "</pafn:paGetPaymentV2Request>\n";
  body += kEnvelopeClose;
  std::string out;
  appendPost(c, "paGetPaymentV2", body, &out);
  return out;
}

void renderSendRtV2(const RequestContext& c, const Notice& n, std::string_view receipt_id,
                    int transfers, std::string* body, std::string* out) {
  body->clear();
  out->clear();
  *body += kEnvelopeOpen;
  *body += "    <pafn:paSendRTV2Request>";
  appendCaller(c, n, body);
  *body += "<receipt><receiptId>";
  *body += receipt_id;
  *body += "</receiptId><noticeNumber>";
  *body += n.nav;
  *body += "</noticeNumber><fiscalCode>";
  *body += n.ec;
  *body += "</fiscalCode><outcome>OK</outcome><creditorReferenceId>";
  // The IUV of an aux-digit-3 notice is the notice number without its first digit.
  body->append(n.nav, 1, std::string::npos);
  *body += "</creditorReferenceId><paymentAmount>";
  appendAmount(n.cents, body);
  *body +=
      "</paymentAmount><description>Benchmark</description><companyName>Comune di "
      "Valbruna</companyName><debtor>";
  *body += kSubject;
  *body += "</debtor><transferList>";
  const std::int64_t share = n.cents / transfers;
  for (int t = 1; t <= transfers; ++t) {
    *body += "<transfer><idTransfer>";
    appendInt(t, body);
    *body += "</idTransfer><transferAmount>";
    // The first transfer takes what the division leaves, so the transfers add up exactly.
    appendAmount(t == 1 ? n.cents - share * (transfers - 1) : share, body);
    *body += "</transferAmount><fiscalCodePA>";
    *body += n.ec;
    *body +=
        "</fiscalCodePA><companyName>Comune di Valbruna</companyName>"
        "<IBAN>IT61X0306909606100000012345</IBAN><remittanceInformation>Quota ";
    appendInt(t, body);
    *body += "</remittanceInformation><transferCategory>9/0101100IM/</transferCategory></transfer>";
  }
  *body +=
      "</transferList><idPSP>BCITITMM</idPSP><pspFiscalCode>00799960158</pspFiscalCode>"
      "<pspPartitaIVA>00799960158</pspPartitaIVA><PSPCompanyName>Intesa Sanpaolo "
      "S.p.A.</PSPCompanyName><idChannel>00799960158_01</idChannel>"
      "<channelDescription>app</channelDescription><payer>";
  *body += kSubject;
  *body +=
      "</payer><paymentMethod>creditCard</paymentMethod><paymentNote>cart-bench</paymentNote>"
      "<fee>1.50</fee><paymentDateTime>2026-03-10T10:15:30</paymentDateTime>"
      "<applicationDate>2026-03-10</applicationDate><transferDate>2026-03-11</transferDate>"
      "</receipt></pafn:paSendRTV2Request>\n";
  *body += kEnvelopeClose;
  appendPost(c, "paSendRTV2", *body, out);
}

}  // namespace ponte::bench
