// `ponte serve`: the composition root. Reads the config, builds the object graph (store, node
// operations, SOAP endpoint, mTLS listener) and runs it until SIGTERM or SIGINT.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "app/admin_service.h"
#include "app/api_endpoint.h"
#include "app/cli.h"
#include "app/clock.h"
#include "app/directory_builder.h"
#include "app/node_operations.h"
#include "app/node_service.h"
#include "net/https_server.h"
#include "ops/check.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/sd_notify.h"
#include "outbox/outbox_service.h"

namespace ponte::app {
namespace {

constexpr const char* kUsage = R"(Usage: ponte serve [-c FILE]

Runs ponte in the foreground: the node's SOAP listener over mutual TLS, on the address, port and
path of node_listener in the configuration, and the admin listener (/healthz, /readyz, /metrics)
on admin_listener. Logs go to stderr, one line per event, with journald priority prefixes.
Under systemd (Type=notify) it sends READY=1 once listening, STATUS lines, RELOADING=1 and
STOPPING=1, and WATCHDOG=1 when the unit has WatchdogSec. SIGTERM or SIGINT stops it gracefully (requests in flight are answered, every
receipt answered OK is already committed). SIGHUP re-reads the configuration and applies the
broker, stations and creditor institutions and the node listener's certificate, key and client
CA (new connections use them; open ones keep theirs); a configuration with errors is refused
and the running one stays.

Receipts are delivered to the ledgers of their EC (ledgers: and each EC's ledger_routes) by the
outbox workers, on threads of their own. Every ledger is loaded before the node listener opens:
a plugin or built-in ledger that cannot be set up stops the start (exit status 78) with the
ledger's name and the reason. On SIGHUP the ledgers are made again from the new file (plugins
re-created, new ledgers and ECs taken up, removed ones dropped once their delivery in flight
returns); a ledger that cannot be set up refuses the whole reload. Deliveries are kept in the
database, so nothing waiting is lost by a reload or a restart.
)";

net::ListenerOptions listenerOptions(const ops::Config& config, ops::Logger& log) {
  const auto& l = config.node_listener;
  net::ListenerOptions o;
  o.thread_name = "ponte-node";
  o.address = l.address;
  o.port = l.port;
  net::TlsOptions tls;
  tls.certificate_file = l.tls.certificate;
  tls.private_key_file = l.tls.private_key;
  tls.client_ca_file = l.tls.client_ca;
  tls.allowed_subjects = l.tls.allowed_subjects;
  tls.allowed_fingerprints = l.tls.allowed_fingerprints;
  tls.require_client_certificate = true;
  o.tls = std::move(tls);
  o.handshake_ms = static_cast<int>(l.timeouts.handshake.count());
  o.read_header_ms = static_cast<int>(l.timeouts.read_header.count());
  o.read_body_ms = static_cast<int>(l.timeouts.read_body.count());
  o.write_ms = static_cast<int>(l.timeouts.write.count());
  o.idle_ms = static_cast<int>(l.timeouts.idle.count());
  o.max_body_bytes = l.limits.max_body_bytes;
  o.log = [&log](int level, std::string_view event, std::string_view detail) {
    const ops::LogLevel lv = level <= net::kLogError     ? ops::LogLevel::kError
                             : level <= net::kLogWarning ? ops::LogLevel::kWarning
                             : level <= net::kLogInfo    ? ops::LogLevel::kInfo
                                                         : ops::LogLevel::kDebug;
    log.log(lv, event, {{"detail", detail}});
  };
  return o;
}

soap::Limits codecLimits(const ops::Config& config) {
  const auto& l = config.node_listener.limits;
  soap::Limits limits;
  limits.max_body_bytes = l.max_body_bytes;
  limits.max_depth = l.max_depth;
  limits.max_string_length = l.max_string_length;
  limits.max_occurs = l.max_occurs;
  return limits;
}

// Plain HTTP on the admin address, for operators and monitoring.
net::ListenerOptions adminOptions(const ops::Config& config, ops::Logger& log) {
  net::ListenerOptions o = listenerOptions(config, log);
  o.address = config.admin_listener.address;
  o.port = config.admin_listener.port;
  o.tls.reset();
  o.thread_name = "ponte-admin";
  return o;
}

// Mirrors the node listener's own counters into the metrics at each scrape.
void collectListenerStats(ops::Metrics& metrics, const net::HttpsServer& server) {
  metrics.declare("ponte_node_connections_open", ops::Metrics::Type::kGauge,
                  "Connections of the node listener open now.");
  metrics.declare("ponte_node_requests_in_flight", ops::Metrics::Type::kGauge,
                  "Node requests being handled now (received, not yet answered).");
  metrics.declare("ponte_node_connections_total", ops::Metrics::Type::kCounter,
                  "Connections the node listener accepted.");
  metrics.declare("ponte_node_tls_handshake_failures_total", ops::Metrics::Type::kCounter,
                  "TLS handshakes of the node listener that failed, by reason: no_certificate, "
                  "bad_certificate, not_allowed, timeout, closed, protocol.");
  metrics.declare("ponte_node_timeouts_total", ops::Metrics::Type::kCounter,
                  "Node listener connections closed by a deadline.");
  metrics.addCollector([&server](ops::Metrics& m) {
    const net::ListenerStats s = server.stats();
    m.set("ponte_node_connections_open", {}, static_cast<double>(s.connections_open));
    m.set("ponte_node_requests_in_flight", {}, static_cast<double>(s.requests_in_flight));
    m.set("ponte_node_connections_total", {}, static_cast<double>(s.connections_accepted));
    const auto& f = s.tls_failures;
    for (auto [reason, count] :
         {std::pair("no_certificate", f.no_certificate),
          std::pair("bad_certificate", f.bad_certificate), std::pair("not_allowed", f.not_allowed),
          std::pair("timeout", f.timeout), std::pair("closed", f.closed),
          std::pair("protocol", f.protocol)}) {
      m.set("ponte_node_tls_handshake_failures_total", {{"reason", reason}},
            static_cast<double>(count));
    }
    m.set("ponte_node_timeouts_total", {}, static_cast<double>(s.timeouts));
  });
}

// Applies a re-read configuration: the served broker, stations and ECs, and the node listener's
// certificate, key, client CA and allow-lists (rotation). All of it is checked first; a
// configuration with any error changes nothing. Listener addresses and storage need a restart.
void reload(const std::string& path, NodeOperations& operations, net::HttpsServer& node_server,
            ApiEndpoint& api_endpoint, outbox::OutboxService& outbox, ops::Logger& log) {
  const auto refuse = [&](const std::string& why) {
    log.error("config.reload_refused", {{"file", path}, {"error", why}});
  };
  const auto kept = [&] {
    log.error("config.reload_refused",
              {{"file", path},
               {"action", "fix it and send SIGHUP again; the running configuration is kept"}});
  };
  ops::ConfigResult result = ops::parseConfig(path);
  if (!result.ok()) {
    for (const auto& e : result.errors) refuse(e.text());
    return kept();
  }
  const ops::CheckReport report = ops::checkFiles(*result.config);
  if (!report.ok()) {
    for (const auto& e : report.errors) refuse(e);
    return kept();
  }
  net::ListenerOptions fresh = listenerOptions(*result.config, log);
  // The new ledgers are made before anything changes: one that fails refuses the reload.
  std::vector<std::string> ledger_errors;
  auto ledgers = outbox::LedgerSet::open(result.config->ledgers, log, &ledger_errors);
  if (!ledgers) {
    for (const auto& e : ledger_errors) refuse(e);
    return kept();
  }
  std::string error;
  if (!api_endpoint.checkReload(*result.config, &error)) {
    refuse(error);
    return kept();
  }
  if (!node_server.reloadTls(*fresh.tls, &error)) {
    refuse(error);
    return kept();
  }
  operations.setDirectory(buildDirectory(*result.config));
  api_endpoint.applyReload(*result.config);
  outbox.replace(*result.config, std::move(ledgers));
  log.info("config.reloaded",
           {{"file", path},
            {"creditor_institutions", result.config->creditor_institutions.size()},
            {"ledgers", result.config->ledgers.size()},
            {"note",
             "new connections use the new certificate; listener addresses and storage "
             "change at the next restart"}});
}

}  // namespace

