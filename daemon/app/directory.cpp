// Directory from the parsed configuration.
#include "app/directory_builder.h"

namespace ponte::app {

std::shared_ptr<const Directory> buildDirectory(const ops::Config& config) {
  auto dir = std::make_shared<Directory>();
  dir->broker_id = config.broker.id;
  for (const auto& s : config.stations) {
    StationInfo info;
    info.id = s.id;
    info.primitive_version = s.primitive_version;
    info.aux_digit = s.aux_digit;
    info.code = s.aux_digit == 3 ? s.segregation_code : s.aux_digit == 0 ? s.application_code : "";
    info.duplicate_receipt_ko = s.duplicate_receipt_answer == ops::DuplicateReceiptAnswer::kReceiptDuplicata;
    info.broadcast = s.broadcast;
    dir->stations.emplace(info.id, std::move(info));
  }
  for (const auto& e : config.creditor_institutions) {
    EcInfo info;
    info.fiscal_code = e.fiscal_code;
    info.name = e.name;
    info.office = e.office;
    info.station_id = e.station;
    info.iban = e.iban;
    info.postal_iban = e.postal_iban;
    info.ledger_routes = e.ledger_routes;
    for (const auto& s : e.services) {
      ServiceInfo svc{};
      svc.id_servizio = s.id_servizio;
      svc.id_soggetto_servizio = s.id_soggetto_servizio;
      svc.description = s.description;
      svc.category = s.category;
      svc.remittance = s.remittance;
      if (s.amount.kind == ops::ServiceAmountConfig::Kind::kFixed) {
        svc.fixed_amount = s.amount.fixed;
      } else {
        svc.amount_field = s.amount.from_field;
        svc.min_amount = s.amount.min;
        svc.max_amount = s.amount.max;
      }
      svc.due_days = s.due_days;
      info.services.push_back(std::move(svc));
    }
    dir->ecs.emplace(info.fiscal_code, std::move(info));
  }
  return dir;
}

}  // namespace ponte::app
