// A latency histogram with fixed memory and about 1.6% precision (64 linear steps per power of
// two, in microseconds), cheap enough to record every request on the client's hot path.
#pragma once

#include <array>
#include <cstdint>

namespace ponte::bench {

class LatencyHistogram {
 public:
  // Counts one latency; values over ~71 minutes are counted in the last bucket.
  void record(std::uint64_t micros);
  // Adds every count of `other`.
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  // The latency under which `percent` of the counted values fall, in milliseconds: the middle of
  // its bucket, never above the exact maximum. 0 when nothing was counted.
  double percentileMs(double percent) const;
  double maxMs() const { return static_cast<double>(max_) / 1000.0; }
  double meanMs() const;

 private:
  static constexpr int kSubBits = 6;
  static constexpr int kBuckets = (32 - kSubBits + 1) << kSubBits;
  static int bucketOf(std::uint64_t micros);
  static std::uint64_t lowerBound(int bucket);

  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace ponte::bench
