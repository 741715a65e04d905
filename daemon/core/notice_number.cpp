// Notice-number layouts by aux digit and their mod-93 check digits (SACI).
#include "core/notice_number.h"

#include <cassert>

namespace ponte::core {
namespace {

bool allDigits(std::string_view text) {
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Lengths of the code and base parts for each aux digit, and whether check digits follow.
struct Layout {
  std::size_t code_length;
  std::size_t base_length;
  bool has_check;
};

std::optional<Layout> layoutOf(int aux_digit) {
  switch (aux_digit) {
    case 0:
      return Layout{2, 13, true};
    case 1:
      return Layout{0, 17, false};
    case 2:
      return Layout{0, 15, true};
    case 3:
      return Layout{2, 13, true};
    default:
      return std::nullopt;
  }
}

// The IUV is everything after the aux digit, except for aux 0 where the application code
// selects the archive and is not part of it.
NoticeNumber split(std::string nav) {
  NoticeNumber out;
  out.aux_digit = nav[0] - '0';
  if (out.aux_digit == 0 || out.aux_digit == 3) out.code = nav.substr(1, 2);
  out.iuv = nav.substr(out.aux_digit == 0 ? 3 : 1);
  out.nav = std::move(nav);
  return out;
}

}  // namespace

std::string checkDigits(std::string_view preceding) {
  assert(preceding.size() == 16 && allDigits(preceding));
  // 16 digits stay below 10^16 < 2^64, so the whole number fits without a big-number division.
  std::uint64_t value = 0;
  for (const char c : preceding) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  const auto rest = static_cast<unsigned>(value % 93);
  return {static_cast<char>('0' + rest / 10), static_cast<char>('0' + rest % 10)};
}

std::optional<NoticeNumber> parseNoticeNumber(std::string_view nav) {
  if (nav.size() != 18 || !allDigits(nav)) return std::nullopt;
  const auto layout = layoutOf(nav[0] - '0');
  if (!layout) return std::nullopt;
  if (layout->has_check && nav.substr(16) != checkDigits(nav.substr(0, 16))) return std::nullopt;
  return split(std::string(nav));
}

std::optional<NoticeNumber> buildNoticeNumber(int aux_digit, std::string_view code,
                                              std::string_view base) {
  const auto layout = layoutOf(aux_digit);
  if (!layout || code.size() != layout->code_length || base.size() != layout->base_length ||
      !allDigits(code) || !allDigits(base)) {
    return std::nullopt;
  }
  std::string nav(1, static_cast<char>('0' + aux_digit));
  nav += code;
  nav += base;
  if (layout->has_check) nav += checkDigits(nav);
  return split(std::move(nav));
}

std::optional<std::string> noticeFromIuv(int aux_digit, std::string_view application_code,
                                         std::string_view iuv) {
  std::string nav(1, static_cast<char>('0' + aux_digit));
  if (aux_digit == 0) {
    if (application_code.size() != 2) return std::nullopt;
    nav += application_code;
  }
  nav += iuv;
  // Parsing the assembled number checks length, digits, aux digit and check digits at once.
  auto parsed = parseNoticeNumber(nav);
  if (!parsed) return std::nullopt;
  return std::move(parsed->nav);
}

std::string qrCodeText(std::string_view nav, std::string_view ec_fiscal_code, std::int64_t cents) {
  std::string amount = std::to_string(cents);
  // The QR amount field has at least two digits.
  if (amount.size() < 2) amount.insert(0, 2 - amount.size(), '0');
  std::string text = "PAGOPA|002|";
  text += nav;
  text += '|';
  text += ec_fiscal_code;
  text += '|';
  text += amount;
  return text;
}

}  // namespace ponte::core
