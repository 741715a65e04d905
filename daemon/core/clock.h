// Time as the domain sees it: a clock interface the shell implements (and tests fake), and the
// calendar day in Italy at an instant. Nothing here reads the system clock.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/civil_date.h"

namespace ponte::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Thread-safe in every implementation.
  virtual std::int64_t nowUnixMs() const = 0;
};

// A clock that only moves when told to: for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t unix_ms) : now_(unix_ms) {}
  std::int64_t nowUnixMs() const override { return now_.load(); }
  void set(std::int64_t unix_ms) { now_.store(unix_ms); }
  void advanceMs(std::int64_t ms) { now_.fetch_add(ms); }

 private:
  std::atomic<std::int64_t> now_;
};

// The civil date in Italy (Europe/Rome: CET, CEST between the last Sundays of March and October
// at 01:00 UTC) at the given instant. Payment deadlines are counted in this zone.
Date romeDate(std::int64_t unix_ms);

// The civil date in UTC at the given instant.
Date utcDate(std::int64_t unix_ms);

// Midnight UTC of a date, in milliseconds since the epoch.
std::int64_t unixMsOf(Date date);

}  // namespace ponte::core
