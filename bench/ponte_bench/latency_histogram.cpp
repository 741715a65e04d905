// Log-linear bucketing: values below 64 us are exact; above, each power of two is cut in 64.
#include "latency_histogram.h"

#include <algorithm>
#include <bit>

namespace ponte::bench {

int LatencyHistogram::bucketOf(std::uint64_t micros) {
  constexpr std::uint64_t kSub = 1u << kSubBits;
  if (micros < kSub) return static_cast<int>(micros);
  const int msb = std::bit_width(micros) - 1;  // >= kSubBits
  const int bucket = ((msb - kSubBits + 1) << kSubBits) +
                     static_cast<int>((micros >> (msb - kSubBits)) & (kSub - 1));
  return std::min(bucket, kBuckets - 1);
}

std::uint64_t LatencyHistogram::lowerBound(int bucket) {
  constexpr int kSub = 1 << kSubBits;
  if (bucket < kSub) return static_cast<std::uint64_t>(bucket);
  const int msb = (bucket >> kSubBits) + kSubBits - 1;
  return static_cast<std::uint64_t>(kSub + (bucket & (kSub - 1))) << (msb - kSubBits);
}

void LatencyHistogram::record(std::uint64_t micros) {
  ++counts_[static_cast<std::size_t>(bucketOf(micros))];
  ++count_;
  sum_ += micros;
  max_ = std::max(max_, micros);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

double LatencyHistogram::percentileMs(double percent) const {
  if (count_ == 0) return 0;
  // The rank of the value asked for, 1-based: p99 of 1000 values is the 990th.
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(static_cast<double>(count_) * percent / 100.0 + 0.5));
  std::uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[static_cast<std::size_t>(b)];
    if (seen >= rank) {
      const std::uint64_t low = lowerBound(b);
      const std::uint64_t high = b + 1 < kBuckets ? lowerBound(b + 1) : low + 1;
      const double middle = static_cast<double>(low + high - 1) / 2.0;
      return std::min(middle, static_cast<double>(max_)) / 1000.0;
    }
  }
  return maxMs();
}

double LatencyHistogram::meanMs() const {
  return count_ == 0 ? 0 : static_cast<double>(sum_) / static_cast<double>(count_) / 1000.0;
}

}  // namespace ponte::bench
