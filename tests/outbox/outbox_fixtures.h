// What the outbox tests share: a SQLite store in a temporary folder with receipts committed to
// it, a fake clock, a logger whose lines the test can read, and ledger routes made from the
// built-in adapters or the test plugins.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "ops/config.h"
#include "ops/log.h"
#include "outbox/ledger_route.h"
#include "outbox/ledger_set.h"
#include "store/store.h"
#include "store/store_fixtures.h"

namespace ponte::outbox::testing {

using store::testing::kEcA;
using store::testing::kEcB;

inline constexpr std::int64_t kT0 = 1'795'000'000'000;  // 2026-11-19, a fixed instant

// A test plugin's shared object, built next to the test binary.
std::string testPlugin(const std::string& name);

class OutboxFixture {
 public:
  OutboxFixture();
  ~OutboxFixture();

  // Commits a receipt for a fresh notice of the EC with these routes; returns its receipt id.
  std::string commitReceipt(const std::string& ec, const std::string& receipt_id,
                            std::vector<std::string> routes);
  // Every delivery of the EC in that state.
  std::vector<store::Delivery> deliveries(const std::string& ec, store::DeliveryState state);
  // The first pending delivery of the EC (fails the test when there is none).
  store::Delivery pendingDelivery(const std::string& ec);

  // A route of a built-in type (or a plugin file) with these options.
  std::unique_ptr<LedgerRoute> route(const std::string& name, ops::LedgerType type,
                                     LedgerOptions options, const std::string& plugin = "");
  // A folder inside the fixture's temporary folder, created.
  std::string folder(const std::string& name);
  // A file holding text, inside the temporary folder; returns its path.
  std::string file(const std::string& name, const std::string& text);
  // What was logged so far.
  std::string logText() const;

  store::testing::TempDir dir;
  std::unique_ptr<store::Store> store;
  core::FakeClock clock{kT0};
  std::unique_ptr<ops::Logger> log;

 private:
  int log_fd_ = -1;
  std::uint64_t serial_ = 7000;
};

}  // namespace ponte::outbox::testing
