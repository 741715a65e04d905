// Calendar dates without time zones: due dates, validity dates, "the day the payment is asked".
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ponte::core {

// A proleptic Gregorian calendar date, stored as days since 1970-01-01.
class Date {
 public:
  constexpr Date() = default;
  static constexpr Date fromDays(std::int32_t days) { return Date(days); }
  // Builds a date from year, month (1-12), day (1-31); nullopt when it does not exist (2023-02-29).
  static std::optional<Date> fromYmd(int year, unsigned month, unsigned day);
  // Parses xs:date "YYYY-MM-DD", accepting and ignoring an optional time zone suffix
  // ("Z", "+01:00"), as the XSD allows. nullopt for anything else.
  static std::optional<Date> parse(std::string_view text);

  // "YYYY-MM-DD".
  std::string iso() const;
  int year() const;
  unsigned month() const;
  unsigned day() const;
  constexpr std::int32_t days() const { return days_; }
  constexpr Date plusDays(std::int32_t n) const { return Date(days_ + n); }
  friend constexpr auto operator<=>(Date, Date) = default;

 private:
  constexpr explicit Date(std::int32_t days) : days_(days) {}
  std::int32_t days_ = 0;
};

}  // namespace ponte::core
