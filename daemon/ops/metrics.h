// Counters, gauges and latency histograms with labels, rendered in the Prometheus text format
// (version 0.0.4) for the admin listener's /metrics. Thread-safe; the hot path takes a shared
// lock and touches atomics only.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ponte::ops {

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

class Metrics {
  struct Series;

 public:
  enum class Type { kCounter, kGauge, kHistogram };

  // One series of a counter, resolved once: adding through it is a single atomic addition, with
  // no label rendering, lookup or lock. Valid as long as its Metrics.
  class Counter {
   public:
    void add(double value = 1) const;

   private:
    friend class Metrics;
    explicit Counter(Series* series) : series_(series) {}
    Series* series_;
  };
  // One series of a histogram, resolved once.
  class Histogram {
   public:
    void observe(double seconds) const;

   private:
    friend class Metrics;
    explicit Histogram(Series* series) : series_(series) {}
    Series* series_;
  };

  // Declares a metric family with its help text. Using a name that was not declared is a bug
  // (asserted); declaring one twice with another type too.
  void declare(std::string_view name, Type type, std::string_view help);

  // Adds to a counter (value >= 0).
  void add(std::string_view name, const Labels& labels, double value = 1);
  // Sets a gauge.
  void set(std::string_view name, const Labels& labels, double value);
  // Records one observation (in seconds) in a histogram with buckets from 100 µs to 10 s.
  void observe(std::string_view name, const Labels& labels, double seconds);
  // The series of a counter or histogram, for a caller that records in it often.
  Counter counter(std::string_view name, const Labels& labels);
  Histogram histogram(std::string_view name, const Labels& labels);

  // Called at the start of every render(), e.g. to set gauges from another part's counters.
  void addCollector(std::function<void(Metrics&)> collector);

  // The whole exposition, families in declaration order, series sorted by labels.
  std::string render();

  static constexpr double kBuckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                        0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  static constexpr std::size_t kBucketCount = sizeof(kBuckets) / sizeof(kBuckets[0]);

 private:
  struct Series {
    std::string labels;  // rendered: {a="x",b="y"} or empty
    std::atomic<double> value{0};
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets;  // histograms only
    std::atomic<std::uint64_t> count{0};
  };
  struct Family {
    std::string name;
    Type type = Type::kCounter;
    std::string help;
    std::map<std::string, std::unique_ptr<Series>, std::less<>> series;  // by rendered labels
  };
  Series& series(std::string_view name, const Labels& labels);

  std::shared_mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
  std::map<std::string, Family*, std::less<>> by_name_;
  std::vector<std::function<void(Metrics&)>> collectors_;
  std::mutex collectors_mutex_;
};

}  // namespace ponte::ops
