// Notice numbers (NAV, "codice avviso") and IUVs: layout by aux digit and mod-93 check digits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ponte::core {

// The parts of an 18-digit notice number.
//   aux 0: "0" + application code (2) + base (13) + check (2); IUV = base + check (15 digits)
//   aux 1: "1" + IUV (17), no check digits
//   aux 2: "2" + base (15) + check (2); IUV = base + check (17)
//   aux 3: "3" + segregation code (2) + base (13) + check (2); IUV = segregation + base + check
//   (17)
struct NoticeNumber {
  int aux_digit = 3;
  std::string code;  // application code (aux 0) or segregation code (aux 3), else empty
  std::string iuv;   // creditorReferenceId
  std::string nav;   // the full 18 digits
};

// Check digits: (the decimal number of all preceding NAV digits, aux included) mod 93, two digits.
// preceding must be 16 ASCII digits.
std::string checkDigits(std::string_view preceding);

// Splits an 18-digit notice number. nullopt when it is not 18 digits, the aux digit is not 0-3,
// or (aux 0, 2, 3) the check digits are wrong.
std::optional<NoticeNumber> parseNoticeNumber(std::string_view nav);

// Builds a notice number from its aux digit, code (2 digits for aux 0 and 3, empty otherwise)
// and base (13 digits for aux 0 and 3, 15 for aux 2, 17 for aux 1), adding check digits.
// nullopt when a part has the wrong length or is not digits.
std::optional<NoticeNumber> buildNoticeNumber(int aux_digit, std::string_view code,
                                              std::string_view base);

// The NAV of an IUV for a station's aux digit (and application code for aux 0; ignored for the
// other aux digits, whose segregation code, if any, is inside the IUV).
// nullopt when the IUV does not fit the layout or its check digits are wrong.
std::optional<std::string> noticeFromIuv(int aux_digit, std::string_view application_code,
                                         std::string_view iuv);

// The largest amount the QR code's 10-digit amount field can carry: 99 999 999.99 euro.
inline constexpr std::int64_t kMaxQrCents = 9'999'999'999;

// The payment QR code text: "PAGOPA|002|<nav>|<ec fiscal code>|<amount in cents>", the amount
// zero-padded to at least two digits ("05"). Nothing is validated: the caller passes a parsed
// NAV and 0 <= cents <= kMaxQrCents; a larger amount is written in full and QR readers refuse it.
std::string qrCodeText(std::string_view nav, std::string_view ec_fiscal_code, std::int64_t cents);

}  // namespace ponte::core
