// Conversion between integer cents and the wire's decimal euro text (stAmount).
#include "core/money.h"

#include <cassert>

namespace ponte::core {

std::string formatAmount(Cents cents) {
  // Negative amounts never reach the wire: parseAmount cannot produce them and the store refuses
  // them, so one here is our own bug.
  assert(cents >= 0);
  const Cents euros = cents / 100;
  const Cents rest = cents % 100;
  std::string text = std::to_string(euros);
  text.push_back('.');
  text.push_back(static_cast<char>('0' + rest / 10));
  text.push_back(static_cast<char>('0' + rest % 10));
  return text;
}

std::optional<Cents> parseAmount(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || text.size() - dot != 3) return std::nullopt;
  Cents value = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == dot) continue;
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    // Checked on every digit so that a long run of digits cannot overflow int64; leading zeros
    // ("0001.00") are lexically valid xs:decimal and keep value small, so they pass.
    if (value > kMaxCents) return std::nullopt;
  }
  return value;
}

}  // namespace ponte::core
