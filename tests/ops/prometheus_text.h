// A small parser of the Prometheus text exposition format, for tests that read /metrics.
#pragma once

#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ponte::ops::testing {

struct Exposition {
  std::map<std::string, std::string> types;  // family -> counter | gauge | histogram
  std::map<std::string, double> samples;     // "name{labels}" exactly as written -> value
};

// Parses the text; throws std::runtime_error on a line that is not a comment, blank or a sample.
inline Exposition parsePrometheusText(const std::string& text) {
  Exposition e;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      if (type != "counter" && type != "gauge" && type != "histogram")
        throw std::runtime_error("bad TYPE: " + line);
      e.types[name] = type;
      continue;
    }
    if (line[0] == '#') continue;
    // name{labels} value — label values may contain spaces, so split at the last space.
    const auto space = line.rfind(' ');
    if (space == std::string::npos) throw std::runtime_error("bad sample: " + line);
    const std::string series = line.substr(0, space);
    const std::string value = line.substr(space + 1);
    const auto brace = series.find('{');
    const std::string name = series.substr(0, brace);
    if (name.empty() || (brace != std::string::npos && series.back() != '}'))
      throw std::runtime_error("bad series: " + line);
    e.samples[series] = value == "+Inf" ? 1e300 : std::stod(value);
  }
  return e;
}

}  // namespace ponte::ops::testing
