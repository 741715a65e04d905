// The outbox end to end: the real `ponte serve` forwarding receipts it answered OK to a real
// webhook receiver on loopback (down, failing, refusing), `ponte outbox` operating it, SIGKILL in
// the middle of deliveries, and ledgers that cannot be loaded stopping the start.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "../ops/prometheus_text.h"
#include "ledger_receiver.h"
#include "ponte_process.h"

using namespace ponte;
using namespace ponte::e2e;
using namespace ponte::outbox::testing;
using Catch::Contains;

namespace {

constexpr const char* kEc = "80015010723";
constexpr const char* kSecret = "e2e-webhook-secret";

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Adds ledger routes to the first EC of the test configuration, the given ledgers and short
// outbox timings (1 s backoff doubling to 2 s, no jitter, 2 s leases).
void configureOutbox(const PonteProcess& ponte, const std::string& routes,
                     const std::string& ledgers, int alert_after_s = 3600) {
  const std::string path = ponte.dir() + "/ponte.yaml";
  std::string config = readFile(path);
  const std::string anchor = "    name: \"Comune di Valbruna\"\n";
  const auto at = config.find(anchor);
  REQUIRE(at != std::string::npos);
  config.insert(at + anchor.size(), "    ledger_routes: [" + routes + "]\n");
  config += "\nledgers:\n" + ledgers +
            "\noutbox:\n"
            "  workers: 2\n"
            "  initial_backoff_s: 1\n"
            "  max_backoff_s: 2\n"
            "  jitter: 0\n"
            "  lease_s: 2\n"
            "  alert_after_s: " +
            std::to_string(alert_after_s) + "\n";
  std::ofstream(path, std::ios::binary | std::ios::trunc) << config;
}

std::string webhookLedger(const PonteProcess& ponte, const std::string& name,
                          const std::string& url) {
  const std::string secret = ponte.dir() + "/" + name + ".secret";
  std::ofstream(secret) << kSecret << "\n";
  return "  - name: " + name + "\n    type: webhook\n    url: \"" + url +
         "\"\n    secret_file: \"" + secret + "\"\n    timeout_ms: 2000\n";
}

std::string withReceiptId(std::string body, const std::string& id) {
  const std::string open = "<receiptId>";
  const auto start = body.find(open) + open.size();
  return body.replace(start, body.find("</receiptId>") - start, id);
}

// Sends paSendRTV2 receipts with these ids; each must be answered OK.
void sendReceipts(const PonteProcess& ponte, const std::vector<std::string>& ids) {
  auto client = test::TlsClient::connect(ponte.nodeClient());
  REQUIRE(client);
  const std::string body = goldenRequest("paSendRTV2", "ok");
  for (const auto& id : ids) {
    auto r = postSoap(*client, "paSendRTV2", withReceiptId(body, id));
    REQUIRE(r);
    REQUIRE(r->body.find("<outcome>OK</outcome>") != std::string::npos);
  }
}

std::vector<std::string> receiptIds(const std::string& prefix, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(prefix + std::to_string(i));
  return ids;
}

std::set<std::string> keysOf(const std::vector<std::string>& ids) {
  std::set<std::string> keys;
  for (const auto& id : ids) keys.insert(std::string(kEc) + ":" + id);
  return keys;
}

std::optional<test::ClientResponse> adminGet(const PonteProcess& ponte, const std::string& path) {
  test::ClientOptions o;
  o.port = ponte.adminPort();
  o.tls = false;
  auto client = test::TlsClient::connect(o);
  if (!client) return std::nullopt;
  return client->request("GET", path);
}

// Polls pred every 100 ms for up to `timeout`.
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pred();
}

bool hasAll(const std::set<std::string>& have, const std::set<std::string>& want) {
  return std::includes(have.begin(), have.end(), want.begin(), want.end());
}

