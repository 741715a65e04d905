// Money inside ponte: integer euro cents. Only the wire formats it as "12.34".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ponte::core {

using Cents = std::int64_t;

// The largest amount pagoPA accepts: 999 999 999.99 euro.
inline constexpr Cents kMaxCents = 99'999'999'999;

// Formats cents as the wire's decimal euros: 1234 -> "12.34", 5 -> "0.05". cents must be >= 0.
std::string formatAmount(Cents cents);

// Parses the wire's strict lexical form `\d+\.\d{2}` (no sign, no exponent, exactly two decimals)
// up to kMaxCents. Returns nullopt for anything else ("1e5", "10", "10.5", "-1.00", " 1.00").
std::optional<Cents> parseAmount(std::string_view text);

}  // namespace ponte::core
