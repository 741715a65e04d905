// Exponential backoff with jitter for outbox retries.
#include "outbox/backoff.h"

#include <algorithm>

namespace ponte::outbox {

std::int64_t backoffDelayMs(const BackoffPolicy& policy, int attempt, double random01) {
  const std::int64_t cap = std::max<std::int64_t>(1, policy.max_ms);
  std::int64_t delay = std::clamp<std::int64_t>(policy.initial_ms, 1, cap);
  // Doubling stops at the cap, so no shift can overflow however many attempts there were.
  for (int i = 1; i < attempt && delay < cap; ++i) delay = std::min(cap, delay * 2);
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  const double draw = std::clamp(random01, 0.0, 1.0);
  const auto shortened = static_cast<std::int64_t>(static_cast<double>(delay) * jitter * draw);
  return std::max<std::int64_t>(1, delay - shortened);
}

}  // namespace ponte::outbox
