// The service-specific data of a spontaneous payment request (datiSpecificiServizioRequest):
// a small XML document `<service xmlns="http://PuntoAccessoPSP.spcoop.gov.it/GeneralService">`
// with one element per field, read with bounds and no DTDs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ponte::app {

// The namespace GPD uses for the generic service document.
inline constexpr std::string_view kGeneralServiceNs =
    "http://PuntoAccessoPSP.spcoop.gov.it/GeneralService";

// The leaf elements under the root, by local name (first occurrence wins).
using ServiceFields = std::map<std::string, std::string, std::less<>>;

// Parses the document: at most 64 KiB, 8 levels, 100 elements, a root named `service` in the
// general-service namespace or in none. Returns the fields, or a short reason fit for the node.
std::variant<ServiceFields, std::string> parseServiceData(std::string_view xml);

}  // namespace ponte::app
