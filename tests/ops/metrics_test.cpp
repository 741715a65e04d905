// Metrics render in the Prometheus text format, with cumulative histogram buckets.
#include <catch2/catch.hpp>

#include <thread>

#include "ops/metrics.h"
#include "prometheus_text.h"

using namespace ponte::ops;
using ponte::ops::testing::parsePrometheusText;

TEST_CASE("counters, gauges and histograms render and parse", "[unit]") {
  Metrics m;
  m.declare("ponte_requests_total", Metrics::Type::kCounter, "Requests by operation and outcome.");
  m.declare("ponte_open", Metrics::Type::kGauge, "Open connections.");
  m.declare("ponte_latency_seconds", Metrics::Type::kHistogram, "Latency.");
  m.add("ponte_requests_total", {{"op", "verify"}, {"outcome", "OK"}});
  m.add("ponte_requests_total", {{"op", "verify"}, {"outcome", "OK"}}, 2);
  m.add("ponte_requests_total", {{"op", "verify"}, {"outcome", "say \"hi\"\n"}});
  m.set("ponte_open", {}, 7);
  m.observe("ponte_latency_seconds", {{"op", "verify"}}, 0.0004);
  m.observe("ponte_latency_seconds", {{"op", "verify"}}, 0.003);
  m.observe("ponte_latency_seconds", {{"op", "verify"}}, 60);
  int collected = 0;
  m.addCollector([&](Metrics& self) { self.set("ponte_open", {}, 8 + collected++); });

  const auto e = parsePrometheusText(m.render());
  CHECK(e.types.at("ponte_requests_total") == "counter");
  CHECK(e.types.at("ponte_latency_seconds") == "histogram");
  CHECK(e.samples.at(R"(ponte_requests_total{op="verify",outcome="OK"})") == 3);
  CHECK(e.samples.at(R"(ponte_requests_total{op="verify",outcome="say \"hi\"\n"})") == 1);
  CHECK(e.samples.at("ponte_open") == 8);
  CHECK(e.samples.at(R"(ponte_latency_seconds_bucket{op="verify",le="0.0005"})") == 1);
  CHECK(e.samples.at(R"(ponte_latency_seconds_bucket{op="verify",le="0.005"})") == 2);
  CHECK(e.samples.at(R"(ponte_latency_seconds_bucket{op="verify",le="10"})") == 2);
  CHECK(e.samples.at(R"(ponte_latency_seconds_bucket{op="verify",le="+Inf"})") == 3);
  CHECK(e.samples.at(R"(ponte_latency_seconds_count{op="verify"})") == 3);
  CHECK(e.samples.at(R"(ponte_latency_seconds_sum{op="verify"})") == Approx(60.0034));
  CHECK(parsePrometheusText(m.render()).samples.at("ponte_open") == 9);
}

TEST_CASE("metrics count exactly under concurrent updates", "[unit]") {
  Metrics m;
  m.declare("c_total", Metrics::Type::kCounter, "c");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      const std::string ec = "ec" + std::to_string(t % 2);
      for (int i = 0; i < 10000; ++i) m.add("c_total", {{"ec", ec}});
    });
  }
  for (auto& t : threads) t.join();
  const auto e = parsePrometheusText(m.render());
  CHECK(e.samples.at(R"(c_total{ec="ec0"})") == 20000);
  CHECK(e.samples.at(R"(c_total{ec="ec1"})") == 20000);
}

TEST_CASE("a resolved series counts in the same series as the labels name", "[unit]") {
  Metrics m;
  m.declare("r_total", Metrics::Type::kCounter, "r");
  m.declare("r_seconds", Metrics::Type::kHistogram, "r");
  const Metrics::Counter ok = m.counter("r_total", {{"op", "verify"}, {"outcome", "OK"}});
  const Metrics::Histogram verify = m.histogram("r_seconds", {{"op", "verify"}});
  // Resolving registers the series (at zero), as its first use by name would.
  CHECK(parsePrometheusText(m.render()).samples.at(R"(r_total{op="verify",outcome="OK"})") == 0);
  ok.add();
  ok.add(2);
  m.add("r_total", {{"op", "verify"}, {"outcome", "OK"}});
  m.add("r_total", {{"op", "verify"}, {"outcome", "PAA_PAGAMENTO_SCONOSCIUTO"}});
  verify.observe(0.0002);
  m.observe("r_seconds", {{"op", "verify"}}, 0.02);
  const auto e = parsePrometheusText(m.render());
  CHECK(e.samples.at(R"(r_total{op="verify",outcome="OK"})") == 4);
  CHECK(e.samples.at(R"(r_total{op="verify",outcome="PAA_PAGAMENTO_SCONOSCIUTO"})") == 1);
  CHECK(e.samples.at(R"(r_seconds_bucket{op="verify",le="0.00025"})") == 1);
  CHECK(e.samples.at(R"(r_seconds_bucket{op="verify",le="0.025"})") == 2);
  CHECK(e.samples.at(R"(r_seconds_count{op="verify"})") == 2);
  CHECK(e.samples.at(R"(r_seconds_sum{op="verify"})") == Approx(0.0202));
}
