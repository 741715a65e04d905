// The webhook ledger against a real HTTP(S) receiver on loopback: what it sends (signed, with the
// idempotency key), and how each kind of answer or failure is classified.
#include <catch2/catch.hpp>

#include "ledger_receiver.h"
#include "outbox/ledger_receipt.h"
#include "outbox_fixtures.h"
#include "support/tls_client.h"

using namespace ponte;
using namespace ponte::outbox;
using namespace ponte::outbox::testing;
using Catch::Contains;

namespace {

struct WebhookSetup {
  OutboxFixture f;
  LedgerReceiver receiver{"s3cret-for-tests"};
  std::unique_ptr<LedgerReceipt> receipt;

  WebhookSetup() {
    receiver.start();
    f.commitReceipt(kEcA, "HOOK-1", {"hook"});
    std::string error;
    receipt = LedgerReceipt::fromDelivery(f.pendingDelivery(kEcA), &error);
    REQUIRE(receipt);
  }
  std::unique_ptr<LedgerRoute> route(LedgerOptions extra = {}) {
    LedgerOptions o = {{"url", receiver.url()},
                       {"secret_file", f.file("secret", "s3cret-for-tests\n")}};
    o.insert(o.end(), extra.begin(), extra.end());
    return f.route("hook", ops::LedgerType::kWebhook, o);
  }
};

}  // namespace

TEST_CASE("webhook: POSTs the canonical JSON, signed, with the idempotency key", "[unit]") {
  WebhookSetup s;
  auto route = s.route();
  REQUIRE(route->deliver(*s.receipt).status == PONTE_LEDGER_OK);
  REQUIRE(route->deliver(*s.receipt).status == PONTE_LEDGER_OK);  // the retry after a crash
  auto posts = s.receiver.posts();
  REQUIRE(posts.size() == 2);
  for (const auto& p : posts) {
    CHECK(p.idempotency_key == std::string(kEcA) + ":HOOK-1");
    CHECK(p.content_type == "application/json");
    CHECK(p.body == s.receipt->json());
    CHECK(s.receiver.signatureValid(p));  // the secret's trailing newline is not part of it
    CHECK_FALSE(p.timestamp.empty());
  }
  // A signature over another body does not verify.
  ReceivedPost forged = posts[0];
  forged.body += " ";
  CHECK_FALSE(s.receiver.signatureValid(forged));
}

TEST_CASE("webhook: 2xx and 409 are delivered, other 4xx rejected, 5xx and 429 retried",
          "[unit]") {
  WebhookSetup s;
  auto route = s.route();
  for (auto [status, expected] :
       {std::pair(201, PONTE_LEDGER_OK), std::pair(204, PONTE_LEDGER_OK),
        std::pair(409, PONTE_LEDGER_OK), std::pair(400, PONTE_LEDGER_REJECT),
        std::pair(401, PONTE_LEDGER_REJECT), std::pair(422, PONTE_LEDGER_REJECT),
        std::pair(408, PONTE_LEDGER_RETRY), std::pair(429, PONTE_LEDGER_RETRY),
        std::pair(500, PONTE_LEDGER_RETRY), std::pair(503, PONTE_LEDGER_RETRY),
        std::pair(302, PONTE_LEDGER_RETRY)}) {
    s.receiver.answer([status = status](const ReceivedPost&) { return status; });
    LedgerResult r = route->deliver(*s.receipt);
    INFO(status << " " << r.message);
    CHECK(r.status == expected);
    if (expected != PONTE_LEDGER_OK) {
      CHECK_THAT(r.message, Contains("HTTP " + std::to_string(status)));
      CHECK_THAT(r.message, Contains("refused: status"));  // the answer's body, for the operator
    }
  }
}

