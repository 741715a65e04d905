// Proleptic Gregorian arithmetic for Date (Howard Hinnant's days_from_civil / civil_from_days).
#include "core/civil_date.h"

#include <cstdio>

namespace ponte::core {
namespace {

struct Ymd {
  int year;
  unsigned month;
  unsigned day;
};

bool isLeap(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

unsigned daysInMonth(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeap(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01. Eras of 400 years make the leap rule periodic, and counting the year
// from March puts the leap day last, so the day of the year is a closed formula.
std::int64_t daysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Ymd civilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return Ymd{static_cast<int>(y), m, d};
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int digits(std::string_view text, std::size_t pos, std::size_t count) {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

bool allDigits(std::string_view text, std::size_t pos, std::size_t count) {
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!isDigit(text[i])) return false;
  }
  return true;
}

// An xs:date time zone: "Z" or "+hh:mm" / "-hh:mm" with an offset of at most 14:00.
bool validZone(std::string_view zone) {
  if (zone.empty() || zone == "Z") return true;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return false;
  if (!allDigits(zone, 1, 2) || !allDigits(zone, 4, 2)) return false;
  const int hours = digits(zone, 1, 2);
  const int minutes = digits(zone, 4, 2);
  return minutes < 60 && (hours < 14 || (hours == 14 && minutes == 0));
}

}  // namespace

std::optional<Date> Date::fromYmd(int year, unsigned month, unsigned day) {
  // The range keeps days() inside int32 and matches the four-digit years of the wire.
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > daysInMonth(year, month)) {
    return std::nullopt;
  }
  return Date(static_cast<std::int32_t>(daysFromCivil(year, month, day)));
}

std::optional<Date> Date::parse(std::string_view text) {
  // Only four-digit years: xs:date allows more digits and a minus sign, which no payment date
  // legitimately uses.
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!allDigits(text, 0, 4) || !allDigits(text, 5, 2) || !allDigits(text, 8, 2)) {
    return std::nullopt;
  }
  if (!validZone(text.substr(10))) return std::nullopt;
  return fromYmd(digits(text, 0, 4), static_cast<unsigned>(digits(text, 5, 2)),
                 static_cast<unsigned>(digits(text, 8, 2)));
}

std::string Date::iso() const {
  const Ymd ymd = civilFromDays(days_);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", ymd.year, ymd.month, ymd.day);
  return buffer;
}

int Date::year() const { return civilFromDays(days_).year; }
unsigned Date::month() const { return civilFromDays(days_).month; }
unsigned Date::day() const { return civilFromDays(days_).day; }

}  // namespace ponte::core
