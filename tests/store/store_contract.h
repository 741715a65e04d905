// The store contract suite runs every case against every registered engine: an engine's test
// file registers a factory of harnesses (a fresh database each) and gets the whole suite.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace ponte::store::testing {

// One empty database of one engine, which the suite may open, close and reopen.
class EngineHarness {
 public:
  virtual ~EngineHarness() = default;
  // Opens a store on this harness's database; fails the test (throws) when it cannot. At most
  // one store is open at a time: the suite destroys the previous one before reopening.
  virtual std::unique_ptr<Store> open() = 0;
  // Opens without throwing: nullptr and *error filled when the engine refuses the database.
  virtual std::unique_ptr<Store> tryOpen(Error* error) = 0;
  // Marks the (closed) database as written by a newer ponte: its schema version goes above the
  // binary's, so the next open must be refused.
  virtual void makeSchemaNewer() = 0;
};

struct Engine {
  std::string name;
  // A harness over a fresh, empty database. Throws when the engine cannot run here.
  std::function<std::unique_ptr<EngineHarness>()> make;
};

// Adds an engine to the suite; call it from a static initializer. Returns true.
bool registerEngine(Engine engine);

// Runs fn once per registered engine, each in a Catch section named after the engine.
void forEachEngine(const std::function<void(EngineHarness&)>& fn);

}  // namespace ponte::store::testing