TEST_CASE("webhook: a ledger that is down or too slow is retried", "[unit]") {
  WebhookSetup s;
  auto route = s.route({{"timeout_ms", "300"}});
  s.receiver.stop();
  LedgerResult down = route->deliver(*s.receipt);
  CHECK(down.status == PONTE_LEDGER_RETRY);
  CHECK_THAT(down.message, Contains("connect"));
  s.receiver.start();
  s.receiver.delay(std::chrono::milliseconds(1500));
  LedgerResult slow = route->deliver(*s.receipt);
  CHECK(slow.status == PONTE_LEDGER_RETRY);
  CHECK_THAT(slow.message, Contains("imeout"));
  // The receiver answers one request at a time: let it finish the slow one first.
  REQUIRE(s.receiver.waitFor([](const auto& posts) { return !posts.empty(); }));
  s.receiver.delay(std::chrono::milliseconds(0));
  CHECK(route->deliver(*s.receipt).status == PONTE_LEDGER_OK);
}

TEST_CASE("webhook: over TLS with a client certificate, verified against a given CA", "[unit]") {
  OutboxFixture f;
  LedgerReceiver receiver("tls-secret", /*tls=*/true);
  receiver.start();
  f.commitReceipt(kEcA, "HOOK-TLS", {"hook"});
  std::string error;
  auto receipt = LedgerReceipt::fromDelivery(f.pendingDelivery(kEcA), &error);
  const std::string certs = test::testCertificatesDir();
  LedgerOptions base = {{"url", receiver.url()},
                        {"secret_file", f.file("secret", "tls-secret")},
                        {"ca_file", certs + "/ca.crt"}};
  SECTION("with the client certificate: delivered") {
    LedgerOptions o = base;
    o.push_back({"client_certificate", certs + "/node-client.crt"});
    o.push_back({"client_key", certs + "/node-client.key"});
    auto route = f.route("hook", ops::LedgerType::kWebhook, o);
    LedgerResult r = route->deliver(*receipt);
    INFO(r.message);
    CHECK(r.status == PONTE_LEDGER_OK);
    REQUIRE(receiver.posts().size() == 1);
    CHECK(receiver.signatureValid(receiver.posts()[0]));
  }
  SECTION("without it the handshake fails: retried, not rejected") {
    auto route = f.route("hook", ops::LedgerType::kWebhook, base);
    CHECK(route->deliver(*receipt).status == PONTE_LEDGER_RETRY);
    CHECK(receiver.posts().empty());
  }
  SECTION("a server its CA does not vouch for: retried") {
    LedgerOptions o = base;
    o[2].second = certs + "/other-ca.crt";
    auto route = f.route("hook", ops::LedgerType::kWebhook, o);
    LedgerResult r = route->deliver(*receipt);
    CHECK(r.status == PONTE_LEDGER_RETRY);
    CHECK(receiver.posts().empty());
  }
}

TEST_CASE("webhook: create refuses a missing secret, a bad url or half a client pair", "[unit]") {
  OutboxFixture f;
  std::string error;
  auto plugin = LedgerPlugin::fromEntry(builtinEntry(ops::LedgerType::kWebhook), "built-in", &error);
  const auto refuse = [&](LedgerOptions o) {
    std::string why;
    CHECK(LedgerRoute::create("hook", plugin, std::move(o), *f.log, &why) == nullptr);
    return why;
  };
  const std::string secret = f.file("secret", "x");
  CHECK_THAT(refuse({{"url", "http://127.0.0.1:1/"}, {"secret_file", f.dir.file("nope")}}),
             Contains("secret_file"));
  CHECK_THAT(refuse({{"url", "http://127.0.0.1:1/"}, {"secret_file", f.file("empty", "")}}),
             Contains("is missing or empty"));
  CHECK_THAT(refuse({{"url", "ftp://x/"}, {"secret_file", secret}}), Contains("url"));
  CHECK_THAT(refuse({{"url", "http://x/"},
                     {"secret_file", secret},
                     {"client_certificate", secret}}),
             Contains("go together"));
  CHECK_THAT(refuse({{"url", "http://x/"}, {"secret_file", secret}, {"timeout_ms", "5"}}),
             Contains("timeout_ms"));
}
