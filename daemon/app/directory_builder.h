// Building the Directory (who is served) from the configuration.
#pragma once

#include <memory>

#include "app/directory.h"
#include "ops/config.h"

namespace ponte::app {

// The broker, stations and ECs of a validated configuration, ready for lookups.
std::shared_ptr<const Directory> buildDirectory(const ops::Config& config);

}  // namespace ponte::app
