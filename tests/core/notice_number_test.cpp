// Notice numbers: mod-93 check digits (worked by hand with bc), layouts by aux digit, IUV <-> NAV.
#include <catch2/catch.hpp>

#include <string>

#include "core/notice_number.h"

using ponte::core::buildNoticeNumber;
using ponte::core::checkDigits;
using ponte::core::noticeFromIuv;
using ponte::core::parseNoticeNumber;
using ponte::core::qrCodeText;

// The arithmetic behind the expected check digits:
//   aux 0: 0 12 0000000000001  -> 0120000000000001 = 93 * 1290322580645  + 16 -> "16"
//   aux 2: 2 000000000000123   -> 2000000000000123 = 93 * 21505376344087 + 32 -> "32"
//   aux 2: 2 999999999999999   -> 2999999999999999 = 93 * 32258064516129 +  2 -> "02"
//   aux 3: 3 01 0000000000123  -> 3010000000000123 = 93 * 32365591397850 + 73 -> "73" (facts §5)
//   aux 3: 3 99 1234567890123  -> 3991234567890123 = 93 * 42916500730001 + 30 -> "30"
//   aux 3: 3 00 0000000000000  -> 3000000000000000 = 93 * 32258064516129 +  3 -> "03"
TEST_CASE("checkDigits is the 16-digit prefix mod 93, two digits", "[unit]") {
  CHECK(checkDigits("0120000000000001") == "16");
  CHECK(checkDigits("2000000000000123") == "32");
  CHECK(checkDigits("2999999999999999") == "02");
  CHECK(checkDigits("3010000000000123") == "73");
  CHECK(checkDigits("3991234567890123") == "30");
  CHECK(checkDigits("3000000000000000") == "03");
  CHECK(checkDigits("0000000000000000") == "00");
  // The largest prefix: 9999999999999999 = 93 * 107526881720430 + 9.
  CHECK(checkDigits("9999999999999999") == "09");
}

TEST_CASE("the facts example: aux 3, segregation code 01", "[unit]") {
  const auto built = buildNoticeNumber(3, "01", "0000000000123");
  REQUIRE(built.has_value());
  CHECK(built->nav == "301000000000012373");
  CHECK(built->iuv == "01000000000012373");
  CHECK(built->code == "01");
  CHECK(built->aux_digit == 3);

  const auto parsed = parseNoticeNumber("301000000000012373");
  REQUIRE(parsed.has_value());
  CHECK(parsed->iuv == "01000000000012373");
  CHECK(parsed->code == "01");
  CHECK(noticeFromIuv(3, "", "01000000000012373") == "301000000000012373");
}

TEST_CASE("aux 0: application code outside the 15-digit IUV", "[unit]") {
  const auto built = buildNoticeNumber(0, "12", "0000000000001");
  REQUIRE(built.has_value());
  CHECK(built->nav == "012000000000000116");
  CHECK(built->iuv == "000000000000116");
  CHECK(built->iuv.size() == 15u);
  CHECK(built->code == "12");

  const auto parsed = parseNoticeNumber("012000000000000116");
  REQUIRE(parsed.has_value());
  CHECK(parsed->iuv == "000000000000116");
  CHECK(parsed->code == "12");
  CHECK(parsed->aux_digit == 0);

  CHECK(noticeFromIuv(0, "12", "000000000000116") == "012000000000000116");
  // Another application code makes another prefix, whose check digits no longer match.
  CHECK_FALSE(noticeFromIuv(0, "13", "000000000000116").has_value());
  CHECK_FALSE(noticeFromIuv(0, "", "000000000000116").has_value());
  CHECK_FALSE(noticeFromIuv(0, "1", "000000000000116").has_value());
}

TEST_CASE("aux 1: seventeen-digit IUV without check digits", "[unit]") {
  const auto built = buildNoticeNumber(1, "", "12345678901234567");
  REQUIRE(built.has_value());
  CHECK(built->nav == "112345678901234567");
  CHECK(built->iuv == "12345678901234567");
  CHECK(built->code.empty());
  // Any last two digits are accepted.
  CHECK(parseNoticeNumber("112345678901234500").has_value());
  CHECK(parseNoticeNumber("112345678901234599").has_value());
  CHECK(noticeFromIuv(1, "", "12345678901234567") == "112345678901234567");
  CHECK_FALSE(buildNoticeNumber(1, "", "1234567890123456").has_value());
  CHECK_FALSE(buildNoticeNumber(1, "01", "123456789012345").has_value());
}

TEST_CASE("aux 2: fifteen-digit base and check digits inside the IUV", "[unit]") {
  const auto built = buildNoticeNumber(2, "", "000000000000123");
  REQUIRE(built.has_value());
  CHECK(built->nav == "200000000000012332");
  CHECK(built->iuv == "00000000000012332");
  CHECK(built->code.empty());
  // The leading zero of a check digit below 10 is kept.
  CHECK(buildNoticeNumber(2, "", "999999999999999")->nav == "299999999999999902");
  CHECK(parseNoticeNumber("299999999999999902").has_value());
  CHECK(noticeFromIuv(2, "", "00000000000012332") == "200000000000012332");
}

TEST_CASE("aux 3: segregation code and check digits inside the IUV", "[unit]") {
  const auto built = buildNoticeNumber(3, "99", "1234567890123");
  REQUIRE(built.has_value());
  CHECK(built->nav == "399123456789012330");
  CHECK(built->iuv == "99123456789012330");
  CHECK(built->code == "99");
  CHECK(buildNoticeNumber(3, "00", "0000000000000")->nav == "300000000000000003");
}

