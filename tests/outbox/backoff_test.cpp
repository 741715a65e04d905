// The retry schedule: doubling from the initial wait to the cap, shortened by the jitter only.
#include <catch2/catch.hpp>

#include "outbox/backoff.h"

using ponte::outbox::BackoffPolicy;
using ponte::outbox::backoffDelayMs;

TEST_CASE("backoff: 30 s doubling to a 6 h cap by default, never longer", "[unit]") {
  const BackoffPolicy p;
  CHECK(backoffDelayMs(p, 1, 0) == 30'000);
  CHECK(backoffDelayMs(p, 2, 0) == 60'000);
  CHECK(backoffDelayMs(p, 3, 0) == 120'000);
  CHECK(backoffDelayMs(p, 10, 0) == 30'000LL << 9);  // 4 h 16 min
  CHECK(backoffDelayMs(p, 11, 0) == 6 * 3'600'000);
  CHECK(backoffDelayMs(p, 1'000'000, 0) == 6 * 3'600'000);  // no overflow however many
  CHECK(backoffDelayMs(p, 0, 0) == 30'000);                 // counts as the first
}

TEST_CASE("backoff: jitter shortens each wait by up to its fraction", "[unit]") {
  BackoffPolicy p;
  p.jitter = 0.2;
  CHECK(backoffDelayMs(p, 1, 0.5) == 27'000);
  CHECK(backoffDelayMs(p, 1, 0.999999) > 24'000);
  CHECK(backoffDelayMs(p, 11, 0.999999) > 0.8 * 6 * 3'600'000);
  CHECK(backoffDelayMs(p, 11, 0.999999) < 6 * 3'600'000);
  p.jitter = 1;
  CHECK(backoffDelayMs(p, 1, 0.9999999999) >= 1);  // never zero
  p.jitter = 0;
  CHECK(backoffDelayMs(p, 3, 0.9) == 120'000);
}

TEST_CASE("backoff: tiny policies for tests and a cap below the initial wait", "[unit]") {
  BackoffPolicy p{10, 40, 0};
  CHECK(backoffDelayMs(p, 1, 0) == 10);
  CHECK(backoffDelayMs(p, 3, 0) == 40);
  CHECK(backoffDelayMs(p, 4, 0) == 40);
  BackoffPolicy inverted{1000, 100, 0};
  CHECK(backoffDelayMs(inverted, 1, 0) == 100);
}
