// The request target of an API call split into decoded path segments and query parameters.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ponte::api {

struct HttpTarget {
  std::vector<std::string> segments;  // "/a/b%20c" -> {"a", "b c"}; empty segments are kept
  std::map<std::string, std::string, std::less<>> query;  // the first value of each name
};

// Splits "/path?name=value&..." and percent-decodes each segment, name and value ('+' is a
// space in the query only). nullopt when the target does not start with '/', a %-escape is
// malformed, or a decoded segment holds '/' or a control character.
std::optional<HttpTarget> parseTarget(std::string_view target);

}  // namespace ponte::api
