// Helpers of the plain request/response values a listener exchanges with its handler.
#include "net/http_exchange.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace ponte::net {

BodyFile::~BodyFile() { ::unlink(path.c_str()); }

std::string HttpRequest::header(std::string_view name) const {
  auto same = [&](const std::string& candidate) {
    return std::equal(candidate.begin(), candidate.end(), name.begin(), name.end(),
                      [](char a, char b) {
                        return std::tolower(static_cast<unsigned char>(a)) ==
                               std::tolower(static_cast<unsigned char>(b));
                      });
  };
  for (const auto& [key, value] : headers) {
    if (same(key)) return value;
  }
  return {};
}

}  // namespace ponte::net
