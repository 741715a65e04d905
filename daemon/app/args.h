// A small command-line reader: options with values, flags and positional arguments, with errors
// that name the option. Enough for ponte's subcommands; no global state.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ponte::app {

class Args {
 public:
  // value_options take a value ("--ec 800..." or "--ec=800..."); flags take none. Both are given
  // by long name without dashes; `short_names` maps one-letter aliases ("c" -> "config").
  Args(std::vector<std::string> argv, std::set<std::string> value_options, std::set<std::string> flags,
       std::map<char, std::string> short_names = {{'c', "config"}, {'h', "help"}});

  // Empty when the command line was read; else what is wrong with it.
  const std::string& error() const { return error_; }
  bool has(const std::string& name) const { return values_.contains(name) || flags_.contains(name); }
  std::optional<std::string> value(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::string error_;
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

}  // namespace ponte::app