// The keys of the posts answered 2xx or 409 (for waitFor's predicate, which holds the receiver's
// lock: it must not call back into the receiver).
std::set<std::string> accepted(const std::vector<ReceivedPost>& posts) {
  std::set<std::string> keys;
  for (const auto& p : posts) {
    if ((p.status >= 200 && p.status < 300) || p.status == 409) keys.insert(p.idempotency_key);
  }
  return keys;
}

// The delivery ids in the output of `ponte outbox list`.
std::vector<std::string> listedIds(const std::string& out) {
  std::vector<std::string> ids;
  std::istringstream in(out);
  std::string line;
  std::getline(in, line);  // header
  static const std::regex row(R"(^\s*(\d+)\s+\d{11}\s)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, row)) ids.push_back(m[1]);
  }
  return ids;
}

}  // namespace

TEST_CASE("outbox e2e: a receiver down then up gets every receipt once, signed, and readiness follows",
          "[e2e][slow]") {
  LedgerReceiver receiver(kSecret);
  receiver.start();
  receiver.stop();  // down; the port stays reserved for the restart
  PonteProcess ponte;
  configureOutbox(ponte, "hook", webhookLedger(ponte, "hook", receiver.url()),
                  /*alert_after_s=*/1);
  ponte.start();
  const auto ids = receiptIds("down-", 4);
  sendReceipts(ponte, ids);

  // The oldest pending delivery passes alert_after_s: /readyz says which EC and ledger.
  std::string not_ready;
  CHECK(eventually([&] {
    auto r = adminGet(ponte, "/readyz");
    if (r && r->status == 503) not_ready = r->body;
    return r && r->status == 503;
  }));
  CHECK_THAT(not_ready, Contains(std::string("EC ") + kEc) && Contains("ledger hook"));
  std::string out;
  CHECK(ponte.runCli({"outbox", "list", "--state", "pending"}, &out) == 0);
  CHECK(listedIds(out).size() == ids.size());

  receiver.start();
  REQUIRE(receiver.waitFor([&](const auto& posts) { return hasAll(accepted(posts), keysOf(ids)); }));
  CHECK(receiver.acceptedKeys() == keysOf(ids));
  std::map<std::string, int> accepted;
  for (const auto& post : receiver.posts()) {
    CHECK(receiver.signatureValid(post));
    CHECK(post.content_type == "application/json");
    if (post.status == 200) ++accepted[post.idempotency_key];
  }
  for (const auto& [key, n] : accepted) CHECK(n == 1);  // each delivered once
  CHECK(eventually([&] {
    auto r = adminGet(ponte, "/readyz");
    return r && r->status == 200;
  }));
  CHECK(ponte.runCli({"outbox", "list", "--state", "delivered"}, &out) == 0);
  CHECK(listedIds(out).size() == ids.size());
  CHECK(ponte.stop(SIGTERM) == 0);
}

