// Building the Directory (who is served) from the configuration.
#pragma once

#include <memory>

#include "app/directory.h"
#include "app/gpd_json.h"
#include "ops/config.h"

namespace ponte::app {

// The broker, stations and ECs of a validated configuration, ready for lookups.
std::shared_ptr<const Directory> buildDirectory(const ops::Config& config);

// How positions of this EC are read: its aux digit and application code, its name.
GpdContext gpdContextFor(const Directory& directory, const std::string& ec_fiscal_code);

}  // namespace ponte::app
