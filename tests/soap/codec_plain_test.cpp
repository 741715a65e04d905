// Plain reading: verify and getPayment requests written plainly are read from the values the
// envelope scanner collected, without gSOAP. Whatever arrives, the result must be the one gSOAP's
// reading gives, request for request and refusal for refusal, word for word.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <sstream>

#include "samples.h"
#include "soap/codec.h"
#include "soap/envelope_scanner.h"

namespace ponte::soap {
namespace {

namespace fs = std::filesystem;
using core::Operation;

// Everything a decode result says, as text, so that two results compare in one CHECK.
std::string summary(const std::variant<Decoded, DecodeFailure>& result) {
  std::ostringstream out;
  if (const auto* f = std::get_if<DecodeFailure>(&result)) {
    out << "refused op=" << (f->op ? core::operationName(*f->op) : "-")
        << " code=" << static_cast<int>(f->fault.code) << " description=" << f->fault.description
        << " detail=" << f->log_detail;
    return out.str();
  }
  const Decoded& d = std::get<Decoded>(result);
  out << "decoded " << core::operationName(d.op);
  auto head = [&out](const core::Caller& c, const core::QrCode& qr) {
    out << " [" << c.id_pa << "|" << c.id_broker_pa << "|" << c.id_station << "|" << qr.fiscal_code
        << "|" << qr.notice_number << "]";
  };
  if (const auto* v = std::get_if<core::VerifyRequest>(&d.request)) {
    head(v->caller, v->qr);
  } else if (const auto* g = std::get_if<core::GetPaymentRequest>(&d.request)) {
    head(g->caller, g->qr);
    out << " amount=" << (g->amount ? std::to_string(*g->amount) : "-") << " note=["
        << g->payment_note << "] type=" << static_cast<int>(g->transfer_type)
        << " due=" << (g->due_date ? g->due_date->iso() : "-") << " v2=" << g->v2;
  } else {
    out << " (read by gSOAP either way)";
  }
  return out.str();
}

bool scannedPlain(Operation op, std::string_view body) {
  PlainValues plain;
  return !scanEnvelope(body, op, Limits{}, &plain) && plain.plain;
}

TEST_CASE("the scanner collects a plainly written request's values, and nothing else", "[unit]") {
  using test::replaceOnce;
  for (const auto style :
       {test::Style::kPafnPrefix, test::Style::kOtherPrefix, test::Style::kDefaultNamespace}) {
    const std::string body = test::validRequest(Operation::kVerify, style);
    PlainValues plain;
    REQUIRE_FALSE(scanEnvelope(body, Operation::kVerify, Limits{}, &plain));
    REQUIRE(plain.plain);
    REQUIRE(plain.count == 5);
    CHECK(plain.values[0].name == "idPA");
    CHECK(plain.values[0].text == "80015010723");
    CHECK(plain.values[2].text == "15376371009_01");
    CHECK(plain.values[3].name == "fiscalCode");
    CHECK(plain.values[4].name == "noticeNumber");
    CHECK(plain.values[4].text == "301000000000012373");
  }
  const std::string get = test::validRequest(Operation::kGetPaymentV2);
  PlainValues plain;
  REQUIRE_FALSE(scanEnvelope(get, Operation::kGetPaymentV2, Limits{}, &plain));
  CHECK(plain.plain);
  CHECK(plain.count == 9);
  CHECK(plain.values[8].name == "dueDate");

  const std::string verify = test::validRequest(Operation::kVerify);
  CHECK(scannedPlain(Operation::kVerify, replaceOnce(verify, "_01<", "_01 0<")));
  const std::string not_plain[] = {
      replaceOnce(verify, "_01<", "_01<!-- x --><"),
      replaceOnce(verify, "_01<", "_<![CDATA[01]]><"),
      replaceOnce(verify, "_01<", "_01&amp;<"),
      replaceOnce(verify, "_01<", "_01&#x41;<"),
      replaceOnce(verify, "_01<", "_01 <"),
      replaceOnce(verify, ">15376371009_01", "> 15376371009_01"),
      replaceOnce(verify, "_01<", "_01\t0<"),
      replaceOnce(verify, "_01<", "_01\xC3\xA8<"),
      replaceOnce(verify, "<idPA>",
                  "<idPA xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                  "xsi:type=\"xs:string\">"),
      replaceOnce(verify, "<soapenv:Header/>",
                  "<soapenv:Header><h:x xmlns:h=\"urn:h\" soapenv:mustUnderstand=\"1\"/>"
                  "</soapenv:Header>"),
      replaceOnce(verify, "<soapenv:Header/>",
                  "<soapenv:Header><h:x xmlns:h=\"urn:h\"/>"
                  "</soapenv:Header>"),
      replaceOnce(verify, "<soapenv:Body>", "<soapenv:Body soapenv:encodingStyle=\"urn:x\">"),
      replaceOnce(verify, "<soapenv:Body>", "<?pi x?><soapenv:Body>"),
      "\xEF\xBB\xBF" + verify,
  };
  for (const auto& body : not_plain) {
    INFO(body);
    CHECK_FALSE(scannedPlain(Operation::kVerify, body));
  }
}

TEST_CASE("plain reading decodes every request as gSOAP's reading does", "[unit]") {
  using test::replaceOnce;
  Codec plain_codec(Limits{}, Reading::kPlainValues);
  Codec gsoap_codec(Limits{}, Reading::kGsoap);
  int plain_decoded = 0;
  int plain_refused = 0;
  auto compare = [&](Operation op, const std::string& body) {
    const auto plain = plain_codec.decode(core::operationName(op), body);
    const auto reference = gsoap_codec.decode(core::operationName(op), body);
    INFO("input: " << body);
    CHECK(summary(plain) == summary(reference));
    if (scannedPlain(op, body)) {
      ++(std::holds_alternative<Decoded>(plain) ? plain_decoded : plain_refused);
    }
  };

  // Every golden request, of every operation.
  const fs::path golden = fs::path(PONTE_SOURCE_DIR) / "tests" / "golden";
  for (const auto& dir : fs::directory_iterator(golden)) {
    const auto op = core::operationFromName(dir.path().filename().string());
    REQUIRE(op);
    for (const auto& file : fs::directory_iterator(dir.path())) {
      const std::string name = file.path().filename().string();
      if (name.find(".request.xml") != std::string::npos) compare(*op, test::readFile(file.path()));
    }
  }

  // Values at and beyond their types' edges, written plainly and not.
  const std::string verify = test::validRequest(Operation::kVerify);
  const std::string get = test::validRequest(Operation::kGetPaymentV2);
  const std::string get1 = test::validRequest(Operation::kGetPayment);
  const std::pair<std::string_view, std::string_view> verify_edits[] = {
      {"<idPA>80015010723<", "<idPA>A<"},
      {"<idPA>80015010723<", "<idPA>12345678901234567890123456789012345<"},
      {"<idPA>80015010723<", "<idPA>123456789012345678901234567890123456<"},
      {"<idPA>80015010723<", "<idPA><"},
      {"<idPA>80015010723<", "<idPA/><"},
      {"_01<", "_01 0<"},
      {"_01<", "_01  0<"},
      {"_01<", "_01 <"},
      {"_01<", "_01&lt;<"},
      {"<fiscalCode>80015010723<", "<fiscalCode>8001501072<"},
      {"<fiscalCode>80015010723<", "<fiscalCode>8001501072A<"},
      {"<fiscalCode>80015010723<", "<fiscalCode>800150107230<"},
      {"<noticeNumber>301000000000012373<", "<noticeNumber>30100000000001237<"},
      {"<noticeNumber>301000000000012373<", "<noticeNumber>3010000000000123730<"},
      {"<noticeNumber>301000000000012373<", "<noticeNumber>30100000000001237X<"},
      {"<noticeNumber>301000000000012373<", "<noticeNumber>\n301000000000012373\n<"},
      // The XML declaration, blanks in tags, namespace declarations in unusual places.
      {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>", ""},
      {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version='1.0' standalone='yes'?>"},
      {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.1\"?>"},
      {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.0\" encoding=\"latin1\"?>"},
      {"<idPA>", "<idPA >"},
      {"</idPA>", "</idPA\n>"},
      {"<soapenv:Header/>", "<soapenv:Header>\r\n</soapenv:Header>"},
      {"<soapenv:Header/>", ""},
      {"<qrCode>", "<qrCode xmlns:x=\"urn:unused\">"},
      {"<idPA>", "<idPA xmlns=\"\">"},
      {"<idPA>", "<idPA xmlns=\"urn:other\">"},
      {"<soapenv:Body>", "<soapenv:Body xmlns:pafn=\"urn:rebound\">"},
  };
  for (const auto& [from, to] : verify_edits) {
    compare(Operation::kVerify, replaceOnce(verify, from, to));
  }
  const std::pair<std::string_view, std::string_view> get_edits[] = {
      {"<amount>120.00<", "<amount>1e5<"},
      {"<amount>120.00<", "<amount>120<"},
      {"<amount>120.00<", "<amount>120.0<"},
      {"<amount>120.00<", "<amount>0.00<"},
      {"<amount>120.00<", "<amount>-1.00<"},
      {"<amount>120.00<", "<amount>999999999.99<"},
      {"<amount>120.00<", "<amount>1000000000.00<"},
      {"<amount>120.00<", "<amount>+120.00<"},
      {"<paymentNote>cart-7f3a<", "<paymentNote>a b<"},
      {"<paymentNote>cart-7f3a<", "<paymentNote>a  b  c<"},
      {"<paymentNote>cart-7f3a<", "<paymentNote> a<"},
      {"<paymentNote>cart-7f3a<", "<paymentNote>\xC3\xA8<"},
      {"<paymentNote>cart-7f3a<", "<paymentNote><"},
      {"<transferType>PAGOPA<", "<transferType>POSTAL<"},
      {"<transferType>PAGOPA<", "<transferType>postal<"},
      {"<transferType>PAGOPA<", "<transferType>OTHER<"},
      {"<transferType>PAGOPA<", "<transferType> POSTAL <"},
      {"<transferType>PAGOPA</transferType>", ""},
      {"<dueDate>2026-12-31<", "<dueDate>2026-02-29<"},
      {"<dueDate>2026-12-31<", "<dueDate>2028-02-29<"},
      {"<dueDate>2026-12-31<", "<dueDate>2026-12-31Z<"},
      {"<dueDate>2026-12-31<", "<dueDate>2026-12-31+01:00<"},
      {"<dueDate>2026-12-31<", "<dueDate>26-12-31<"},
      {"<dueDate>2026-12-31</dueDate>", ""},
      {"<amount>120.00</amount><paymentNote>cart-7f3a</paymentNote>", ""},
  };
  for (const auto& [from, to] : get_edits) {
    compare(Operation::kGetPaymentV2, replaceOnce(get, from, to));
    compare(Operation::kGetPayment, replaceOnce(get1, from, to));
  }
  for (const auto style : {test::Style::kOtherPrefix, test::Style::kDefaultNamespace}) {
    for (const auto op : {Operation::kVerify, Operation::kGetPayment, Operation::kGetPaymentV2}) {
      compare(op, test::validRequest(op, style));
    }
  }
  compare(Operation::kVerify, "\xEF\xBB\xBF" + verify);
  compare(Operation::kVerify,
          replaceOnce(verify, "<soapenv:Header/>",
                      "<soapenv:Header><h:x xmlns:h=\"urn:h\" soapenv:mustUnderstand=\"1\"/>"
                      "</soapenv:Header>"));

  // Damaged requests: most are refused by the scanner, some reach the values.
  std::mt19937 rng(20261207);
  const Operation ops[] = {Operation::kVerify, Operation::kGetPayment, Operation::kGetPaymentV2};
  for (int i = 0; i < 9000; ++i) {
    const Operation op = ops[i % 3];
    compare(op, test::mutate(test::validRequest(op), rng));
  }

  // Random values in each leaf: digits, letters, blanks, punctuation and entities, of any length
  // around their types' bounds.
  const std::pair<std::string_view, std::string_view> leaves[] = {
      {"<idPA>", "80015010723"},
      {"<idBrokerPA>", "15376371009"},
      {"<idStation>", "15376371009_01"},
      {"<fiscalCode>", "80015010723"},
      {"<noticeNumber>", "301000000000012373"},
      {"<amount>", "120.00"},
      {"<paymentNote>", "cart-7f3a"},
      {"<transferType>", "PAGOPA"},
      {"<dueDate>", "2026-12-31"},
  };
  static constexpr std::string_view kAlphabet = "0123456789012345678901234567890123456789.-_ :aZ+/";
  static constexpr std::string_view kRare[] = {"&amp;", "&#x20;", "\t", "\xC3\xA8", "POSTAL"};
  for (int i = 0; i < 6000; ++i) {
    const Operation op = ops[i % 3];
    const auto& [tag, value] = leaves[std::uniform_int_distribution<std::size_t>(
        0, op == Operation::kVerify ? 4 : std::size(leaves) - 1)(rng)];
    std::string text;
    const std::size_t length = std::uniform_int_distribution<std::size_t>(0, 40)(rng);
    for (std::size_t k = 0; k < length; ++k) {
      if (std::uniform_int_distribution<int>(0, 30)(rng) == 0) {
        text += kRare[std::uniform_int_distribution<std::size_t>(0, std::size(kRare) - 1)(rng)];
      } else {
        text += kAlphabet[std::uniform_int_distribution<std::size_t>(0, kAlphabet.size() - 1)(rng)];
      }
    }
    // Half the time only a digit of the valid value changes, so that many requests decode.
    if (i % 2 == 0) {
      text = value;
      text[std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng)] =
          static_cast<char>('0' + i % 10);
    }
    compare(op, replaceOnce(test::validRequest(op), std::string(tag) + std::string(value),
                            std::string(tag) + text));
  }

  // The plain path was taken, both to decode and to hand a bad value back to gSOAP.
  INFO("plain decoded " << plain_decoded << ", plain refused " << plain_refused);
  CHECK(plain_decoded > 2000);
  CHECK(plain_refused > 500);
}

}  // namespace
}  // namespace ponte::soap
