// Europe/Rome calendar days without a time zone database.
#include "core/clock.h"

namespace ponte::core {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// The last Sunday of a month at 01:00 UTC, when EU summer time starts (March) or ends (October).
std::int64_t lastSundayOneUtcMs(int year, unsigned month) {
  const Date first_of_next =
      month == 12 ? *Date::fromYmd(year + 1, 1, 1) : *Date::fromYmd(year, month + 1, 1);
  const Date last = first_of_next.plusDays(-1);
  // 1970-01-01 was a Thursday: (days + 4) % 7 is 0 on Sundays.
  const int weekday = static_cast<int>(((last.days() % 7) + 7 + 4) % 7);
  const Date sunday = last.plusDays(-weekday);
  return unixMsOf(sunday) + 3'600'000;
}

}  // namespace

Date utcDate(std::int64_t unix_ms) {
  return Date::fromDays(static_cast<std::int32_t>(floorDiv(unix_ms, kMsPerDay)));
}

std::int64_t unixMsOf(Date date) { return static_cast<std::int64_t>(date.days()) * kMsPerDay; }

Date romeDate(std::int64_t unix_ms) {
  const int year = utcDate(unix_ms).year();
  const bool summer =
      unix_ms >= lastSundayOneUtcMs(year, 3) && unix_ms < lastSundayOneUtcMs(year, 10);
  return utcDate(unix_ms + (summer ? 2 : 1) * 3'600'000);
}

}  // namespace ponte::core
