// Text and JSON reports of a load run.
#include "report.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace ponte::bench {
namespace {

nlohmann::json latencyJson(const LatencyHistogram& h) {
  return {{"p50", h.percentileMs(50)},    {"p90", h.percentileMs(90)}, {"p99", h.percentileMs(99)},
          {"p999", h.percentileMs(99.9)}, {"max", h.maxMs()},          {"mean", h.meanMs()}};
}

}  // namespace

std::string textReport(const Options& o, const LoadResult& r) {
  char line[512];
  const LatencyHistogram& h = r.latency;
  std::snprintf(
      line, sizeof line,
      "%s%s%s: %.0f req/s, %llu OK, %llu failed in %.2f s, %d connections%s%s; latency ms "
      "p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f",
      o.label.c_str(), o.label.empty() ? "" : " ", scenarioName(o.scenario), r.throughput(),
      static_cast<unsigned long long>(r.ok), static_cast<unsigned long long>(r.failed), r.seconds,
      o.connections,
      o.rate > 0 ? (", open loop at " + std::to_string(static_cast<long>(o.rate)) + "/s").c_str()
                 : ", closed loop",
      r.interrupted ? ", interrupted" : "", h.percentileMs(50), h.percentileMs(90),
      h.percentileMs(99), h.percentileMs(99.9), h.maxMs());
  std::string text = line;
  for (const auto& [kind, n] : r.errors) text += "\n  error " + kind + ": " + std::to_string(n);
  return text;
}

bool writeJsonReport(const Options& o, const LoadResult& r, const std::string& file,
                     std::string* error) {
  nlohmann::json errors = nlohmann::json::object();
  for (const auto& [kind, n] : r.errors) errors[kind] = n;
  nlohmann::json operations = nlohmann::json::object();
  for (const auto& [name, op] : r.by_operation) {
    operations[name] = {{"ok", op.ok},
                        {"throughput", r.seconds > 0 ? static_cast<double>(op.ok) / r.seconds : 0},
                        {"latency_ms", latencyJson(op.latency)}};
  }
  const nlohmann::json doc = {
      {"label", o.label},
      {"scenario", scenarioName(o.scenario)},
      {"transport", o.plain ? "http" : "https-mtls"},
      {"connections", o.connections},
      {"client_threads", std::min(o.threads, o.connections)},
      {"mode", o.rate > 0 ? "open" : "closed"},
      {"rate", o.rate},
      {"warmup_seconds", o.warmup_seconds},
      {"seconds", r.seconds},
      {"ok", r.ok},
      {"failed", r.failed},
      {"errors", errors},
      {"connects", r.connects},
      {"receipts_sent", r.receipts_sent},
      {"interrupted", r.interrupted},
      {"throughput", r.throughput()},
      {"latency_ms", latencyJson(r.latency)},
      {"operations", operations},
  };
  std::ofstream out(file);
  out << doc.dump(2) << "\n";
  if (!out) {
    *error = "cannot write " + file;
    return false;
  }
  return true;
}

}  // namespace ponte::bench
