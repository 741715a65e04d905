// Checks a JSON value against a schema of an OpenAPI 3 document, for tests whose loopback
// servers stand in for pagoPA services: what ponte sends must be what the contract says.
// Covers what those documents use: $ref, allOf, type, required, properties, items,
// min/maxItems, min/maxLength, minimum/maximum (exclusive as a boolean), enum, pattern.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ponte::test {

// Every way `value` breaks `schema` (empty when it conforms), each as "path: what". `document`
// is the whole OpenAPI document, for "#/components/schemas/..." references.
std::vector<std::string> checkAgainstSchema(const nlohmann::json& value,
                                            const nlohmann::json& schema,
                                            const nlohmann::json& document,
                                            const std::string& path = "$");

// The document read from a file; throws std::runtime_error when it cannot be read.
nlohmann::json loadOpenApi(const std::string& file);

}  // namespace ponte::test