int serveThreads(const ops::Config& config) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int n = 2;  // the main thread and the writer
  n += config.node_listener.threads > 0 ? config.node_listener.threads : cores;
  if (config.admin_listener.enabled) n += 1;
  if (config.api_listener.enabled) n += config.api_listener.threads;
  if (!config.ledgers.empty()) n += config.outbox.workers;
  return std::min(n, 64);
}


int cmdServe(const std::vector<std::string>& argv) {
  Args args(argv, {"config"}, {});
  if (!args.error().empty() || !args.positional().empty()) {
    std::cerr << "ponte serve: " << (args.error().empty() ? "unexpected argument" : args.error())
              << "\n\n"
              << kUsage;
    return kExitUsage;
  }
  if (args.has("help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  const std::string path = configPath(args);
  auto config = loadConfig(path);
  if (!config) return kExitConfig;
  // A malloc arena for each of the threads serve runs, not glibc's eight per core: threads that
  // share one queue on its lock whenever both allocate. One arena for all made the event loops
  // wait (a quarter of verify's throughput on 2 cores); a delivery thread sharing an event
  // loop's made paSendRTV2's loops wait under load. Many more would leave a burst of
  // connections' memory spread over arenas; the listener trims every arena once a burst has
  // closed. MALLOC_ARENA_MAX in the environment overrides this.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, serveThreads(*config));
  ops::Logger log(config->logging.level);

  const ops::CheckReport report = ops::checkFiles(*config);
  for (const auto& w : report.warnings) log.warning("config.warning", {{"detail", w}});
  if (!report.ok()) {
    for (const auto& e : report.errors) log.error("config.invalid", {{"detail", e}});
    return kExitConfig;
  }

  // Signals are taken by sigwait in this thread only: block them before any thread starts, so
  // every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  auto store = openStore(*config);
  if (!store) {
    log.error("store.unavailable",
              {{"database", storageName(*config)},
               {"action", config->storage.engine == ops::StorageEngine::kPostgres
                              ? "check storage.dsn, the password and that the server answers, "
                                "then start again"
                              : "check the path and its permissions, then start again"}});
    return kExitUnavailable;
  }
  const ops::SystemdNotifier systemd = ops::SystemdNotifier::fromEnvironment();
  SystemClock clock;
  ops::Metrics metrics;
  // Every ledger is loaded before a listener opens: a start never accepts receipts it could not
  // forward as configured.
  std::vector<std::string> ledger_errors;
  auto outbox =
      outbox::OutboxService::open(*config, *store, clock, log, &metrics, &ledger_errors);
  if (!outbox) {
    for (const auto& e : ledger_errors) {
      log.error("ledger.unavailable",
                {{"detail", e},
                 {"action", "fix this ledger under ledgers: in " + path +
                                " (or remove it), check with `ponte check-config`, then start "
                                "again"}});
    }
    std::cerr << "ponte serve: " << ledger_errors.size()
              << (ledger_errors.size() == 1 ? " ledger" : " ledgers")
              << " cannot be set up; nothing was started\n";
    return kExitConfig;
  }
  NodeOperations operations(buildDirectory(*config), *store, clock);
  metrics.declare("ponte_store_duration_seconds", ops::Metrics::Type::kHistogram,
                  "Time the node's requests waited for the database, by call: find_notice (a "
                  "notice's position read), commit_receipt (until the receipt is durable), "
                  "create_position (a spontaneous payment)");
  operations.setStoreTiming([&metrics](std::string_view call, double seconds) {
    metrics.observe("ponte_store_duration_seconds", {{"call", call}}, seconds);
  });
  NodeService service(operations, {config->node_listener.soap_path, codecLimits(*config)}, log,
                      {&metrics, store.get(), &clock});

  std::string error;
  auto server = net::HttpsServer::start(
      listenerOptions(*config, log),
      [&service](net::HttpRequest&& request, net::Reply reply) {
        service.handle(std::move(request), std::move(reply));
      },
      config->node_listener.threads, &error);
  if (!server) {
    log.error("node_listener.failed", {{"detail", error}});
    return kExitConfig;
  }
  collectListenerStats(metrics, *server);
  AdminService admin(*store, metrics, [&outbox] {
    std::vector<std::string> problems;
    for (const auto& late : outbox->lateDeliveries()) {
      problems.push_back("outbox: EC " + late.ec + " has a delivery to ledger " + late.route +
                         " pending for " + std::to_string(late.age_ms / 1000) + " s (delivery " +
                         std::to_string(late.delivery_id) + ", " + std::to_string(late.attempts) +
                         " attempts" + (late.last_error.empty() ? "" : ", last error: ") +
                         late.last_error + ")");
    }
    return problems;
  });
  std::unique_ptr<net::HttpsServer> admin_server;
  std::string admin_address = "off";
  if (config->admin_listener.enabled) {
    admin_server = net::HttpsServer::start(
        adminOptions(*config, log),
        [&admin](net::HttpRequest&& request, net::Reply reply) {
          admin.handle(std::move(request), std::move(reply));
        },
        1, &error);
    if (!admin_server) {
      log.error("admin_listener.failed", {{"detail", error}});
      server->stop();
      return kExitConfig;
    }
    admin_address = config->admin_listener.address + ":" + std::to_string(admin_server->port());
  }
  // Deliveries give way to the node's requests in flight (outbox.yield_to_node_ms). The
  // listener outlives the delivery threads: outbox->stop() comes before the end of this scope.
  outbox->start([node = server.get()] { return node->inFlight() > 0; });
  // The back-office API, on a listener of its own: the node path never waits for it.
  ApiEndpoint api_endpoint(*store, clock, log);
  const std::string api_address = api_endpoint.start(*config);
  const std::string status = "serving " + std::to_string(config->creditor_institutions.size()) +
                             " creditor institutions on " + config->node_listener.address + ":" +
                             std::to_string(server->port());
  systemd.notify("READY=1\nSTATUS=" + status);
  log.info("ponte.ready",
           {{"node_listener", config->node_listener.address + ":" + std::to_string(server->port())},
            {"soap_path", config->node_listener.soap_path},
            {"admin_listener", admin_address},
            {"api_listener", api_address},
            {"creditor_institutions", config->creditor_institutions.size()},
            {"ledgers", outbox->routeCount()},
            {"outbox_workers", outbox->routeCount() > 0 ? config->outbox.workers : 0},
            {"database", storageName(*config)}});

  // The main thread waits for signals, waking up for the watchdog (when there is one) and for
  // the hourly purge of the audit journal.
  const auto watchdog = systemd.watchdogInterval();
  const std::chrono::microseconds tick =
      watchdog ? std::min(*watchdog, std::chrono::microseconds(60'000'000))
               : std::chrono::microseconds(60'000'000);
  const std::int64_t retention_ms = std::int64_t{config->audit.retention_days} * 86'400'000;
  std::int64_t last_purge_ms = 0;
  for (;;) {
    const std::int64_t now_ms = clock.nowUnixMs();
    if (now_ms - last_purge_ms >= 3'600'000) {
      last_purge_ms = now_ms;
      auto purged = store->purgeAudit(now_ms - retention_ms);
      if (!purged) {
        log.warning("audit.purge_failed", {{"detail", purged.error().message}});
      } else if (purged.value() > 0) {
        log.info("audit.purged",
                 {{"entries", purged.value()}, {"retention_days", config->audit.retention_days}});
      }
    }
    int sig = 0;
    timespec wait{};
    wait.tv_sec = static_cast<time_t>(tick.count() / 1'000'000);
    wait.tv_nsec = static_cast<long>(tick.count() % 1'000'000) * 1000;
    sig = sigtimedwait(&signals, nullptr, &wait);
    if (sig < 0) {
      if (!watchdog) continue;
      // Fed only while every event loop of the node listener runs a task in time: a stuck
      // loop lets systemd restart the service.
      if (server->loopsResponsive(std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog) /
                                  2)) {
        systemd.notify("WATCHDOG=1");
      } else {
        log.warning("watchdog.loop_stuck", {{"action",
                                             "a node event loop did not answer in time; "
                                             "systemd restarts ponte if it stays so"}});
      }
      continue;
    }
    if (sig == SIGHUP) {
      systemd.notify(ops::SystemdNotifier::reloadingMessage());
      reload(path, operations, *server, api_endpoint, *outbox, log);
      systemd.notify("READY=1\nSTATUS=" + status);
      continue;
    }
    log.info("ponte.stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    break;
  }
  systemd.notify("STOPPING=1\nSTATUS=stopping: finishing requests in flight");
  if (admin_server) admin_server->stop();
  api_endpoint.stop();
  server->stop();
  // After the node listener (no receipt arrives any more) and before the store closes: the
  // delivery in progress finishes, claimed ones are handed back for the next start.
  outbox->stop();
  store.reset();  // drains the writer: every accepted receipt is committed and answered
  log.info("ponte.stopped");
  return kExitOk;
}

}  // namespace ponte::app
