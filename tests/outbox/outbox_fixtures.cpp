// Outbox test fixtures.
#include "outbox_fixtures.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "outbox/ledger_plugin.h"
#include "store/sqlite_store.h"

namespace ponte::outbox::testing {

std::string testPlugin(const std::string& name) {
  return std::string(PONTE_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

OutboxFixture::OutboxFixture() {
  store::SqliteOptions options;
  options.path = dir.file("ponte.db");
  store::Error error;
  store = store::openSqliteStore(options, &error);
  if (!store) throw std::runtime_error("cannot open the test store: " + error.message);
  log_fd_ = ::open(dir.file("log.txt").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  log = std::make_unique<ops::Logger>(ops::LogLevel::kDebug, log_fd_);
}

OutboxFixture::~OutboxFixture() {
  store.reset();
  log.reset();
  if (log_fd_ >= 0) ::close(log_fd_);
}

std::string OutboxFixture::commitReceipt(const std::string& ec, const std::string& receipt_id,
                                         std::vector<std::string> routes) {
  auto w = store::testing::receiptFor(ec, store::testing::notice(serial_++).nav, receipt_id,
                                      clock.nowUnixMs(), std::move(routes));
  auto r = store::testing::commit(*store, std::move(w));
  if (!r) throw std::runtime_error("commit: " + r.error().message);
  return receipt_id;
}

std::vector<store::Delivery> OutboxFixture::deliveries(const std::string& ec,
                                                       store::DeliveryState state) {
  auto r = store->listDeliveries(ec, state, 0, 1000);
  if (!r) throw std::runtime_error("list: " + r.error().message);
  return r.value();
}

store::Delivery OutboxFixture::pendingDelivery(const std::string& ec) {
  auto all = deliveries(ec, store::DeliveryState::kPending);
  REQUIRE_FALSE(all.empty());
  return all.front();
}

std::unique_ptr<LedgerRoute> OutboxFixture::route(const std::string& name, ops::LedgerType type,
                                                  LedgerOptions options,
                                                  const std::string& plugin) {
  std::string error;
  auto p = type == ops::LedgerType::kPlugin
               ? LedgerPlugin::open(plugin, &error)
               : LedgerPlugin::fromEntry(builtinEntry(type), "built-in", &error);
  INFO(error);
  REQUIRE(p);
  auto r = LedgerRoute::create(name, p, std::move(options), *log, &error);
  INFO(error);
  REQUIRE(r);
  return r;
}

std::string OutboxFixture::folder(const std::string& name) {
  const std::string path = dir.file(name);
  std::filesystem::create_directories(path);
  return path;
}

std::string OutboxFixture::file(const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string OutboxFixture::logText() const {
  std::ifstream in(dir.file("log.txt"), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace ponte::outbox::testing
