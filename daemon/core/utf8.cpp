// UTF-8 scanning per RFC 3629 (the strict form: no overlongs, no surrogates).
#include "core/utf8.h"

namespace ponte::core {
namespace {

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::size_t utf8SequenceBytes(std::string_view text, std::size_t pos) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const std::size_t left = text.size() - pos;
  const unsigned char c = at(0);
  if (c < 0x80) return 1;
  // The second-byte ranges exclude overlong forms (E0, F0), surrogates (ED) and > U+10FFFF (F4).
  unsigned char lo = 0x80, hi = 0xBF;
  std::size_t n = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (left < n || at(1) < lo || at(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (!isContinuation(at(i))) return 0;
  }
  return n;
}

std::size_t utf8CountChars(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) {
    // Every character has exactly one byte that is not a continuation byte (10xxxxxx).
    if (!isContinuation(static_cast<unsigned char>(c))) ++n;
  }
  return n;
}

std::size_t utf8CharBytes(std::string_view text, std::size_t pos) {
  const std::size_t n = utf8SequenceBytes(text, pos);
  return n == 0 ? 1 : n;
}

std::optional<std::size_t> utf8Length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); ++count) {
    const std::size_t n = utf8SequenceBytes(text, pos);
    if (n == 0) return std::nullopt;
    pos += n;
  }
  return count;
}

}  // namespace ponte::core
