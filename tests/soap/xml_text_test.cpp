// XML character data from arbitrary text.
#include "soap/xml_text.h"

#include <catch2/catch.hpp>

namespace ponte::soap {
namespace {

std::string text(std::string_view in, std::size_t max = static_cast<std::size_t>(-1)) {
  std::string out;
  appendXmlText(out, in, max);
  return out;
}

TEST_CASE("markup characters are escaped", "[unit]") {
  CHECK(text("a & b < c > d \"e\" 'f'") == "a &amp; b &lt; c &gt; d \"e\" 'f'");
  CHECK(text("line\r\nnext\ttab") == "line&#13;\nnext\ttab");
}

TEST_CASE("what XML cannot carry is replaced or dropped", "[unit]") {
  CHECK(text(std::string_view("a\0b\x01\x1F"
                              "c",
                              6)) == "abc");
  CHECK(text("a\xFF"
             "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(text("a\xC3") == "a\xEF\xBF\xBD");
  CHECK(text("a\xEF\xBF\xBF"
             "b") == "ab");
  CHECK(text("\xC3\xA0 \xF0\x9F\x98\x80") == "\xC3\xA0 \xF0\x9F\x98\x80");
}

TEST_CASE("text is cut at a character count, between characters", "[unit]") {
  CHECK(text("abcdef", 3) == "abc");
  CHECK(text("\xC3\xA0\xC3\xA8\xC3\xAC", 2) == "\xC3\xA0\xC3\xA8");
  CHECK(text("a&b", 2) == "a&amp;");
  CHECK(text("abc", 0).empty());
}

TEST_CASE("an element wraps its text", "[unit]") {
  std::string out = "x";
  appendXmlElement(out, "companyName", "Rossi & Figli", 140);
  CHECK(out == "x<companyName>Rossi &amp; Figli</companyName>");
}

}  // namespace
}  // namespace ponte::soap
