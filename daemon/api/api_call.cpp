// Helpers shared by the route handlers.
#include "api/api_call.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "api/problem.h"

namespace ponte::api {

const std::string& ApiCall::param(std::string_view name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

std::optional<std::string> ApiCall::queryValue(std::string_view name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

GpdContext ApiCall::gpdContext() const { return gpdContextFor(*directory, ec); }

std::int64_t queryInteger(const ApiCall& call, std::string_view name, std::int64_t fallback,
                          std::int64_t min, std::int64_t max, std::vector<FieldError>& errors) {
  auto text = call.queryValue(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    errors.push_back({std::string(name), "must be an integer from " + std::to_string(min) +
                                             " to " + std::to_string(max)});
    return fallback;
  }
  return value;
}

bool queryBoolean(const ApiCall& call, std::string_view name, bool fallback,
                  std::vector<FieldError>& errors) {
  auto text = call.queryValue(name);
  if (!text) return fallback;
  if (*text == "true") return true;
  if (*text == "false") return false;
  errors.push_back({std::string(name), "must be true or false"});
  return fallback;
}

std::optional<core::Date> queryDate(const ApiCall& call, std::string_view name,
                                    std::vector<FieldError>& errors) {
  auto text = call.queryValue(name);
  if (!text) return std::nullopt;
  auto date = text->size() == 10 ? core::Date::parse(*text) : std::nullopt;
  if (!date) errors.push_back({std::string(name), "must be a date (YYYY-MM-DD)"});
  return date;
}

std::optional<nlohmann::json> jsonBody(const ApiCall& call, const Respond& respond) {
  nlohmann::json body =
      nlohmann::json::parse(call.request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    respond(problemResponse(400, "the body is not valid JSON"));
    return std::nullopt;
  }
  return body;
}

net::HttpResponse unavailable() {
  net::HttpResponse r = problemResponse(503, "the database is not available now: try again later");
  r.headers.emplace_back("Retry-After", "5");
  return r;
}

}  // namespace ponte::api
