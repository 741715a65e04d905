// The system clock.
#include "app/clock.h"

#include <chrono>

namespace ponte::app {

std::int64_t SystemClock::nowUnixMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ponte::app
