// `ponte outbox`: the deliveries of receipts to the ledgers, for operators: list them, look at
// one, send dead letters again, pause and resume a ledger route. Works on the database directly,
// so it works while the daemon runs (the daemon's workers pick the changes up by themselves).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/clock.h"
#include "core/money.h"
#include "outbox/ledger_receipt.h"
#include "outbox/ledger_set.h"
#include "store/delivery_reports.h"

namespace ponte::app {
namespace {

constexpr const char* kUsage = R"(Usage:
  ponte outbox list [--state pending|dead|delivered|waiting] [--ec FISCAL_CODE] [--limit N] [--json]
  ponte outbox show ID [--json]
  ponte outbox retry ID
  ponte outbox retry --all-dead [--ec FISCAL_CODE]
  ponte outbox pause ROUTE [--reason TEXT]
  ponte outbox resume ROUTE
  ponte outbox routes

Each receipt answered OK to the node is forwarded to every ledger route of its EC (ledgers: and
the EC's ledger_routes); one delivery per receipt and route. A delivery is pending until the
ledger takes it (retried with backoff when the ledger is down or answers an error to retry),
delivered, or dead when the ledger refused it (a 4xx from a webhook, a REJECT from a plugin).
Nothing is dropped: a dead delivery waits for an operator.

  list     deliveries by EC and state, oldest first. --state waiting (the default) shows pending
           and dead ones; --ec limits to one EC (default: every configured EC); at most --limit
           rows (1..1000, default 100).
  show     one delivery: EC, ledger, state, attempts, last error, next attempt, its history
           (each failed attempt with the ledger's answer, each retry by an operator, the
           delivery), the receipt and the Idempotency-Key the ledger sees.
  retry    puts a dead delivery (or, with --all-dead, every dead delivery of --ec or of every
           EC) back to pending, due now, with its attempts counted from zero. Fix the cause
           first (the ledger's data, its configuration): the same receipt is sent again.
  pause    holds every delivery to the ledger route, of every EC, until resume (e.g. during the
           ledger's maintenance). Receipts keep arriving and wait in the database.
  resume   lets a paused route's deliveries go again; also re-enables a ledger the daemon
           disabled after it answered FATAL (within a few seconds).
  routes   the configured ledger routes, their type and whether they are paused.

The daemon need not be stopped: its workers see a retried, paused or resumed delivery at their
next pass (within a few seconds).

Options:
  -c, --config FILE   configuration file (default: $PONTE_CONFIG, else /etc/ponte/ponte.yaml)
      --state STATE   pending, dead, delivered or waiting (pending and dead)
      --ec CODE       fiscal code of the creditor institution
      --limit N       at most N deliveries (1..1000, default 100)
      --all-dead      retry every dead delivery (of --ec, or of every EC)
      --reason TEXT   why the route is paused (shown by routes and show)
      --json          JSON instead of text (list, show)
  -h, --help          this help
Exit status: 0 done, 64 usage, 65 no such delivery or not in a state the command applies to,
69 database unavailable, 78 bad configuration.
)";

constexpr int kExitNotFound = kExitData;

std::string isoUtc(std::int64_t unix_ms) {
  if (unix_ms <= 0) return "-";
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const char* stateName(store::DeliveryState s) {
  switch (s) {
    case store::DeliveryState::kPending:
      return "pending";
    case store::DeliveryState::kDelivered:
      return "delivered";
    case store::DeliveryState::kDead:
      return "dead";
  }
  return "?";
}

int usage(const std::string& error) {
  std::cerr << "ponte outbox: " << error << "\n\n" << kUsage;
  return kExitUsage;
}

int storeError(const std::string& what, const store::Error& error) {
  std::cerr << "ponte outbox " << what << ": " << error.message << "\n";
  return kExitUnavailable;
}

// The EC of --ec, checked against the configuration; or every configured EC.
std::optional<std::vector<std::string>> ecsOf(const Args& args, const ops::Config& config,
                                              const std::string& command) {
  std::vector<std::string> ecs;
  if (auto ec = args.value("ec")) {
    if (!config.findCreditorInstitution(*ec)) {
      std::cerr << "ponte outbox " << command << ": EC " << *ec
                << " is not in the configuration (creditor_institutions)\n";
      return std::nullopt;
    }
    ecs.push_back(*ec);
  } else {
    for (const auto& ec : config.creditor_institutions) ecs.push_back(ec.fiscal_code);
  }
  return ecs;
}

// The delivery with this id among the configured ECs' deliveries (ids are unique across ECs).
store::Result<std::optional<store::Delivery>> findDelivery(store::Store& store,
                                                           const ops::Config& config,
                                                           std::int64_t id) {
  for (const auto& ec : config.creditor_institutions) {
    auto d = store.getDelivery(ec.fiscal_code, id);
    if (!d || d.value()) return d;
  }
  return std::optional<store::Delivery>();
}

std::optional<std::int64_t> parseId(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < 1) return std::nullopt;
  return v;
}

std::map<std::string, store::PausedRoute> pausedRoutes(store::Store& store) {
  std::map<std::string, store::PausedRoute> out;
  if (auto paused = store.listPausedRoutes()) {
    for (auto& p : paused.value()) out[p.route] = p;
  }
  return out;
}

nlohmann::json deliveryJson(const store::Delivery& d) {
  nlohmann::json j = {{"id", d.id},
                      {"ec", d.ec_fiscal_code},
                      {"route", d.route},
                      {"state", stateName(d.state)},
                      {"attempts", d.attempts},
                      {"lastError", d.last_error},
                      {"createdAt", isoUtc(d.created_unix_ms)},
                      {"receiptId", d.receipt.receipt_id},
                      {"noticeNumber", d.receipt.notice_number},
                      {"iuv", d.receipt.iuv},
                      {"amount", d.receipt.amount_cents},
                      {"psp", d.receipt.psp},
                      {"idempotencyKey", outbox::idempotencyKey(d.ec_fiscal_code,
                                                                d.receipt.receipt_id)}};
  if (d.state == store::DeliveryState::kPending) {
    j["nextAttemptAt"] = isoUtc(d.next_attempt_unix_ms);
  }
  if (d.state == store::DeliveryState::kDelivered) {
    j["deliveredAt"] = isoUtc(d.delivered_unix_ms);
  }
  return j;
}

int list(const Args& args, const ops::Config& config, store::Store& store) {
  std::vector<store::DeliveryState> states = {store::DeliveryState::kPending,
                                              store::DeliveryState::kDead};
  const std::string state = args.value("state").value_or("waiting");
  if (state == "pending") {
    states = {store::DeliveryState::kPending};
  } else if (state == "dead") {
    states = {store::DeliveryState::kDead};
  } else if (state == "delivered") {
    states = {store::DeliveryState::kDelivered};
  } else if (state != "waiting") {
    return usage("--state must be pending, dead, delivered or waiting, not '" + state + "'");
  }
  int limit = 100;
  if (auto v = args.value("limit")) {
    auto n = parseId(*v);
    if (!n || *n > 1000) return usage("--limit must be a whole number from 1 to 1000");
    limit = static_cast<int>(*n);
  }
  auto ecs = ecsOf(args, config, "list");
  if (!ecs) return kExitUsage;
  std::vector<store::Delivery> rows;
  bool more = false;
  for (const auto& ec : *ecs) {
    for (auto s : states) {
      auto r = store.listDeliveries(ec, s, 0, limit);
      if (!r) return storeError("list", r.error());
      for (auto& d : r.value()) rows.push_back(std::move(d));
    }
  }
  std::sort(rows.begin(), rows.end(),
            [](const store::Delivery& a, const store::Delivery& b) { return a.id < b.id; });
  if (rows.size() > static_cast<std::size_t>(limit)) {
    rows.resize(static_cast<std::size_t>(limit));
    more = true;
  }
  if (args.has("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : rows) out.push_back(deliveryJson(d));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  const auto paused = pausedRoutes(store);
  std::printf("%8s  %-11s  %-20s  %-9s  %8s  %-20s  %-34s  %s\n", "ID", "EC", "ROUTE", "STATE",
              "ATTEMPTS", "NEXT/DONE (UTC)", "RECEIPT ID", "LAST ERROR");
  for (const auto& d : rows) {
    std::string when = d.state == store::DeliveryState::kPending    ? isoUtc(d.next_attempt_unix_ms)
                       : d.state == store::DeliveryState::kDelivered ? isoUtc(d.delivered_unix_ms)
                                                                     : "-";
    std::string st = stateName(d.state);
    if (d.state == store::DeliveryState::kPending && paused.count(d.route)) st = "paused";
    std::printf("%8lld  %-11s  %-20s  %-9s  %8d  %-20s  %-34s  %s\n",
                static_cast<long long>(d.id), d.ec_fiscal_code.c_str(), d.route.c_str(),
                st.c_str(), d.attempts, when.c_str(), d.receipt.receipt_id.c_str(),
                d.last_error.substr(0, 200).c_str());
  }
  std::printf("%zu deliveries%s\n", rows.size(),
              more ? " (more: raise --limit or narrow with --ec/--state)" : "");
  return kExitOk;
}

// The attempts that did not deliver, the operator's replays, and the delivery itself.
void printHistory(const store::Delivery& d, const std::vector<store::DeliveryAttempt>& history) {
  if (history.empty() && d.state != store::DeliveryState::kDelivered) return;
  std::cout << "  history:\n";
  for (const auto& a : history) {
    std::cout << "    " << isoUtc(a.at_unix_ms) << "  ";
    switch (a.outcome) {
      case store::DeliveryAttempt::Outcome::kRetry:
        std::cout << "attempt " << a.attempt << " failed, to retry: " << a.error;
        break;
      case store::DeliveryAttempt::Outcome::kDead:
        std::cout << "attempt " << a.attempt << " refused, dead letter: " << a.error;
        break;
      case store::DeliveryAttempt::Outcome::kReplayed:
        std::cout << "sent again by an operator (`ponte outbox retry`)";
        break;
    }
    std::cout << "\n";
  }
  if (d.state == store::DeliveryState::kDelivered) {
    std::cout << "    " << isoUtc(d.delivered_unix_ms) << "  attempt " << d.attempts
              << " delivered\n";
  }
}

int show(const Args& args, const ops::Config& config, store::Store& store) {
  if (args.positional().size() != 2) return usage("show takes one delivery ID");
  auto id = parseId(args.positional()[1]);
  if (!id) return usage("the delivery ID must be a positive whole number");
  auto found = findDelivery(store, config, *id);
  if (!found) return storeError("show", found.error());
  if (!found.value()) {
    std::cerr << "ponte outbox show: no delivery " << *id
              << " among the configured ECs' deliveries (see `ponte outbox list`)\n";
    return kExitNotFound;
  }
  const store::Delivery& d = *found.value();
  const auto paused = pausedRoutes(store);
  auto history = store.listDeliveryAttempts(d.ec_fiscal_code, d.id);
  if (!history) return storeError("show", history.error());
  if (args.has("json")) {
    nlohmann::json j = deliveryJson(d);
    j["history"] = nlohmann::json::array();
    for (const auto& a : history.value()) {
      j["history"].push_back({{"attempt", a.attempt},
                              {"at", isoUtc(a.at_unix_ms)},
                              {"outcome", store::deliveryAttemptOutcomeName(a.outcome)},
                              {"error", a.error}});
    }
    if (auto p = paused.find(d.route); p != paused.end()) {
      j["routePaused"] = {{"since", isoUtc(p->second.paused_unix_ms)},
                          {"reason", p->second.reason}};
    }
    j["configured"] = config.findLedger(d.route) != nullptr;
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "delivery " << d.id << "\n"
            << "  ec:               " << d.ec_fiscal_code << "\n"
            << "  ledger route:     " << d.route
            << (config.findLedger(d.route) ? "" : " (not in the configuration: define it under ledgers)")
            << "\n"
            << "  state:            " << stateName(d.state) << "\n"
            << "  attempts:         " << d.attempts
            << (d.state == store::DeliveryState::kPending ? " (counted when claimed)" : "") << "\n"
            << "  last error:       " << (d.last_error.empty() ? "-" : d.last_error) << "\n"
            << "  created:          " << isoUtc(d.created_unix_ms) << "\n";
  if (d.state == store::DeliveryState::kPending) {
    std::cout << "  next attempt:     " << isoUtc(d.next_attempt_unix_ms) << "\n";
  }
  if (d.state == store::DeliveryState::kDelivered) {
    std::cout << "  delivered:        " << isoUtc(d.delivered_unix_ms) << "\n";
  }
  if (auto p = paused.find(d.route); p != paused.end()) {
    std::cout << "  route paused:     since " << isoUtc(p->second.paused_unix_ms) << ": "
              << p->second.reason << " (`ponte outbox resume " << d.route << "`)\n";
  }
  printHistory(d, history.value());
  std::cout << "  receipt id:       " << d.receipt.receipt_id << "\n"
            << "  notice number:    " << d.receipt.notice_number << "\n"
            << "  iuv:              " << d.receipt.iuv << "\n"
            << "  amount:           " << core::formatAmount(d.receipt.amount_cents) << "\n"
            << "  psp:              " << d.receipt.psp << "\n"
            << "  idempotency key:  "
            << outbox::idempotencyKey(d.ec_fiscal_code, d.receipt.receipt_id) << "\n";
  if (d.state == store::DeliveryState::kDead) {
    std::cout << "Fix the cause, then `ponte outbox retry " << d.id << "`.\n";
  }
  return kExitOk;
}

int retry(const Args& args, const ops::Config& config, store::Store& store) {
  const std::int64_t now = SystemClock().nowUnixMs();
  if (args.has("all-dead")) {
    if (args.positional().size() != 1) return usage("retry takes an ID or --all-dead, not both");
    auto ecs = ecsOf(args, config, "retry");
    if (!ecs) return kExitUsage;
    std::int64_t total = 0;
    for (const auto& ec : *ecs) {
      auto n = store.replayDeliveries(ec, std::nullopt, now);
      if (!n) return storeError("retry", n.error());
      if (n.value() > 0) std::cout << "EC " << ec << ": " << n.value() << " dead deliveries pending again\n";
      total += n.value();
    }
    std::cout << total << " deliveries to be tried again now\n";
    return kExitOk;
  }
  if (args.has("ec")) return usage("--ec goes with --all-dead; a delivery ID names its EC");
  if (args.positional().size() != 2) return usage("retry takes one delivery ID, or --all-dead");
  auto id = parseId(args.positional()[1]);
  if (!id) return usage("the delivery ID must be a positive whole number");
  auto found = findDelivery(store, config, *id);
  if (!found) return storeError("retry", found.error());
  if (!found.value()) {
    std::cerr << "ponte outbox retry: no delivery " << *id
              << " among the configured ECs' deliveries (see `ponte outbox list --state dead`)\n";
    return kExitNotFound;
  }
  const store::Delivery& d = *found.value();
  if (d.state == store::DeliveryState::kDelivered) {
    std::cerr << "ponte outbox retry: delivery " << d.id << " was delivered at "
              << isoUtc(d.delivered_unix_ms) << "; nothing to retry\n";
    return kExitNotFound;
  }
  if (d.state == store::DeliveryState::kPending) {
    std::cerr << "ponte outbox retry: delivery " << d.id
              << " is pending, not dead: it is tried again by itself (next attempt at "
              << isoUtc(d.next_attempt_unix_ms) << ")\n";
    return kExitNotFound;
  }
  auto n = store.replayDeliveries(d.ec_fiscal_code, d.id, now);
  if (!n) return storeError("retry", n.error());
  if (n.value() != 1) {
    std::cerr << "ponte outbox retry: delivery " << d.id
              << " changed meanwhile (see `ponte outbox show " << d.id << "`)\n";
    return kExitNotFound;
  }
  std::cout << "delivery " << d.id << " (EC " << d.ec_fiscal_code << ", ledger " << d.route
            << ", receipt " << d.receipt.receipt_id << ") is pending again, due now\n";
  return kExitOk;
}

// The route named on the command line, checked against the configured ledgers.
std::optional<std::string> routeArg(const Args& args, const ops::Config& config,
                                    const std::string& command) {
  if (args.positional().size() != 2) {
    usage(command + " takes one ledger route name");
    return std::nullopt;
  }
  const std::string route = args.positional()[1];
  if (!config.findLedger(route)) {
    std::string names;
    for (const auto& l : config.ledgers) names += (names.empty() ? "" : ", ") + l.name;
    std::cerr << "ponte outbox " << command << ": no ledger named " << route
              << " in the configuration (ledgers: "
              << (names.empty() ? "none configured" : names) << ")\n";
    return std::nullopt;
  }
  return route;
}

int pause(const Args& args, const ops::Config& config, store::Store& store) {
  auto route = routeArg(args, config, "pause");
  if (!route) return kExitUsage;
  const std::string reason = args.value("reason").value_or("paused by an operator");
  auto done = store.pauseRoute(*route, reason, SystemClock().nowUnixMs());
  if (!done) return storeError("pause", done.error());
  std::cout << "ledger route " << *route
            << " paused: its deliveries wait until `ponte outbox resume " << *route << "`\n";
  return kExitOk;
}

int resume(const Args& args, const ops::Config& config, store::Store& store) {
  auto route = routeArg(args, config, "resume");
  if (!route) return kExitUsage;
  auto resumed = store.resumeRoute(*route);
  if (!resumed) return storeError("resume", resumed.error());
  if (!resumed.value()) {
    std::cout << "ledger route " << *route << " was not paused; nothing changed\n";
    return kExitOk;
  }
  std::cout << "ledger route " << *route << " resumed: its deliveries go again\n";
  return kExitOk;
}

int routes(const ops::Config& config, store::Store& store) {
  auto paused = store.listPausedRoutes();
  if (!paused) return storeError("routes", paused.error());
  std::map<std::string, store::PausedRoute> by_name;
  for (auto& p : paused.value()) by_name[p.route] = p;
  std::printf("%-24s  %-8s  %s\n", "ROUTE", "TYPE", "STATE");
  for (const auto& l : config.ledgers) {
    auto p = by_name.find(l.name);
    std::string state = p == by_name.end()
                            ? "active"
                            : "paused since " + isoUtc(p->second.paused_unix_ms) + ": " +
                                  p->second.reason;
    std::printf("%-24s  %-8s  %s\n", l.name.c_str(), std::string(ops::toString(l.type)).c_str(),
                state.c_str());
    if (p != by_name.end()) by_name.erase(p);
  }
  for (const auto& [name, p] : by_name) {
    std::printf("%-24s  %-8s  paused since %s: %s (not in the configuration)\n", name.c_str(), "-",
                isoUtc(p.paused_unix_ms).c_str(), p.reason.c_str());
  }
  return kExitOk;
}

}  // namespace

std::vector<std::string> checkLedgers(const ops::Config& config) {
  ops::Logger quiet(ops::LogLevel::kError);
  std::vector<std::string> errors;
  outbox::LedgerSet::open(config.ledgers, quiet, &errors);
  return errors;
}

int cmdOutbox(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "-h" || argv[0] == "--help" || argv[0] == "help") {
    std::cout << kUsage;
    return argv.empty() ? kExitUsage : kExitOk;
  }
  Args args(argv, {"config", "state", "ec", "limit", "reason"}, {"json", "all-dead"});
  if (!args.error().empty()) return usage(args.error());
  if (args.has("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  const std::string command = args.positional().empty() ? "" : args.positional()[0];
  if (command != "list" && command != "show" && command != "retry" && command != "pause" &&
      command != "resume" && command != "routes") {
    return usage("unknown subcommand '" + command + "'");
  }
  if ((command == "list" || command == "routes") && args.positional().size() != 1) {
    return usage(command + " takes no argument besides options");
  }
  auto config = loadConfig(configPath(args));
  if (!config) return kExitConfig;
  auto store = openStore(*config);
  if (!store) return kExitUnavailable;
  if (command == "list") return list(args, *config, *store);
  if (command == "show") return show(args, *config, *store);
  if (command == "retry") return retry(args, *config, *store);
  if (command == "pause") return pause(args, *config, *store);
  if (command == "resume") return resume(args, *config, *store);
  return routes(*config, *store);
}

}  // namespace ponte::app
