// The application test fixture.
#include "fixture.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "api/gpd_json.h"
#include "app/directory_builder.h"
#include "faulty_vfs.h"
#include "store/sqlite_store.h"

namespace ponte::testing {

Fixture::Fixture() {
  auto parsed = ops::parseConfig(PONTE_SOURCE_DIR "/config/demo.yaml");
  if (!parsed.ok()) throw std::runtime_error("demo.yaml: " + parsed.errors.front().text());
  config = std::move(*parsed.config);
  char tmpl[] = "/tmp/ponte-app-test-XXXXXX";
  dir = mkdtemp(tmpl);
  config.storage.path = dir + "/ponte.db";
  store::Error error;
  store::SqliteOptions options;
  options.path = config.storage.path;
  // Through the fault-injecting VFS, so a test can make the disk fail (it passes all through
  // until armed).
  options.vfs = store::testing::FaultyVfs::name();
  store = store::openSqliteStore(options, &error);
  if (!store) throw std::runtime_error("store: " + error.message);
  directory = app::buildDirectory(config);
  for (const char* ec : {kValbruna, kMonteverde}) {
    std::ifstream in(std::string(PONTE_FIXTURE_DIR) + "/" + ec + ".json");
    auto positions = nlohmann::json::parse(in);
    api::GpdContext context = api::gpdContextFor(*directory, ec);
    context.accept_status = true;
    for (const auto& p : positions) {
      auto position = api::positionFromGpd(p, context);
      if (!std::holds_alternative<core::DebtPosition>(position)) {
        throw std::runtime_error("fixture position rejected: " + p.value("iupd", std::string()) + ": " +
                                 std::get<1>(position).front().path + " " + std::get<1>(position).front().message);
      }
      auto stored = store->upsertPosition(std::get<core::DebtPosition>(position));
      if (!stored) throw std::runtime_error("fixture upsert: " + stored.error().message);
    }
  }
  operations = std::make_unique<app::NodeOperations>(directory, *store, clock);
}

Fixture::~Fixture() {
  operations.reset();
  store.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace ponte::testing
