// The spool and journal ledgers: whole files or none, idempotent per key, and what a crash in
// the middle of a write leaves behind.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "outbox/ledger_receipt.h"
#include "outbox_fixtures.h"
#include "store/receipt_json.h"

using namespace ponte;
using namespace ponte::outbox;
using namespace ponte::outbox::testing;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> filesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::unique_ptr<LedgerReceipt> view(const store::Delivery& d) {
  std::string error;
  auto r = LedgerReceipt::fromDelivery(d, &error);
  INFO(error);
  REQUIRE(r);
  return r;
}

// A delivery built in memory (no store), with a description of `padding` bytes to make writes
// long enough to be interrupted.
store::Delivery bigDelivery(const std::string& receipt_id, std::size_t padding) {
  auto w = store::testing::receiptFor(kEcA, store::testing::notice(9000).nav, receipt_id, kT0);
  w.receipt.description = std::string(padding, 'x');
  store::Delivery d;
  d.id = 1;
  d.ec_fiscal_code = kEcA;
  d.route = "spool";
  d.receipt.receipt_id = receipt_id;
  d.receipt.raw_xml = w.raw_xml;
  d.receipt_json = store::receiptToJson(w.receipt);
  return d;
}

}  // namespace

TEST_CASE("spool: one file per receipt, named by EC and receipt id; a present file counts",
          "[unit]") {
  OutboxFixture f;
  const std::string dir = f.folder("spool");
  f.commitReceipt(kEcA, "SPOOL/1 a", {"spool"});
  auto receipt = view(f.pendingDelivery(kEcA));
  auto route = f.route("spool", ops::LedgerType::kSpool, {{"directory", dir + "/"}});
  REQUIRE(route->deliver(*receipt).status == PONTE_LEDGER_OK);
  const std::string name = std::string(kEcA) + "_SPOOL%2F1%20a.json";  // no way out of the folder
  REQUIRE(filesIn(dir) == std::vector<std::string>{name});
  CHECK(readAll(dir + "/" + name) == receipt->json() + "\n");
  CHECK(nlohmann::json::parse(readAll(dir + "/" + name))["idempotency_key"] ==
        std::string(kEcA) + ":SPOOL/1 a");
  // Delivered again (after a crash): the file there counts, it is not rewritten.
  std::ofstream(dir + "/" + name, std::ios::trunc) << "kept";
  CHECK(route->deliver(*receipt).status == PONTE_LEDGER_OK);
  CHECK(readAll(dir + "/" + name) == "kept");
  CHECK(filesIn(dir + "/.ponte-tmp").empty());  // no temporary left
}

TEST_CASE("spool: the xml format writes the SOAP message as received", "[unit]") {
  OutboxFixture f;
  const std::string dir = f.folder("spool-xml");
  f.commitReceipt(kEcA, "SPOOL-X", {"spool"});
  auto receipt = view(f.pendingDelivery(kEcA));
  auto route =
      f.route("spool", ops::LedgerType::kSpool, {{"directory", dir}, {"format", "xml"}});
  REQUIRE(route->deliver(*receipt).status == PONTE_LEDGER_OK);
  CHECK(readAll(dir + "/" + kEcA + "_SPOOL-X.xml") ==
        "<soapenv:Envelope>SPOOL-X</soapenv:Envelope>");
}

TEST_CASE("spool: a folder that cannot be used is refused at create, a vanished one retried",
          "[unit]") {
  OutboxFixture f;
  std::string error;
  auto plugin = LedgerPlugin::fromEntry(builtinEntry(ops::LedgerType::kSpool), "built-in", &error);
  CHECK(LedgerRoute::create("s", plugin, {{"directory", f.dir.file("missing")}}, *f.log, &error) ==
        nullptr);
  CHECK_THAT(error, Contains("cannot use the directory"));
  CHECK(LedgerRoute::create("s", plugin, {{"directory", f.folder("d")}, {"format", "csv"}},
                            *f.log, &error) == nullptr);
  CHECK_THAT(error, Contains("json or xml"));
  const std::string dir = f.folder("gone");
  auto route = f.route("s", ops::LedgerType::kSpool, {{"directory", dir}});
  fs::remove_all(dir);
  f.commitReceipt(kEcA, "GONE", {"s"});
  LedgerResult r = route->deliver(*view(f.pendingDelivery(kEcA)));
  CHECK(r.status == PONTE_LEDGER_RETRY);
  CHECK_THAT(r.message, Contains(dir));
}

