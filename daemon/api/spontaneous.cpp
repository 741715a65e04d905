// A spontaneous payment made through the API.
#include "api/spontaneous.h"

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "core/notice_number.h"
#include "core/spontaneous_payment.h"
#include "core/utf8.h"

namespace ponte::api {
namespace {

using nlohmann::json;

// A string member of 1..max characters; absent is allowed unless required.
std::string member(const json& obj, const std::string& path, const char* key, std::size_t max,
                   bool required, std::vector<FieldError>& errors) {
  const std::string at = path.empty() ? key : path + "." + key;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) errors.push_back({at, "is required"});
    return {};
  }
  if (!it->is_string()) {
    errors.push_back({at, "must be a string"});
    return {};
  }
  std::string value = it->get<std::string>();
  const std::size_t n = core::utf8CountChars(value);
  if (n < 1 || n > max) {
    errors.push_back({at, "must be 1 to " + std::to_string(max) + " characters long"});
  }
  return value;
}

}  // namespace

void createSpontaneousRoute(ApiCall& call, const Respond& respond) {
  auto body = jsonBody(call, respond);
  if (!body) return;
  if (!body->is_object()) return respond(problemResponse(400, "the body must be a JSON object"));
  std::vector<FieldError> errors;
  const std::string id_servizio = member(*body, "", "idServizio", 5, true, errors);
  const std::string id_soggetto = member(*body, "", "idSoggettoServizio", 5, true, errors);
  const std::string reason = member(*body, "", "reason", 140, false, errors);
  std::optional<core::Cents> asked;
  if (auto it = body->find("amount"); it != body->end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
        it->get<std::int64_t>() > core::kMaxCents) {
      errors.push_back({"amount", "must be a positive integer (euro cents)"});
    } else {
      asked = it->get<std::int64_t>();
    }
  }
  core::Subject payer = core::anonymousDebtor();
  if (auto it = body->find("payer"); it != body->end() && !it->is_null()) {
    if (!it->is_object()) {
      errors.push_back({"payer", "must be an object"});
    } else {
      const std::string type = member(*it, "payer", "type", 1, false, errors);
      if (!type.empty() && type != "F" && type != "G") {
        errors.push_back({"payer.type", "must be F (natural person) or G (legal person)"});
      }
      payer.type = type.empty() ? 'F' : type[0];
      payer.fiscal_code = member(*it, "payer", "fiscalCode", 16, true, errors);
      payer.full_name = member(*it, "payer", "fullName", 70, true, errors);
      payer.email = member(*it, "payer", "email", 256, false, errors);
    }
  }
  if (!errors.empty()) return respond(problemResponse(400, "the request is not valid", errors));

  const core::EcInfo* ec = call.directory->ec(call.ec);
  const core::StationInfo* station = ec ? call.directory->station(ec->station_id) : nullptr;
  if (!station) return respond(notFound());
  const core::ServiceInfo* service = call.directory->service(*ec, id_servizio, id_soggetto);
  if (!service) {
    return respond(problemResponse(400, "the request is not valid",
                                   {{"idServizio", "service " + id_servizio + "/" + id_soggetto +
                                                       " is not in the EC's catalogue"}}));
  }
  auto amount = core::spontaneousAmount(*service, asked, "amount");
  if (auto* why = std::get_if<std::string>(&amount)) {
    return respond(problemResponse(400, "the request is not valid", {{"amount", *why}}));
  }
  auto make = [station = *station, ec = *ec, service = *service, cents = std::get<core::Cents>(amount),
               payer, today = call.today, reason](std::uint64_t seq) {
    return core::spontaneousPosition({station, ec, service, cents, payer, today, reason}, seq);
  };
  call.store.createWithSequence(
      call.ec, core::spontaneousCounter(*station), make,
      [respond, fiscal_code = call.ec](store::Result<core::DebtPosition> created) {
        if (!created) {
          switch (created.error().kind) {
            case store::ErrorKind::kConflict:
              return respond(problemResponse(
                  409, "the next spontaneous notice number is taken by an imported position"));
            case store::ErrorKind::kInvalid:
              // The counter went past the notice numbers the station's layout can hold.
              return respond(
                  problemResponse(409, "the station has no spontaneous notice numbers left"));
            default:
              return respond(unavailable());
          }
        }
        const core::DebtPosition& p = created.value();
        const core::PaymentOption& o = p.options[0];
        respond(jsonResponse(201, {{"organizationFiscalCode", fiscal_code},
                                   {"iupd", p.iupd},
                                   {"nav", o.nav},
                                   {"iuv", o.iuv},
                                   {"amount", o.amount},
                                   {"description", o.description},
                                   {"dueDate", o.due_date.iso()},
                                   {"status", std::string(core::toString(p.status))},
                                   {"qrCode", core::qrCodeText(o.nav, fiscal_code, o.amount)}}));
      });
}

}  // namespace ponte::api
