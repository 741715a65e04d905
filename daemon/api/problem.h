// API answers: JSON bodies, and errors as RFC 7807 problem documents (application/problem+json)
// with GPD's ProblemJson fields (title, status, detail) and the path of every field at fault.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/gpd_json.h"
#include "net/http_exchange.h"

namespace ponte::api {

// A JSON answer (application/json).
net::HttpResponse jsonResponse(int status, const nlohmann::json& body);

// A problem answer: {"title", "status", "detail"} plus, when errors is not empty,
// "errors": [{"path", "message"}]. detail is for the caller: short and factual, nothing internal.
net::HttpResponse problemResponse(int status, std::string_view detail,
                                  const std::vector<FieldError>& errors = {});

// The one 404 of the API, whatever the reason (no such position, receipt or debtor, or an EC
// the caller may not see): the answers must not tell the reasons apart.
net::HttpResponse notFound();

// The reason phrase of a status used by the API ("Not Found").
std::string_view statusTitle(int status);

}  // namespace ponte::api