TEST_CASE("outbox e2e: 500 is retried after the backoff, 400 is a dead letter retried by the operator",
          "[e2e][slow]") {
  LedgerReceiver receiver(kSecret);
  std::mutex mutex;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> arrivals;
  receiver.answer([&](const ReceivedPost& post) {
    std::lock_guard lock(mutex);
    auto& seen = arrivals[post.idempotency_key];
    seen.push_back(std::chrono::steady_clock::now());
    if (post.idempotency_key.find("flaky") != std::string::npos) return seen.size() == 1 ? 500 : 200;
    if (post.idempotency_key.find("refused") != std::string::npos) return 400;
    return 200;
  });
  receiver.start();
  PonteProcess ponte;
  configureOutbox(ponte, "hook", webhookLedger(ponte, "hook", receiver.url()));
  ponte.start();
  sendReceipts(ponte, {"flaky-1", "refused-1"});
  const std::string flaky = std::string(kEc) + ":flaky-1";
  REQUIRE(receiver.waitFor([&](const auto& posts) { return accepted(posts).count(flaky) == 1; }));
  {
    std::lock_guard lock(mutex);
    REQUIRE(arrivals[flaky].size() == 2);
    // initial_backoff_s: 1, no jitter
    CHECK(arrivals[flaky][1] - arrivals[flaky][0] >= std::chrono::milliseconds(900));
  }

  // The refused one is dead: listed, shown with the ledger's answer, not tried again.
  std::string out;
  std::vector<std::string> dead;
  REQUIRE(eventually([&] {
    ponte.runCli({"outbox", "list", "--state", "dead", "--ec", kEc}, &out);
    dead = listedIds(out);
    return dead.size() == 1;
  }));
  CHECK_THAT(out, Contains("refused-1") && Contains("rejected: HTTP 400"));
  CHECK(ponte.runCli({"outbox", "show", dead[0]}, &out) == 0);
  CHECK_THAT(out, Contains("state:            dead") && Contains("ponte outbox retry " + dead[0]) &&
                      Contains(std::string("idempotency key:  ") + kEc + ":refused-1"));
  // A pending or unknown delivery cannot be retried; the message says why.
  CHECK(ponte.runCli({"outbox", "retry", "999999"}, &out) == 65);
  CHECK_THAT(out, Contains("no delivery 999999"));

  const std::string refused = std::string(kEc) + ":refused-1";
  receiver.answer([](const ReceivedPost&) { return 200; });  // the ledger is fixed
  CHECK(ponte.runCli({"outbox", "retry", dead[0]}, &out) == 0);
  CHECK_THAT(out, Contains("pending again"));
  REQUIRE(receiver.waitFor([&](const auto& posts) { return accepted(posts).count(refused) == 1; }));
  // The receiver counts a post before its answer reaches ponte, which then records the batch.
  // (A retry of a pending delivery is refused and changes nothing, so it can be asked again.)
  CHECK(eventually([&] {
    return ponte.runCli({"outbox", "retry", dead[0]}, &out) == 65 &&
           out.find("was delivered") != std::string::npos;
  }));
  CHECK_THAT(out, Contains("was delivered"));
  // Its history: the refusal with the ledger's answer, the operator's retry, the delivery.
  CHECK(ponte.runCli({"outbox", "show", dead[0]}, &out) == 0);
  // (An attempt may come before, held back by the 500s of the same pass.)
  CHECK_THAT(out, Contains("refused, dead letter: rejected: HTTP 400") &&
                      Contains("sent again by an operator") && Contains("attempt 1 delivered"));
  CHECK(ponte.runCli({"outbox", "show", dead[0], "--json"}, &out) == 0);
  const auto history = nlohmann::json::parse(out).at("history");
  REQUIRE(history.size() >= 2);
  CHECK(history[history.size() - 2]["outcome"] == "dead");
  CHECK(history[history.size() - 1]["outcome"] == "replayed");
  CHECK(history[history.size() - 1]["attempt"] == history[history.size() - 2]["attempt"]);

  // The counters moved.
  auto metrics = adminGet(ponte, "/metrics");
  REQUIRE(metrics);
  const auto e = ops::testing::parsePrometheusText(metrics->body);
  CHECK(e.samples.at("ponte_outbox_deliveries_total{outcome=\"retry\",route=\"hook\"}") == 1);
  CHECK(e.samples.at("ponte_outbox_deliveries_total{outcome=\"dead\",route=\"hook\"}") == 1);
  CHECK(e.samples.at("ponte_outbox_deliveries_total{outcome=\"delivered\",route=\"hook\"}") == 2);
  CHECK(e.types.at("ponte_outbox_waiting") == "gauge");
  CHECK(ponte.stop(SIGTERM) == 0);
}

