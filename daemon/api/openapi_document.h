// The OpenAPI 3 document of the back-office API (daemon/api/openapi.json), compiled in so the
// daemon serves exactly the file the tests check.
#pragma once

#include <string_view>

namespace ponte::api {

extern const std::string_view kOpenApiDocument;

}  // namespace ponte::api
