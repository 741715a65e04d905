// One API request as a route handler sees it: the authorized EC, the path and query parameters,
// the body, today's date and the services it may use. Handlers never see a socket.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "api/gpd_json.h"
#include "core/clock.h"
#include "core/directory.h"
#include "net/http_exchange.h"
#include "ops/config.h"
#include "store/store.h"

namespace ponte::api {

// Sends the answer; called exactly once, from any thread.
using Respond = std::function<void(net::HttpResponse)>;

struct ApiCall {
  store::Store& store;
  std::shared_ptr<const core::Directory> directory;  // the one current when the request started
  const ops::ApiLimitsConfig& limits;
  std::string ec;  // {organizationfiscalcode}: served and enabled for the caller
  std::map<std::string, std::string, std::less<>> params;  // the other path parameters
  std::map<std::string, std::string, std::less<>> query;
  const net::HttpRequest& request;
  std::int64_t now_unix_ms = 0;
  core::Date today;  // the Rome day of now_unix_ms

  const std::string& param(std::string_view name) const;
  // The query parameter, or nullopt when absent.
  std::optional<std::string> queryValue(std::string_view name) const;
  // How the EC reads GPD positions (aux digit, application code, name).
  GpdContext gpdContext() const;
};

// Query parameter readers: each adds a FieldError named after the parameter when the value is
// malformed, and returns the fallback then (and when the parameter is absent).
std::int64_t queryInteger(const ApiCall& call, std::string_view name, std::int64_t fallback,
                          std::int64_t min, std::int64_t max, std::vector<FieldError>& errors);
bool queryBoolean(const ApiCall& call, std::string_view name, bool fallback,
                  std::vector<FieldError>& errors);
std::optional<core::Date> queryDate(const ApiCall& call, std::string_view name,
                                    std::vector<FieldError>& errors);

// The body as a JSON value; nullopt (and a 400 answer sent) when it is not JSON.
std::optional<nlohmann::json> jsonBody(const ApiCall& call, const Respond& respond);

// The answer to a store failure that is not the caller's fault (kUnavailable, kFatal): 503.
net::HttpResponse unavailable();

}  // namespace ponte::api
