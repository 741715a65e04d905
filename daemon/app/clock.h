// Time for the shell: the system clock. The clock interface, the fake clock and the Rome
// calendar day live in core (the API reads them too); their names are used here as app's.
#pragma once

#include <cstdint>

#include "core/clock.h"

namespace ponte::app {

using core::Clock;
using core::FakeClock;
using core::romeDate;
using core::unixMsOf;
using core::utcDate;

class SystemClock final : public Clock {
 public:
  std::int64_t nowUnixMs() const override;
};

}  // namespace ponte::app
