// How a load run is reported: one line of text for people, a JSON document for scripts.
#pragma once

#include <string>

#include "load_generator.h"
#include "options.h"

namespace ponte::bench {

// One line: label, scenario, throughput, counts, errors by kind, latency percentiles.
std::string textReport(const Options& options, const LoadResult& result);

// The JSON document of a run (see --help for its fields). Returns false with *error set when
// the file cannot be written.
bool writeJsonReport(const Options& options, const LoadResult& result, const std::string& file,
                     std::string* error);

}  // namespace ponte::bench
