// Lexical checks of paForNode simple types, written from the XSD 1.0 definitions of the built-in
// types and from the pattern facets of the pagoPA schemas.
#include "soap/lexical.h"

#include <array>
#include <cstdint>

#include "core/utf8.h"

namespace ponte::soap {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Value of `n` digits at text[pos..]; -1 if any is not a digit or the text is too short.
int digitsAt(std::string_view text, std::size_t pos, std::size_t n) {
  if (pos + n > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!isDigit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool isLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeap(year) ? 29 : kDays[month - 1];
}

// "YYYY-MM-DD" at the start of text; returns the length consumed (10) or 0.
std::size_t datePart(std::string_view text) {
  const int year = digitsAt(text, 0, 4);
  if (year <= 0 || text.size() < 10 || text[4] != '-' || text[7] != '-') return 0;
  const int month = digitsAt(text, 5, 2);
  const int day = digitsAt(text, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 0;
  return 10;
}

// An optional zone: empty, "Z", or "+hh:mm" / "-hh:mm" up to 14:00.
bool zoneOrNothing(std::string_view rest) {
  if (rest.empty()) return true;
  if (rest == "Z") return true;
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return false;
  const int hours = digitsAt(rest, 1, 2);
  const int minutes = digitsAt(rest, 4, 2);
  if (hours < 0 || minutes < 0 || minutes > 59) return false;
  return hours < 14 || (hours == 14 && minutes == 0);
}

bool isXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// 0..63 for a base64 alphabet character, -1 otherwise.
int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Walks base64 text, calling emit(byte) for each decoded byte; false when the text is not valid
// xs:base64Binary. Shared by isBase64 and decodeBase64 so both apply exactly the same rules.
template <class Emit>
bool walkBase64(std::string_view text, Emit&& emit) {
  std::uint32_t group = 0;  // up to four sextets
  int in_group = 0;
  int padding = 0;
  int last_sextet = 0;
  for (const char c : text) {
    if (isXmlSpace(c)) continue;
    if (c == '=') {
      // Padding may only complete the last group: "xx==" or "xxx=".
      if (in_group < 2 || in_group + padding >= 4) return false;
      ++padding;
      if (in_group + padding == 4) {
        // The bits the padding leaves unused must be zero (canonical form).
        if (padding == 2 && (last_sextet & 0x0f) != 0) return false;
        if (padding == 1 && (last_sextet & 0x03) != 0) return false;
        group <<= 6 * padding;
        emit(static_cast<char>((group >> 16) & 0xff));
        if (padding == 1) emit(static_cast<char>((group >> 8) & 0xff));
      }
      continue;
    }
    if (padding > 0) return false;  // data after the padding
    const int value = sextet(c);
    if (value < 0) return false;
    last_sextet = value;
    group = (group << 6) | static_cast<std::uint32_t>(value);
    if (++in_group == 4) {
      emit(static_cast<char>((group >> 16) & 0xff));
      emit(static_cast<char>((group >> 8) & 0xff));
      emit(static_cast<char>(group & 0xff));
      group = 0;
      in_group = 0;
    }
  }
  if (padding > 0) return in_group + padding == 4;
  return in_group == 0;
}

}  // namespace

std::size_t utf8Length(std::string_view text) { return core::utf8CountChars(text); }

std::optional<TextProblem> findTextProblem(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return TextProblem{i, false};
      ++i;
      continue;
    }
    const std::size_t len = core::utf8SequenceBytes(text, i);
    if (len == 0) return TextProblem{i, true};
    // U+FFFE and U+FFFF are not XML characters.
    if (c == 0xef && p[i + 1] == 0xbf && (p[i + 2] == 0xbe || p[i + 2] == 0xbf)) {
      return TextProblem{i, false};
    }
    i += len;
  }
  return std::nullopt;
}

bool isDigits(std::string_view text, std::size_t count) {
  if (text.size() != count) return false;
  for (const char c : text) {
    if (!isDigit(c)) return false;
  }
  return true;
}

bool isProvinceOrCountry(std::string_view text) {
  return text.size() == 2 && text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'A' && text[1] <= 'Z';
}

bool isEmail(std::string_view text) {
  if (text.size() > 256) return false;
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  for (std::size_t i = 0; i < at; ++i) {
    const char c = text[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_' ||
                    c == '.' || c == '+' || c == '-';
    if (!ok) return false;
  }
  // Domain: labels of [a-zA-Z0-9-]+ separated by single dots, no dot at either end.
  std::size_t label = 0;
  for (std::size_t i = at + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '-';
    if (!ok) return false;
    ++label;
  }
  return label > 0;
}

bool isXsDate(std::string_view text) {
  const std::size_t used = datePart(text);
  return used != 0 && zoneOrNothing(text.substr(used));
}

bool isXsDateTime(std::string_view text) {
  const std::size_t used = datePart(text);
  if (used == 0 || text.size() < used + 9 || text[used] != 'T') return false;
  const std::size_t t = used + 1;
  if (text[t + 2] != ':' || text[t + 5] != ':') return false;
  const int hours = digitsAt(text, t, 2);
  const int minutes = digitsAt(text, t + 3, 2);
  const int seconds = digitsAt(text, t + 6, 2);
  if (hours < 0 || hours > 24 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) {
    return false;
  }
  std::size_t pos = t + 8;
  bool fraction_zero = true;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && isDigit(text[pos])) {
      if (text[pos] != '0') fraction_zero = false;
      ++pos;
    }
    if (pos == start) return false;
  }
  if (hours == 24 && (minutes != 0 || seconds != 0 || !fraction_zero)) return false;
  return zoneOrNothing(text.substr(pos));
}

std::optional<std::string> decodeBase64(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(text.size() / 4 * 3 < max_bytes ? text.size() / 4 * 3 : max_bytes);
  bool too_big = false;
  const bool ok = walkBase64(text, [&](char byte) {
    if (out.size() >= max_bytes) {
      too_big = true;
      return;
    }
    out.push_back(byte);
  });
  if (!ok || too_big) return std::nullopt;
  return out;
}

bool isBase64(std::string_view text) {
  return walkBase64(text, [](char) {});
}

}  // namespace ponte::soap
