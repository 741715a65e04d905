// Lexical checks of the paForNode simple types that gSOAP leaves unchecked (patterns, xs:date,
// xs:dateTime, base64), and UTF-8 helpers. Pure functions over text; nothing here allocates
// except decodeBase64.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ponte::soap {

// Number of Unicode characters in valid UTF-8 text (what XSD length facets count).
std::size_t utf8Length(std::string_view text);

// Where the first problem in `text` is, if any: invalid UTF-8 (bad lead or continuation byte,
// overlong form, surrogate, beyond U+10FFFF) or a character XML 1.0 forbids (C0 controls other
// than tab, LF, CR; U+FFFE, U+FFFF).
struct TextProblem {
  std::size_t offset = 0;
  bool bad_utf8 = false;  // false: a forbidden character
};
std::optional<TextProblem> findTextProblem(std::string_view text);

// `count` ASCII digits, nothing else ([0-9]{count}).
bool isDigits(std::string_view text, std::size_t count);

// Two capital ASCII letters ([A-Z]{2}): a province or country code.
bool isProvinceOrCountry(std::string_view text);

// The stEMail pattern [a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+(.[a-zA-Z0-9-]+)* and at most 256 characters.
bool isEmail(std::string_view text);

// xs:date: YYYY-MM-DD with a day that exists, then an optional time zone (Z or +hh:mm / -hh:mm,
// at most 14:00). Years are four digits: the XSD also allows longer and negative years, which no
// pagoPA message carries.
bool isXsDate(std::string_view text);

// xs:dateTime: an xs:date part without its zone, 'T', hh:mm:ss, optional fraction, optional zone.
// 24:00:00 is accepted as XSD 1.0 does.
bool isXsDateTime(std::string_view text);

// Decodes xs:base64Binary text: XML white space is ignored, the rest must be groups of four
// characters of the base64 alphabet, '=' padding only at the end with zero pad bits (the XSD
// canonical lexical space). nullopt when the text is not base64 or decodes to more than
// max_bytes bytes.
std::optional<std::string> decodeBase64(std::string_view text, std::size_t max_bytes);

// Whether `text` is valid xs:base64Binary (same rules as decodeBase64, without decoding).
bool isBase64(std::string_view text);

}  // namespace ponte::soap
