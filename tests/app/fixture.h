// A ready world for application tests: the demo configuration, a fresh SQLite store in a temp
// directory loaded with the demo positions of 2026-11-22, a fake clock on that day.
#pragma once

#include <memory>
#include <string>

#include "app/clock.h"
#include "app/directory.h"
#include "app/node_operations.h"
#include "ops/config.h"
#include "store/store.h"

namespace ponte::testing {

// Noon in Rome on 2026-11-22, the day the fixture's positions are dated around.
inline constexpr std::int64_t kFixtureNowMs = 1'795'345'200'000;  // 2026-11-22T11:00:00Z

inline constexpr const char* kBroker = "15376371009";
inline constexpr const char* kStation1 = "15376371009_01";
inline constexpr const char* kStation2 = "15376371009_02";
inline constexpr const char* kValbruna = "80015010723";
inline constexpr const char* kMonteverde = "83000390019";

// Demo notices (see config/make-demo-positions.py).
inline constexpr const char* kSingle = "301000000000012373";
inline constexpr const char* kImuSingle = "301000000000020158";
inline constexpr const char* kImuRata1 = "301000000000020259";
inline constexpr const char* kFine = "301000000000030165";
inline constexpr const char* kExpired = "301000000000040172";
inline constexpr const char* kCancelled = "301000000000050179";
inline constexpr const char* kPaid = "301000000000060186";
inline constexpr const char* kTari = "301000000000070100";
inline constexpr const char* kPostal = "301000000000080107";
inline constexpr const char* kDraft = "301000000000090114";
inline constexpr const char* kCoercive = "301000000000100121";
inline constexpr const char* kStamp = "301000000000110128";
inline constexpr const char* kMonteverde1 = "302000000000120175";

class Fixture {
 public:
  Fixture();
  ~Fixture();

  ops::Config config;
  std::string dir;
  std::unique_ptr<store::Store> store;
  app::FakeClock clock{kFixtureNowMs};
  std::shared_ptr<const app::Directory> directory;
  std::unique_ptr<app::NodeOperations> operations;

  core::Caller caller(const char* ec = kValbruna, const char* station = kStation1) const {
    return core::Caller{ec, kBroker, station};
  }
};

}  // namespace ponte::testing