TEST_CASE("wrong check digits are refused", "[unit]") {
  CHECK_FALSE(parseNoticeNumber("301000000000012374").has_value());
  CHECK_FALSE(parseNoticeNumber("301000000000012337").has_value());
  CHECK_FALSE(parseNoticeNumber("012000000000000117").has_value());
  CHECK_FALSE(parseNoticeNumber("200000000000012333").has_value());
  // Official example numbers that do not satisfy mod 93 (facts §5).
  CHECK_FALSE(parseNoticeNumber("311111111112222222").has_value());
  CHECK_FALSE(parseNoticeNumber("302009921337126000").has_value());
  CHECK_FALSE(noticeFromIuv(3, "", "01000000000012374").has_value());
  CHECK_FALSE(noticeFromIuv(2, "", "00000000000012333").has_value());
}

TEST_CASE("every single-digit change of a valid number breaks its check digits", "[unit]") {
  const std::string nav = "301000000000012373";
  for (std::size_t i = 1; i < nav.size(); ++i) {
    for (char digit = '0'; digit <= '9'; ++digit) {
      if (digit == nav[i]) continue;
      std::string changed = nav;
      changed[i] = digit;
      INFO("changed: " << changed);
      CHECK_FALSE(parseNoticeNumber(changed).has_value());
    }
  }
}

TEST_CASE("wrong lengths, letters and aux digits 4-9 are refused", "[unit]") {
  CHECK_FALSE(parseNoticeNumber("").has_value());
  CHECK_FALSE(parseNoticeNumber("30100000000001237").has_value());
  CHECK_FALSE(parseNoticeNumber("3010000000000123730").has_value());
  CHECK_FALSE(parseNoticeNumber("30100000000001237a").has_value());
  CHECK_FALSE(parseNoticeNumber("3O1000000000012373").has_value());
  CHECK_FALSE(parseNoticeNumber(" 01000000000012373").has_value());
  CHECK_FALSE(parseNoticeNumber("-01000000000012373").has_value());
  for (char aux = '4'; aux <= '9'; ++aux) {
    std::string nav = "01000000000012373";
    nav.insert(nav.begin(), aux);
    // Give it the check digits it would have under the mod-93 rule: the aux digit alone refuses it.
    nav.replace(16, 2, checkDigits(nav.substr(0, 16)));
    INFO("nav: " << nav);
    CHECK_FALSE(parseNoticeNumber(nav).has_value());
    CHECK_FALSE(buildNoticeNumber(aux - '0', "01", "0000000000123").has_value());
    CHECK_FALSE(noticeFromIuv(aux - '0', "", "01000000000012373").has_value());
  }
  CHECK_FALSE(buildNoticeNumber(-1, "01", "0000000000123").has_value());
  CHECK_FALSE(buildNoticeNumber(10, "01", "0000000000123").has_value());
  CHECK_FALSE(noticeFromIuv(-1, "", "01000000000012373").has_value());
}

TEST_CASE("buildNoticeNumber refuses parts of the wrong shape", "[unit]") {
  CHECK_FALSE(buildNoticeNumber(3, "1", "0000000000123").has_value());
  CHECK_FALSE(buildNoticeNumber(3, "", "010000000000123").has_value());
  CHECK_FALSE(buildNoticeNumber(3, "0a", "0000000000123").has_value());
  CHECK_FALSE(buildNoticeNumber(3, "01", "000000000012").has_value());
  CHECK_FALSE(buildNoticeNumber(3, "01", "000000000012x").has_value());
  CHECK_FALSE(buildNoticeNumber(0, "", "0000000000001").has_value());
  CHECK_FALSE(buildNoticeNumber(2, "", "0000000000001").has_value());
  CHECK_FALSE(buildNoticeNumber(2, "01", "000000000000123").has_value());
  CHECK_FALSE(noticeFromIuv(3, "", "0100000000001237").has_value());
  CHECK_FALSE(noticeFromIuv(3, "", "0100000000001237x").has_value());
  CHECK_FALSE(noticeFromIuv(0, "12", "00000000000011").has_value());
}

TEST_CASE("build and parse agree for every aux digit", "[unit]") {
  struct Case {
    int aux;
    const char* code;
    const char* base;
  };
  for (const Case& c : {Case{0, "47", "9876543210987"}, Case{1, "", "00000000000000001"},
                        Case{2, "", "123456789012345"}, Case{3, "85", "0000000000042"}}) {
    const auto built = buildNoticeNumber(c.aux, c.code, c.base);
    REQUIRE(built.has_value());
    const auto parsed = parseNoticeNumber(built->nav);
    REQUIRE(parsed.has_value());
    CHECK(parsed->aux_digit == c.aux);
    CHECK(parsed->code == built->code);
    CHECK(parsed->iuv == built->iuv);
    CHECK(parsed->nav == built->nav);
    CHECK(noticeFromIuv(c.aux, c.code, built->iuv) == built->nav);
  }
}

TEST_CASE("qrCodeText follows the pagoPA QR layout", "[unit]") {
  CHECK(qrCodeText("301000000000012373", "00000000201", 12345) ==
        "PAGOPA|002|301000000000012373|00000000201|12345");
  CHECK(qrCodeText("000000000000000000", "00000000000", 9999) ==
        "PAGOPA|002|000000000000000000|00000000000|9999");
  // The amount field has at least two digits.
  CHECK(qrCodeText("301000000000012373", "00000000201", 5) ==
        "PAGOPA|002|301000000000012373|00000000201|05");
  CHECK(qrCodeText("301000000000012373", "00000000201", ponte::core::kMaxQrCents) ==
        "PAGOPA|002|301000000000012373|00000000201|9999999999");
}