TEST_CASE("spool: files killed mid-write with SIGKILL are whole or absent", "[unit][slow]") {
  OutboxFixture f;
  const std::string dir = f.folder("crash");
  for (int round = 0; round < 3; ++round) {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // The child writes receipts of ~1 MB as fast as it can until it is killed.
      std::string error;
      auto plugin =
          LedgerPlugin::fromEntry(builtinEntry(ops::LedgerType::kSpool), "built-in", &error);
      auto route = LedgerRoute::create("spool", plugin, {{"directory", dir}}, *f.log, &error);
      if (!route) _exit(2);
      for (int i = 0;; ++i) {
        auto d = bigDelivery("R" + std::to_string(round) + "-" + std::to_string(i), 1 << 20);
        auto r = LedgerReceipt::fromDelivery(d, &error);
        if (!r || route->deliver(*r).status != PONTE_LEDGER_OK) _exit(3);
      }
    }
    // Kill it once it has written a few files, at a moment it is most likely inside a write.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (filesIn(dir).size() < static_cast<std::size_t>(3 * (round + 1)) &&
           std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      REQUIRE(waitpid(child, &status, WNOHANG) == 0);  // the child must still be writing
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(7 * round + 3));
    REQUIRE(kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
  }
  // Every file in the folder parses, and is the receipt its name says.
  const auto names = filesIn(dir);
  CHECK(names.size() >= 9);
  for (const std::string& name : names) {
    INFO(name);
    const std::string text = readAll(dir + "/" + name);
    REQUIRE(!text.empty());
    REQUIRE(text.back() == '\n');
    auto json = nlohmann::json::parse(text, nullptr, false);
    REQUIRE_FALSE(json.is_discarded());
    const std::string id = json["receipt"]["receipt_id"];
    CHECK(name == std::string(kEcA) + "_" + id + ".json");
    CHECK(json["receipt"]["description"].get<std::string>().size() == (1u << 20));
  }
  // The interrupted temporaries stay out of the folder's view; a new instance leaves young ones.
  auto route = f.route("spool", ops::LedgerType::kSpool, {{"directory", dir}});
  CHECK(filesIn(dir) == names);
}

TEST_CASE("journal: one CSV line per receipt in its payment day's file, once per key", "[unit]") {
  OutboxFixture f;
  const std::string dir = f.folder("journal");
  f.commitReceipt(kEcA, "J-1", {"j"});
  f.commitReceipt(kEcA, "J-2", {"j"});
  auto pending = f.deliveries(kEcA, store::DeliveryState::kPending);
  REQUIRE(pending.size() == 2);
  auto first = view(pending[0]);
  auto second = view(pending[1]);
  const std::string file = dir + "/journal-2026-11-22.csv";
  {
    auto route = f.route("j", ops::LedgerType::kJournal, {{"directory", dir}});
    CHECK(route->deliver(*first).status == PONTE_LEDGER_OK);
    CHECK(route->deliver(*first).status == PONTE_LEDGER_OK);
  }
  const std::string header =
      "payment_date,ec_fiscal_code,notice_number,iuv,amount,payer_fiscal_code,payer_name,psp_id,"
      "psp_name,transfers,idempotency_key\n";
  const std::string line1 = "2026-11-22,80015010723," + pending[0].receipt.notice_number + "," +
                            pending[0].receipt.iuv +
                            ",100.00,RSSMRA80A01H501U,Mario Rossi,BCITITMM,Banca Esempio,"
                            "1|80015010723|IT60X0542811101000000123456|9/0101100IM/|100.00,"
                            "80015010723:J-1\n";
  CHECK(readAll(file) == header + line1);

  // A crash cut the next line short: a new instance removes the half line and writes it whole,
  // and still knows the first key from the file.
  std::ofstream(file, std::ios::app) << "2026-11-22,80015010723,3010000";
  auto route = f.route("j", ops::LedgerType::kJournal, {{"directory", dir}});
  CHECK(route->deliver(*second).status == PONTE_LEDGER_OK);
  CHECK(route->deliver(*first).status == PONTE_LEDGER_OK);
  const std::string text = readAll(file);
  CHECK(text.rfind(header + line1, 0) == 0);
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
  CHECK_THAT(text, Contains("80015010723:J-2\n"));
  CHECK(text.substr((header + line1).size())
            .rfind("2026-11-22,80015010723," + pending[1].receipt.notice_number + ",", 0) == 0);
}

TEST_CASE("journal: fields with commas and quotes are quoted", "[unit]") {
  OutboxFixture f;
  const std::string dir = f.folder("journal-q");
  auto w = store::testing::receiptFor(kEcA, store::testing::notice(9100).nav, "Q-1", kT0, {"j"});
  w.receipt.payer->full_name = "Rossi, \"Mario\"";
  REQUIRE(store::testing::commit(*f.store, w).ok());
  auto route = f.route("j", ops::LedgerType::kJournal, {{"directory", dir}});
  CHECK(route->deliver(*view(f.pendingDelivery(kEcA))).status == PONTE_LEDGER_OK);
  CHECK_THAT(readAll(dir + "/journal-2026-11-22.csv"), Contains(",\"Rossi, \"\"Mario\"\"\","));
}