TEST_CASE("outbox e2e: pause and resume hold and release a route while ponte runs", "[e2e][slow]") {
  LedgerReceiver receiver(kSecret);
  receiver.start();
  PonteProcess ponte;
  configureOutbox(ponte, "hook", webhookLedger(ponte, "hook", receiver.url()));
  ponte.start();
  std::string out;
  CHECK(ponte.runCli({"outbox", "pause", "nohook"}, &out) == 64);
  CHECK_THAT(out, Contains("no ledger named nohook") && Contains("hook"));
  CHECK(ponte.runCli({"outbox", "pause", "hook", "--reason", "ledger maintenance"}, &out) == 0);
  CHECK(ponte.runCli({"outbox", "routes"}, &out) == 0);
  CHECK_THAT(out, Contains("ledger maintenance"));
  sendReceipts(ponte, {"held-1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a worker pass or more
  CHECK(receiver.posts().empty());
  CHECK(ponte.runCli({"outbox", "list"}, &out) == 0);
  CHECK_THAT(out, Contains("paused"));
  CHECK(ponte.runCli({"outbox", "resume", "hook"}, &out) == 0);
  CHECK(receiver.waitFor([&](const auto& posts) { return accepted(posts).size() == 1; }));
  CHECK(ponte.stop(SIGTERM) == 0);
}

TEST_CASE("outbox e2e: SIGKILL during deliveries loses none, duplicates carry the same key",
          "[e2e][slow]") {
  LedgerReceiver receiver(kSecret);
  receiver.delay(std::chrono::milliseconds(150));  // deliveries are in flight when the kill comes
  receiver.start();
  PonteProcess ponte;
  configureOutbox(ponte, "hook", webhookLedger(ponte, "hook", receiver.url()));
  ponte.start();
  const auto ids = receiptIds("kill-", 12);
  sendReceipts(ponte, ids);
  REQUIRE(receiver.waitFor([](const auto& posts) { return posts.size() >= 2; }));
  CHECK(ponte.stop(SIGKILL) == 128 + SIGKILL);
  const std::size_t before = receiver.acceptedKeys().size();
  CHECK(before < ids.size());
  ponte.start();
  REQUIRE(receiver.waitFor([&](const auto& posts) { return hasAll(accepted(posts), keysOf(ids)); },
                           std::chrono::seconds(30)));
  CHECK(receiver.acceptedKeys() == keysOf(ids));  // every key is a receipt's, each present
  for (const auto& post : receiver.posts()) CHECK(receiver.signatureValid(post));
  // Recorded as delivered once the answers have reached ponte (the receiver counts a post first).
  std::string out;
  CHECK(eventually([&] {
    return ponte.runCli({"outbox", "list", "--state", "delivered", "--limit", "1000"}, &out) == 0 &&
           listedIds(out).size() == ids.size();
  }));
  CHECK(ponte.stop(SIGTERM) == 0);
}

TEST_CASE("outbox e2e: a spool ledger killed while writing leaves only whole files", "[e2e][slow]") {
  PonteProcess ponte;
  const std::string spool = ponte.dir() + "/spool";
  std::filesystem::create_directories(spool);
  configureOutbox(ponte, "files",
                  "  - name: files\n    type: spool\n    directory: \"" + spool + "\"\n");
  ponte.start();
  const auto ids = receiptIds("spool-", 20);
  sendReceipts(ponte, ids);
  // Killed as soon as the first files appear, while others are being written.
  eventually([&] {
    return std::distance(std::filesystem::directory_iterator(spool),
                         std::filesystem::directory_iterator()) > 0;
  });
  CHECK(ponte.stop(SIGKILL) == 128 + SIGKILL);
  const auto checkWhole = [&] {
    for (const auto& entry : std::filesystem::directory_iterator(spool)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(".", 0) == 0) continue;  // a temporary file, never under a final name
      INFO(name);
      CHECK(entry.path().extension() == ".json");
      CHECK_NOTHROW(nlohmann::json::parse(readFile(entry.path().string())));
    }
  };
  checkWhole();
  ponte.start();
  REQUIRE(eventually([&] {
    std::size_t n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(spool)) {
      if (entry.path().extension() == ".json") ++n;
    }
    return n == ids.size();
  }));
  checkWhole();
  CHECK(ponte.stop(SIGTERM) == 0);
}

