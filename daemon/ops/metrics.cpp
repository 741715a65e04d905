// The metrics registry and its Prometheus text rendering.
#include "ops/metrics.h"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace ponte::ops {
namespace {

// Label values escape backslash, double quote and newline, as the text format requires.
void appendEscaped(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string renderLabels(const Labels& labels, std::string_view extra_key = {},
                         std::string_view extra_value = {}) {
  if (labels.empty() && extra_key.empty()) return {};
  std::string out = "{";
  bool first = true;
  auto put = [&](std::string_view k, std::string_view v) {
    if (!first) out += ',';
    first = false;
    out.append(k);
    out += "=\"";
    appendEscaped(out, v);
    out += '"';
  };
  for (const auto& [k, v] : labels) put(k, v);
  if (!extra_key.empty()) put(extra_key, extra_value);
  out += '}';
  return out;
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // The shortest form that reads back as the same double: "0.0005", not "0.00050000000000000001".
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// Adds a bucket label to already rendered labels: {a="x"} + le -> {a="x",le="0.5"}.
std::string withLe(const std::string& labels, const std::string& le) {
  if (labels.empty()) return "{le=\"" + le + "\"}";
  return labels.substr(0, labels.size() - 1) + ",le=\"" + le + "\"}";
}

}  // namespace

void Metrics::declare(std::string_view name, Type type, std::string_view help) {
  std::unique_lock lock(mutex_);
  if (auto it = by_name_.find(name); it != by_name_.end()) {
    assert(it->second->type == type);
    return;
  }
  auto family = std::make_unique<Family>();
  family->name = std::string(name);
  family->type = type;
  family->help = std::string(help);
  by_name_.emplace(family->name, family.get());
  families_.push_back(std::move(family));
}

Metrics::Series& Metrics::series(std::string_view name, const Labels& labels) {
  const std::string key = renderLabels(labels);
  {
    std::shared_lock lock(mutex_);
    auto family = by_name_.find(name);
    assert(family != by_name_.end() && "metric used before declare()");
    auto it = family->second->series.find(key);
    if (it != family->second->series.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  Family& family = *by_name_.find(name)->second;
  auto& slot = family.series[key];
  if (!slot) {
    slot = std::make_unique<Series>();
    slot->labels = key;
    if (family.type == Type::kHistogram) {
      slot->buckets = std::make_unique<std::atomic<std::uint64_t>[]>(kBucketCount);
    }
  }
  return *slot;
}

void Metrics::add(std::string_view name, const Labels& labels, double value) {
  counter(name, labels).add(value);
}

void Metrics::set(std::string_view name, const Labels& labels, double value) {
  series(name, labels).value.store(value, std::memory_order_relaxed);
}

void Metrics::observe(std::string_view name, const Labels& labels, double seconds) {
  histogram(name, labels).observe(seconds);
}

Metrics::Counter Metrics::counter(std::string_view name, const Labels& labels) {
  return Counter(&series(name, labels));
}

Metrics::Histogram Metrics::histogram(std::string_view name, const Labels& labels) {
  Series& s = series(name, labels);
  assert(s.buckets && "histogram() of a metric not declared as a histogram");
  return Histogram(&s);
}

void Metrics::Counter::add(double value) const {
  series_->value.fetch_add(value, std::memory_order_relaxed);
}

void Metrics::Histogram::observe(double seconds) const {
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    if (seconds <= kBuckets[i]) {
      series_->buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  series_->count.fetch_add(1, std::memory_order_relaxed);
  series_->value.fetch_add(seconds, std::memory_order_relaxed);
}

void Metrics::addCollector(std::function<void(Metrics&)> collector) {
  std::lock_guard lock(collectors_mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::render() {
  {
    std::lock_guard lock(collectors_mutex_);
    for (auto& c : collectors_) c(*this);
  }
  std::shared_lock lock(mutex_);
  std::string out;
  for (const auto& family : families_) {
    out += "# HELP " + family->name + " " + family->help + "\n";
    out += "# TYPE " + family->name + " " +
           (family->type == Type::kCounter ? "counter"
            : family->type == Type::kGauge ? "gauge"
                                           : "histogram") +
           "\n";
    for (const auto& [key, s] : family->series) {
      if (family->type != Type::kHistogram) {
        out += family->name + s->labels + " " + number(s->value.load()) + "\n";
        continue;
      }
      // Buckets are cumulative in the exposition: each counts the observations <= its bound.
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBucketCount; ++i) {
        cumulative += s->buckets[i].load();
        out += family->name + "_bucket" + withLe(s->labels, number(kBuckets[i])) + " " +
               std::to_string(cumulative) + "\n";
      }
      out += family->name + "_bucket" + withLe(s->labels, "+Inf") + " " +
             std::to_string(s->count.load()) + "\n";
      out += family->name + "_sum" + s->labels + " " + number(s->value.load()) + "\n";
      out += family->name + "_count" + s->labels + " " + std::to_string(s->count.load()) + "\n";
    }
  }
  return out;
}

}  // namespace ponte::ops
