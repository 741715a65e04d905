// The plugin loader and the ABI's rules: broken plugins are refused with a message that says
// what is wrong; good ones (the sample, the built-ins) load through the same checks.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "outbox/ledger_plugin.h"
#include "outbox/ledger_receipt.h"
#include "outbox/ledger_set.h"
#include "outbox_fixtures.h"

using namespace ponte;
using namespace ponte::outbox;
using namespace ponte::outbox::testing;
using Catch::Contains;

namespace {

std::string refusal(const std::string& plugin) {
  std::string error;
  auto p = LedgerPlugin::open(testPlugin(plugin), &error);
  CHECK(p == nullptr);
  return error;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("plugin loader: each broken plugin is refused with its own message", "[unit]") {
  CHECK_THAT(refusal("no_entry"), Contains("exports no entry function ponte_ledger_entry"));
  CHECK_THAT(refusal("wrong_major"), Contains("is built for ledger ABI major 2, this ponte has 1"));
  CHECK_THAT(refusal("wrong_major"), Contains("rebuild it"));
  CHECK_THAT(refusal("short_struct"), Contains("shorter than the"));
  CHECK_THAT(refusal("short_struct"), Contains("bytes of ledger ABI 1.0"));
  CHECK_THAT(refusal("newer_minor"), Contains("needs ledger ABI 1.1, newer than this ponte's 1.0"));
  CHECK_THAT(refusal("refuses_host"), Contains("refused to work with this ponte"));
  CHECK_THAT(refusal("does_not_exist"), Contains("cannot load ledger plugin"));
  CHECK_THAT(refusal("no_entry"), Contains(testPlugin("no_entry")));  // names the file
}

TEST_CASE("plugin loader: a plugin whose create fails is refused with its reason", "[unit]") {
  OutboxFixture f;
  ops::LedgerConfig bad{"tributi", ops::LedgerType::kPlugin, testPlugin("create_fails"), {}};
  ops::LedgerConfig wrong{"cassa", ops::LedgerType::kPlugin, testPlugin("wrong_major"), {}};
  ops::LedgerConfig good{"spool", ops::LedgerType::kSpool, "", {{"directory", f.folder("s")}}};
  std::vector<std::string> errors;
  CHECK(LedgerSet::open({bad, good, wrong}, *f.log, &errors) == nullptr);
  REQUIRE(errors.size() == 2);  // every problem at once, the good ledger is not one
  CHECK_THAT(errors[0], Contains("ledger tributi"));
  CHECK_THAT(errors[0], Contains("cannot be set up: the ledger's credentials file is missing"));
  CHECK_THAT(errors[1], Contains("ledger cassa"));
  CHECK_THAT(errors[1], Contains("ABI major 2"));
  errors.clear();
  CHECK(LedgerSet::open({good}, *f.log, &errors) != nullptr);
  CHECK(errors.empty());
}

TEST_CASE("plugin loader: the built-in adapters pass the same checks as plugins", "[unit]") {
  for (auto [type, name] : {std::pair(ops::LedgerType::kWebhook, "webhook"),
                            std::pair(ops::LedgerType::kSpool, "spool"),
                            std::pair(ops::LedgerType::kJournal, "journal")}) {
    std::string error;
    auto p = LedgerPlugin::fromEntry(builtinEntry(type), "built-in", &error);
    INFO(error);
    REQUIRE(p);
    CHECK(p->name() == name);
    CHECK(p->descriptor().struct_size == sizeof(ponte_ledger_plugin));
    // A host of another major gets nothing from them either.
    CHECK(builtinEntry(type)(PONTE_LEDGER_ABI_MAJOR + 1, 0) == nullptr);
  }
  CHECK(builtinEntry(ops::LedgerType::kPlugin) == nullptr);
}

TEST_CASE("sample plugin: loaded with dlopen, delivers once per key, logs through the host",
          "[unit]") {
  OutboxFixture f;
  f.commitReceipt(kEcA, "SAMPLE-1", {"sample"});
  const std::string out = f.dir.file("sample.jsonl");
  std::string error;
  auto plugin = LedgerPlugin::open(PONTE_SAMPLE_PLUGIN, &error);
  INFO(error);
  REQUIRE(plugin);
  CHECK(plugin->name() == "sample-jsonl");
  CHECK_FALSE(plugin->threadSafe());
  auto receipt = LedgerReceipt::fromDelivery(f.pendingDelivery(kEcA), &error);
  REQUIRE(receipt);
  {
    auto route = LedgerRoute::create("sample", plugin, {{"file", out}}, *f.log, &error);
    REQUIRE(route);
    CHECK(route->deliver(*receipt).status == PONTE_LEDGER_OK);
    CHECK(route->deliver(*receipt).status == PONTE_LEDGER_OK);
  }
  // A new instance (a restart) reads back the keys: still one line.
  auto route = LedgerRoute::create("sample", plugin, {{"file", out}}, *f.log, &error);
  REQUIRE(route);
  CHECK(route->deliver(*receipt).status == PONTE_LEDGER_OK);
  CHECK(readAll(out) == "{\"key\":\"" + std::string(kEcA) +
                            ":SAMPLE-1\",\"notice\":\"" + receipt->abi().notice_number.data +
                            "\",\"amount_cents\":10000,\"transfers\":1}\n");
  CHECK_THAT(f.logText(), Contains("ledger.log route=sample plugin=sample-jsonl"));
  CHECK_THAT(f.logText(), Contains("\"sample ledger ready\""));
  // Its create() refuses a route without its option.
  CHECK(LedgerRoute::create("sample", plugin, {}, *f.log, &error) == nullptr);
  CHECK_THAT(error, Contains("ledger sample (" PONTE_SAMPLE_PLUGIN "): cannot be set up: option file"));
}

TEST_CASE("a plugin that is not thread-safe is called by one thread at a time", "[unit]") {
  OutboxFixture f;
  f.commitReceipt(kEcA, "SERIAL-1", {"switch"});
  auto route = f.route("switch", ops::LedgerType::kPlugin, {{"out", f.dir.file("out.txt")}},
                       testPlugin("switch_plugin"));
  std::string error;
  auto receipt = LedgerReceipt::fromDelivery(f.pendingDelivery(kEcA), &error);
  REQUIRE(receipt);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (route->deliver(*receipt).status != PONTE_LEDGER_OK) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures.load() == 0);
}

TEST_CASE("the receipt a ledger sees: parsed fields, canonical JSON and the original XML",
          "[unit]") {
  OutboxFixture f;
  f.commitReceipt(kEcA, "VIEW-1", {"x"});
  const store::Delivery d = f.pendingDelivery(kEcA);
  std::string error;
  auto r = LedgerReceipt::fromDelivery(d, &error);
  REQUIRE(r);
  const ponte_ledger_receipt& a = r->abi();
  CHECK(a.struct_size == sizeof(ponte_ledger_receipt));
  CHECK(std::string(a.ec_fiscal_code.data) == kEcA);
  CHECK(std::string(a.idempotency_key.data) == std::string(kEcA) + ":VIEW-1");
  CHECK(a.idempotency_key.size == std::string(kEcA).size() + 7);
  CHECK(std::string(a.receipt_id.data) == "VIEW-1");
  CHECK(std::string(a.iuv.data) == d.receipt.iuv);
  CHECK(a.amount_cents == 10000);
  CHECK(a.fee_cents == 150);
  CHECK(std::string(a.payment_date_time.data) == "2026-11-22T10:11:12");
  REQUIRE(a.debtor != nullptr);
  CHECK(std::string(a.debtor->fiscal_code.data) == "RSSMRA80A01H501U");
  CHECK(std::string(a.debtor->type.data) == "F");
  REQUIRE(a.payer != nullptr);
  CHECK(std::string(a.payer->full_name.data) == "Mario Rossi");
  REQUIRE(a.transfer_count == 1);
  CHECK(std::string(a.transfers[0].iban.data) == "IT60X0542811101000000123456");
  CHECK(std::string(a.transfers[0].category.data) == "9/0101100IM/");
  CHECK(std::string(a.transfers[0].beneficiary_fiscal_code.data) == kEcA);
  CHECK(std::string(a.psp_id.data) == "BCITITMM");
  CHECK(std::string(a.psp_name.data) == "Banca Esempio");
  CHECK(a.double_payment == 0);
  CHECK(std::string(a.xml.data) == "<soapenv:Envelope>VIEW-1</soapenv:Envelope>");
  // Canonical: sorted keys, no spaces, stable.
  const std::string json(a.json.data, a.json.size);
  CHECK(json.rfind("{\"double_payment\":false,\"ec_fiscal_code\":\"80015010723\","
                   "\"idempotency_key\":\"80015010723:VIEW-1\",\"receipt\":{",
                   0) == 0);
  CHECK(json.find("\": ") == std::string::npos);
  CHECK(json.find(", \"") == std::string::npos);
  CHECK(LedgerReceipt::fromDelivery(d, &error)->json() == json);
  // The very bytes nlohmann::json writes for the same document.
  CHECK(nlohmann::json::parse(json).dump() == json);
  store::Delivery damaged = d;
  damaged.receipt_json = "{not json";
  CHECK(LedgerReceipt::fromDelivery(damaged, &error) == nullptr);
  CHECK_THAT(error, Contains("cannot be read back"));
}
