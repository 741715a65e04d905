// Reading "--name value", "--name=value", "-c value", flags and positionals.
#include "app/args.h"

namespace ponte::app {

Args::Args(std::vector<std::string> argv, std::set<std::string> value_options,
           std::set<std::string> flags, std::map<char, std::string> short_names) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      positional_.insert(positional_.end(), argv.begin() + static_cast<long>(i) + 1, argv.end());
      break;
    }
    std::string name;
    std::optional<std::string> inline_value;
    if (a.rfind("--", 0) == 0) {
      name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
    } else if (a.size() == 2 && a[0] == '-' && a[1] != '-') {
      auto it = short_names.find(a[1]);
      if (it == short_names.end()) {
        error_ = "unknown option " + a;
        return;
      }
      name = it->second;
    } else {
      positional_.push_back(a);
      continue;
    }
    if (flags.contains(name) || name == "help") {
      if (inline_value) {
        error_ = "option --" + name + " takes no value";
        return;
      }
      flags_.insert(name);
    } else if (value_options.contains(name)) {
      if (inline_value) {
        values_[name] = *inline_value;
      } else if (i + 1 < argv.size()) {
        values_[name] = argv[++i];
      } else {
        error_ = "option --" + name + " needs a value";
        return;
      }
    } else {
      error_ = "unknown option --" + name;
      return;
    }
  }
}

std::optional<std::string> Args::value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ponte::app
