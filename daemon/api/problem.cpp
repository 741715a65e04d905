// JSON and problem+json answers.
#include "api/problem.h"

#include <nlohmann/json.hpp>

namespace ponte::api {

std::string_view statusTitle(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

net::HttpResponse jsonResponse(int status, const nlohmann::json& body) {
  net::HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  // Invalid UTF-8 from a stored document must not make dump() throw on an event loop.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

net::HttpResponse problemResponse(int status, std::string_view detail,
                                  const std::vector<FieldError>& errors) {
  nlohmann::json body = {{"title", statusTitle(status)}, {"status", status}, {"detail", detail}};
  if (!errors.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : errors) list.push_back({{"path", e.path}, {"message", e.message}});
    body["errors"] = std::move(list);
  }
  net::HttpResponse r = jsonResponse(status, body);
  r.content_type = "application/problem+json";
  return r;
}

net::HttpResponse notFound() { return problemResponse(404, "No such resource."); }

}  // namespace ponte::api
