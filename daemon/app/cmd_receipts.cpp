// `ponte receipts list`: the receipts stored for an EC, by the day they arrived.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/clock.h"
#include "core/money.h"

namespace ponte::app {
namespace {

constexpr const char* kUsage = R"(Usage:
  ponte receipts list --ec FISCAL_CODE [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]

Lists the receipts (paSendRT/paSendRTV2) stored for the EC that arrived between --from and --to
(inclusive, UTC days; default: the last 30 days), oldest first. Flags: DOUBLE marks a second
payment of a notice already paid (to refund), UNMATCHED a receipt whose notice is not among the
EC's positions (stand-in, another beneficiary's notice, or a deleted position).

Options:
  -c, --config FILE   configuration file (default: $PONTE_CONFIG, else /etc/ponte/ponte.yaml)
      --ec CODE       fiscal code of the creditor institution
      --from DATE     first day, YYYY-MM-DD
      --to DATE       last day, YYYY-MM-DD
      --json          one JSON array instead of a table
  -h, --help          this help
)";

std::string isoUtc(std::int64_t unix_ms) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int cmdReceipts(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "-h" || argv[0] == "--help") {
    std::cout << kUsage;
    return argv.empty() ? kExitUsage : kExitOk;
  }
  Args args({argv.begin() + 1, argv.end()}, {"config", "ec", "from", "to"}, {"json"});
  if (argv[0] != "list" || !args.error().empty()) {
    std::cerr << "ponte receipts: " << (args.error().empty() ? "unknown subcommand '" + argv[0] + "'" : args.error())
              << "\n\n" << kUsage;
    return kExitUsage;
  }
  if (args.has("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  auto ec = args.value("ec");
  if (!ec) {
    std::cerr << "ponte receipts list: --ec FISCAL_CODE is required\n";
    return kExitUsage;
  }
  const std::int64_t now = SystemClock().nowUnixMs();
  std::int64_t from = now - 30LL * 86'400'000, to = now;
  for (const char* key : {"from", "to"}) {
    if (auto v = args.value(key)) {
      auto day = core::Date::parse(*v);
      if (!day || v->size() != 10) {
        std::cerr << "ponte receipts list: --" << key << " must be a date YYYY-MM-DD\n";
        return kExitUsage;
      }
      if (std::string(key) == "from") {
        from = unixMsOf(*day);
      } else {
        to = unixMsOf(day->plusDays(1)) - 1;
      }
    }
  }
  auto config = loadConfig(configPath(args));
  if (!config) return kExitConfig;
  if (!config->findCreditorInstitution(*ec)) {
    std::cerr << "ponte receipts list: EC " << *ec << " is not in the configuration\n";
    return kExitUsage;
  }
  auto store = openStore(*config);
  if (!store) return kExitUnavailable;
  auto receipts = store->listReceipts(*ec, from, to);
  if (!receipts) {
    std::cerr << "ponte receipts list: " << receipts.error().message << "\n";
    return kExitUnavailable;
  }
  if (args.has("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : receipts.value()) {
      out.push_back({{"receivedAt", isoUtc(r.received_at_unix_ms)},
                     {"receiptId", r.receipt_id},
                     {"noticeNumber", r.notice_number},
                     {"iuv", r.iuv},
                     {"amount", r.amount_cents},
                     {"paymentDateTime", r.payment_date_time},
                     {"psp", r.psp},
                     {"doublePayment", r.double_payment},
                     {"unmatched", r.unmatched},
                     {"version", r.v2 ? 2 : 1}});
    }
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::printf("%-20s  %-34s  %-18s  %12s  %-12s  %s\n", "RECEIVED (UTC)", "RECEIPT ID", "NOTICE", "AMOUNT",
              "PSP", "FLAGS");
  for (const auto& r : receipts.value()) {
    std::string flags = r.double_payment ? "DOUBLE" : "";
    if (r.unmatched) flags += flags.empty() ? "UNMATCHED" : " UNMATCHED";
    std::printf("%-20s  %-34s  %-18s  %12s  %-12s  %s\n", isoUtc(r.received_at_unix_ms).c_str(),
                r.receipt_id.c_str(), r.notice_number.c_str(), core::formatAmount(r.amount_cents).c_str(),
                r.psp.c_str(), flags.c_str());
  }
  std::printf("%zu receipts\n", receipts.value().size());
  return kExitOk;
}

}  // namespace ponte::app