TEST_CASE("outbox e2e: a ledger that cannot be loaded stops the start, naming it", "[e2e]") {
  for (auto [plugin, reason] : {std::pair("no_entry", "ponte_ledger_entry"),
                                std::pair("wrong_major", "major"),
                                std::pair("create_fails", "credentials file is missing")}) {
    DYNAMIC_SECTION(plugin) {
      PonteProcess ponte;
      configureOutbox(ponte, "broken",
                      std::string("  - name: broken\n    type: plugin\n    path: \"") +
                          PONTE_TEST_PLUGIN_DIR + "/" + plugin + ".so\"\n");
      std::string out;
      CHECK(ponte.runCli({"serve"}, &out) == 78);
      CHECK_THAT(out, Contains("ledger.unavailable") && Contains("ledger broken") &&
                          Contains(reason) && Contains("nothing was started"));
      CHECK_THAT(out, !Contains("ponte.ready"));
    }
  }
}

TEST_CASE("outbox e2e: SIGHUP takes up new ledgers, and a ledger that fails refuses the reload",
          "[e2e][slow]") {
  LedgerReceiver first(kSecret), second(kSecret);
  first.start();
  second.start();
  PonteProcess ponte;
  const std::string path = ponte.dir() + "/ponte.yaml";
  const std::string base = readFile(path);
  configureOutbox(ponte, "hook", webhookLedger(ponte, "hook", first.url()));
  ponte.start();
  sendReceipts(ponte, {"before-reload"});
  REQUIRE(first.waitFor([](const auto& posts) { return accepted(posts).size() == 1; }));

  // A second ledger for the EC, taken up by a reload.
  std::ofstream(path, std::ios::trunc) << base;
  configureOutbox(ponte, "hook, other",
                  webhookLedger(ponte, "hook", first.url()) +
                      webhookLedger(ponte, "other", second.url()));
  kill(ponte.pid(), SIGHUP);
  REQUIRE(eventually([&] {
    for (const auto& line : ponte.logLines()) {
      if (line.find("config.reloaded") != std::string::npos) return true;
    }
    return false;
  }));
  sendReceipts(ponte, {"after-reload"});
  const std::string key = std::string(kEc) + ":after-reload";
  CHECK(first.waitFor([&](const auto& posts) { return accepted(posts).count(key) == 1; }));
  CHECK(second.waitFor([&](const auto& posts) { return accepted(posts).count(key) == 1; }));

  // A broken plugin in the new file: refused, named, and the running ledgers go on.
  std::ofstream(path, std::ios::trunc) << base;
  configureOutbox(ponte, "hook, broken",
                  webhookLedger(ponte, "hook", first.url()) +
                      "  - name: broken\n    type: plugin\n    path: \"" +
                      PONTE_TEST_PLUGIN_DIR + "/wrong_major.so\"\n");
  kill(ponte.pid(), SIGHUP);
  std::string refusal;
  REQUIRE(eventually([&] {
    for (const auto& line : ponte.logLines()) {
      if (line.find("config.reload_refused") != std::string::npos &&
          line.find("ledger broken") != std::string::npos) {
        refusal = line;
        return true;
      }
    }
    return false;
  }));
  CHECK_THAT(refusal, Contains("major"));
  sendReceipts(ponte, {"after-refusal"});
  const std::string kept = std::string(kEc) + ":after-refusal";
  CHECK(first.waitFor([&](const auto& posts) { return accepted(posts).count(kept) == 1; }));
  CHECK(second.waitFor([&](const auto& posts) { return accepted(posts).count(kept) == 1; }));
  CHECK(ponte.stop(SIGTERM) == 0);
}
