// When a failed delivery is tried again: exponential backoff with jitter, capped. Pure: the
// attempt number and the random draw are arguments, so tests need no clock and no luck.
#pragma once

#include <cstdint>

namespace ponte::outbox {

struct BackoffPolicy {
  std::int64_t initial_ms = 30'000;     // the wait after the first failed attempt
  std::int64_t max_ms = 6 * 3'600'000;  // no wait is longer (6 h)
  double jitter = 0.2;                  // 0..1: each wait is shortened by up to this fraction
};

// The wait after failed attempt number `attempt` (1 for the first): initial_ms doubled for each
// earlier attempt, capped at max_ms, then shortened by jitter * random01 of itself (random01 in
// [0, 1)), so that deliveries failed together do not all come back at the same instant. Never
// less than 1 ms; attempt < 1 counts as 1.
std::int64_t backoffDelayMs(const BackoffPolicy& policy, int attempt, double random01);

}  // namespace ponte::outbox
