// The lexical checks the codec adds to gSOAP: patterns, dates, base64, UTF-8.
#include "soap/lexical.h"

#include <catch2/catch.hpp>

namespace ponte::soap {
namespace {

TEST_CASE("UTF-8 length counts characters", "[unit]") {
  CHECK(utf8Length("") == 0);
  CHECK(utf8Length("abc") == 3);
  CHECK(utf8Length("\xC3\xA0\xE2\x82\xAC\xF0\x9F\x98\x80") == 3);  // à € emoji
}

TEST_CASE("findTextProblem finds bad UTF-8 and forbidden characters", "[unit]") {
  CHECK_FALSE(findTextProblem("plain \t\r\n text \xC3\xA0 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  const auto check = [](std::string_view text, std::size_t offset, bool bad_utf8) {
    const auto problem = findTextProblem(text);
    INFO(text);
    REQUIRE(problem);
    CHECK(problem->offset == offset);
    CHECK(problem->bad_utf8 == bad_utf8);
  };
  check("ab\xC3", 2, true);             // truncated sequence
  check("ab\xC3\x28", 2, true);         // bad continuation
  check("a\xC0\xAF", 1, true);          // overlong '/'
  check("a\xE0\x80\xAF", 1, true);      // overlong, 3 bytes
  check("a\xED\xA0\x80", 1, true);      // surrogate
  check("a\xF4\x90\x80\x80", 1, true);  // beyond U+10FFFF
  check("a\xFF", 1, true);
  check(std::string_view("a\0b", 3), 1, false);
  check("a\x1F", 1, false);
  check("a\xEF\xBF\xBE", 1, false);  // U+FFFE
}

TEST_CASE("digit, code and e-mail patterns", "[unit]") {
  CHECK(isDigits("80015010723", 11));
  CHECK_FALSE(isDigits("8001501072", 11));
  CHECK_FALSE(isDigits("8001501072A", 11));
  CHECK_FALSE(isDigits(" 80015010723", 11));
  CHECK(isProvinceOrCountry("IT"));
  CHECK_FALSE(isProvinceOrCountry("It"));
  CHECK_FALSE(isProvinceOrCountry("ITA"));
  CHECK(isEmail("mario.rossi+tag@example.it"));
  CHECK(isEmail("a@b"));
  CHECK(isEmail("x_y-z@sub-domain.example.co.uk"));
  CHECK_FALSE(isEmail("@example.it"));
  CHECK_FALSE(isEmail("mario@"));
  CHECK_FALSE(isEmail("mario@example..it"));
  CHECK_FALSE(isEmail("mario@example.it."));
  CHECK_FALSE(isEmail("mario@ex@ample.it"));
  CHECK_FALSE(isEmail("mario rossi@example.it"));
  CHECK_FALSE(isEmail(std::string(250, 'a') + "@example.it"));
}

TEST_CASE("xs:date and xs:dateTime", "[unit]") {
  CHECK(isXsDate("2026-12-31"));
  CHECK(isXsDate("2024-02-29"));
  CHECK(isXsDate("2026-12-31Z"));
  CHECK(isXsDate("2026-12-31+01:00"));
  CHECK(isXsDate("2026-12-31-14:00"));
  CHECK_FALSE(isXsDate("2026-02-29"));
  CHECK_FALSE(isXsDate("1900-02-29"));
  CHECK(isXsDate("2000-02-29"));
  CHECK_FALSE(isXsDate("2026-04-31"));
  CHECK_FALSE(isXsDate("2026-13-01"));
  CHECK_FALSE(isXsDate("2026-00-10"));
  CHECK_FALSE(isXsDate("0000-01-01"));
  CHECK_FALSE(isXsDate("26-12-31"));
  CHECK_FALSE(isXsDate("2026-12-31+14:30"));
  CHECK_FALSE(isXsDate("2026-12-31+1:00"));
  CHECK_FALSE(isXsDate("2026-12-31 "));
  CHECK_FALSE(isXsDate("2026-12-31T00:00:00"));

  CHECK(isXsDateTime("2026-03-10T10:15:30"));
  CHECK(isXsDateTime("2026-03-10T10:15:30.123456"));
  CHECK(isXsDateTime("2026-03-10T10:15:30Z"));
  CHECK(isXsDateTime("2026-03-10T10:15:30.5+02:00"));
  CHECK(isXsDateTime("2026-03-10T24:00:00"));
  CHECK_FALSE(isXsDateTime("2026-03-10T24:00:01"));
  CHECK_FALSE(isXsDateTime("2026-03-10T10:60:00"));
  CHECK_FALSE(isXsDateTime("2026-03-10T10:15:60"));
  CHECK_FALSE(isXsDateTime("2026-03-10T10:15"));
  CHECK_FALSE(isXsDateTime("2026-03-10T10:15:30."));
  CHECK_FALSE(isXsDateTime("2026-03-10 10:15:30"));
  CHECK_FALSE(isXsDateTime("2026-03-10"));
  CHECK_FALSE(isXsDateTime("2026-02-30T10:15:30"));
}

TEST_CASE("base64 follows the XSD lexical rules", "[unit]") {
  CHECK(decodeBase64("", 10) == std::string());
  CHECK(decodeBase64("TWFu", 10) == std::string("Man"));
  CHECK(decodeBase64("TWE=", 10) == std::string("Ma"));
  CHECK(decodeBase64("TQ==", 10) == std::string("M"));
  CHECK(decodeBase64(" TW Fu\r\n TQ= =", 10) == std::string("ManM"));
  CHECK_FALSE(decodeBase64("TWF", 10));       // incomplete group
  CHECK_FALSE(decodeBase64("TWFu=", 10));     // padding after a full group
  CHECK_FALSE(decodeBase64("TQ==TWFu", 10));  // data after the padding
  CHECK_FALSE(decodeBase64("T===", 10));      // too much padding
  CHECK_FALSE(decodeBase64("TR==", 10));      // pad bits not zero
  CHECK_FALSE(decodeBase64("TWF=", 10));      // pad bits not zero
  CHECK_FALSE(decodeBase64("TW!u", 10));
  CHECK_FALSE(decodeBase64("TWFuTWFu", 5));  // over the size bound
  CHECK(isBase64("PG1hcmNhRGFCb2xsbz48L21hcmNhRGFCb2xsbz4="));
  CHECK_FALSE(isBase64("PG1hcmNhRGFCb2xsbz48L21hcmNhRGFCb2xsbz4"));
  const std::string all =
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v"
      "MDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5f"
      "YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6P"
      "kJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/"
      "wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v"
      "8PHy8/T19vf4+fr7/P3+/w==";
  const auto bytes = decodeBase64(all, 1000);
  REQUIRE(bytes);
  REQUIRE(bytes->size() == 256);
  for (int i = 0; i < 256; ++i) CHECK(static_cast<unsigned char>((*bytes)[i]) == i);
}

}  // namespace
}  // namespace ponte::soap
