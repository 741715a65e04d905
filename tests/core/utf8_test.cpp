// Strict UTF-8: what is a character, what is refused.
#include <catch2/catch.hpp>

#include "core/utf8.h"

using namespace ponte::core;

TEST_CASE("UTF-8 sequences are measured and malformed ones refused", "[unit]") {
  CHECK(utf8SequenceBytes("a", 0) == 1);
  CHECK(utf8SequenceBytes("\xC3\xA0", 0) == 2);          // à
  CHECK(utf8SequenceBytes("\xE2\x82\xAC", 0) == 3);      // €
  CHECK(utf8SequenceBytes("\xF0\x9F\x98\x80", 0) == 4);  // an emoji
  CHECK(utf8SequenceBytes("\xC0\xAF", 0) == 0);          // overlong '/'
  CHECK(utf8SequenceBytes("\xE0\x80\xAF", 0) == 0);      // overlong
  CHECK(utf8SequenceBytes("\xED\xA0\x80", 0) == 0);      // a surrogate
  CHECK(utf8SequenceBytes("\xF4\x90\x80\x80", 0) == 0);  // above U+10FFFF
  CHECK(utf8SequenceBytes("\xE2\x82", 0) == 0);          // truncated
  CHECK(utf8SequenceBytes("\x80", 0) == 0);              // a stray continuation byte
  CHECK(utf8CharBytes("\x80", 0) == 1);                  // scans still advance

  CHECK(utf8Length("Niccol\xC3\xB2") == 7u);
  CHECK_FALSE(utf8Length("bad \xC3"));
  CHECK(utf8CountChars("\xC3\xA0\xE2\x82\xAC\xF0\x9F\x98\x80") == 3);
  CHECK(utf8CountChars("") == 0);
}
