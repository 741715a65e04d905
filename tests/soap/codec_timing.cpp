// soap_codec_timing [N]: decodes and encodes N verify messages (default 200000) on one thread
// and prints the rate, plus decode-only rates of a 2-transfer paSendRTV2. A quick look for the
// codec's author; ponte's benchmark program is the measure of record.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "soap/codec.h"

namespace {

const std::string kVerify =
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:pafn=\"http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd\"><soapenv:Header/>"
    "<soapenv:Body><pafn:paVerifyPaymentNoticeReq><idPA>80015010723</idPA>"
    "<idBrokerPA>15376371009</idBrokerPA><idStation>15376371009_01</idStation><qrCode>"
    "<fiscalCode>80015010723</fiscalCode><noticeNumber>301000000000012373</noticeNumber>"
    "</qrCode></pafn:paVerifyPaymentNoticeReq></soapenv:Body></soapenv:Envelope>";

const std::string kTransfer =
    "<transfer><idTransfer>1</idTransfer><transferAmount>60.00</transferAmount>"
    "<fiscalCodePA>80015010723</fiscalCodePA><companyName>Comune di Roccafiorita</companyName>"
    "<IBAN>IT61X0306909606100000012345</IBAN><remittanceInformation>Mensa scolastica"
    "</remittanceInformation><transferCategory>9/0101109SE/</transferCategory></transfer>";

const std::string kSubject =
    "<uniqueIdentifier><entityUniqueIdentifierType>F</entityUniqueIdentifierType>"
    "<entityUniqueIdentifierValue>RSSMRA80A01H501U</entityUniqueIdentifierValue>"
    "</uniqueIdentifier><fullName>Mario Rossi</fullName>";

const std::string kSendRtV2 =
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:pafn=\"http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd\"><soapenv:Body>"
    "<pafn:paSendRTV2Request><idPA>80015010723</idPA><idBrokerPA>15376371009</idBrokerPA>"
    "<idStation>15376371009_01</idStation><receipt><receiptId>c110729d258c4ab1b765fe902aae41d6"
    "</receiptId><noticeNumber>301000000000012373</noticeNumber><fiscalCode>80015010723"
    "</fiscalCode><outcome>OK</outcome><creditorReferenceId>01000000000012373"
    "</creditorReferenceId><paymentAmount>120.00</paymentAmount><description>Mensa"
    "</description><companyName>Comune di Roccafiorita</companyName><debtor>" +
    kSubject + "</debtor><transferList>" + kTransfer + kTransfer +
    "</transferList><idPSP>BCITITMM</idPSP><PSPCompanyName>Intesa Sanpaolo</PSPCompanyName>"
    "<idChannel>00799960158_01</idChannel><channelDescription>app</channelDescription>"
    "<paymentDateTime>2026-03-10T10:15:30</paymentDateTime></receipt></pafn:paSendRTV2Request>"
    "</soapenv:Body></soapenv:Envelope>";

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 200000;
  ponte::soap::Codec codec;
  ponte::core::VerifyResult result;
  result.option.amount = 12000;
  result.option.all_ccp = false;
  result.payment_description = "Mensa scolastica - primo quadrimestre";
  result.fiscal_code_pa = "80015010723";
  result.company_name = "Comune di Roccafiorita";
  const ponte::core::NodeAnswer answer = ponte::core::Answer<ponte::core::VerifyResult>(result);

  std::size_t bytes = 0;
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    auto decoded = codec.decode("paVerifyPaymentNotice", kVerify);
    if (!std::holds_alternative<ponte::soap::Decoded>(decoded)) return 1;
    bytes += codec.encode(ponte::core::Operation::kVerify, answer, "80015010723").size();
  }
  double s = seconds(start);
  std::printf("verify decode+encode: %ld in %.3f s = %.0f msg/s (%.2f us each, %zu bytes out)\n", n,
              s, n / s, s / n * 1e6, bytes / static_cast<std::size_t>(n));

  start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    if (!std::holds_alternative<ponte::soap::Decoded>(
            codec.decode("paVerifyPaymentNotice", kVerify))) {
      return 1;
    }
  }
  s = seconds(start);
  std::printf("verify decode only:   %.0f msg/s\n", n / s);

  start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i)
    bytes += codec.encode(ponte::core::Operation::kVerify, answer, "x").size();
  s = seconds(start);
  std::printf("verify encode only:   %.0f msg/s\n", n / s);

  const long m = n / 4;
  start = std::chrono::steady_clock::now();
  for (long i = 0; i < m; ++i) {
    if (!std::holds_alternative<ponte::soap::Decoded>(codec.decode("paSendRTV2", kSendRtV2))) {
      return 1;
    }
  }
  s = seconds(start);
  std::printf("paSendRTV2 (2 transfers) decode: %.0f msg/s\n", m / s);
  return 0;
}
