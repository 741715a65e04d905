// `ponte audit`: the journal of node interactions, by EC, notice and time.
#include <cstdio>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/clock.h"

namespace ponte::app {
namespace {

constexpr const char* kUsage = R"(Usage:
  ponte audit [--ec FISCAL_CODE] [--notice NAV] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
              [--limit N] [--json]

Lists the node's interactions recorded in the audit journal, newest first: time (UTC), operation,
EC, notice, outcome (OK or the PAA_* fault), latency and the client certificate's subject. Days
are UTC and inclusive; by default the last 7 days, at most 100 entries. Entries older than
audit.retention_days are purged by the daemon every hour.

Options:
  -c, --config FILE   configuration file (default: $PONTE_CONFIG, else /etc/ponte/ponte.yaml)
      --ec CODE       only this EC (idPA as the node sent it)
      --notice NAV    only this notice number
      --from DATE     first day
      --to DATE       last day
      --limit N       at most N entries (1..100000, default 100)
      --json          one JSON array instead of a table
  -h, --help          this help
)";

std::string isoUtcMs(std::int64_t unix_ms) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(unix_ms % 1000));
  return out;
}

}  // namespace

int cmdAudit(const std::vector<std::string>& argv) {
  Args args(argv, {"config", "ec", "notice", "from", "to", "limit"}, {"json"});
  if (!args.error().empty() || !args.positional().empty()) {
    std::cerr << "ponte audit: " << (args.error().empty() ? "unexpected argument" : args.error())
              << "\n\n"
              << kUsage;
    return kExitUsage;
  }
  if (args.has("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  store::AuditFilter filter;
  filter.ec = args.value("ec").value_or("");
  filter.notice = args.value("notice").value_or("");
  filter.limit = 100;
  const std::int64_t now = SystemClock().nowUnixMs();
  filter.from_unix_ms = now - 7LL * 86'400'000;
  filter.to_unix_ms = now + 1;
  for (const char* key : {"from", "to"}) {
    if (auto v = args.value(key)) {
      auto day = core::Date::parse(*v);
      if (!day || v->size() != 10) {
        std::cerr << "ponte audit: --" << key << " must be a date YYYY-MM-DD\n";
        return kExitUsage;
      }
      if (std::string_view(key) == "from") {
        filter.from_unix_ms = unixMsOf(*day);
      } else {
        filter.to_unix_ms = unixMsOf(day->plusDays(1));
      }
    }
  }
  if (auto v = args.value("limit")) {
    char* end = nullptr;
    const long n = std::strtol(v->c_str(), &end, 10);
    if (!end || *end || n < 1 || n > 100000) {
      std::cerr << "ponte audit: --limit must be a number from 1 to 100000\n";
      return kExitUsage;
    }
    filter.limit = static_cast<int>(n);
  }
  auto config = loadConfig(configPath(args));
  if (!config) return kExitConfig;
  auto store = openStore(*config);
  if (!store) return kExitUnavailable;
  auto entries = store->listAudit(filter);
  if (!entries) {
    std::cerr << "ponte audit: " << entries.error().message << "\n";
    return kExitUnavailable;
  }
  if (args.has("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : entries.value()) {
      out.push_back({{"time", isoUtcMs(e.at_unix_ms)},
                     {"operation", e.operation},
                     {"ec", e.ec},
                     {"notice", e.notice},
                     {"outcome", e.outcome},
                     {"latencyUs", e.latency_us},
                     {"clientSubject", e.client_subject}});
    }
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::printf("%-24s  %-22s  %-11s  %-18s  %-27s  %9s  %s\n", "TIME (UTC)", "OPERATION", "EC",
              "NOTICE", "OUTCOME", "LATENCY", "CLIENT");
  for (const auto& e : entries.value()) {
    std::printf("%-24s  %-22s  %-11s  %-18s  %-27s  %7.2fms  %s\n", isoUtcMs(e.at_unix_ms).c_str(),
                e.operation.c_str(), e.ec.c_str(), e.notice.c_str(), e.outcome.c_str(),
                static_cast<double>(e.latency_us) / 1000.0, e.client_subject.c_str());
  }
  std::printf("%zu entries\n", entries.value().size());
  return kExitOk;
}

}  // namespace ponte::app
