// Who ponte serves: the broker, its stations and the ECs behind them with their service
// catalogues, resolved from the config for fast lookups on every request (node and API).
// Immutable once built; a reload builds a new one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/money.h"

namespace ponte::core {

struct StationInfo {
  std::string id;
  int primitive_version = 2;
  int aux_digit = 3;
  std::string code;  // segregation code (aux 3) or application code (aux 0), else empty
  bool duplicate_receipt_ko = false;  // answer PAA_RECEIPT_DUPLICATA to a double payment
  bool broadcast = false;
};

// A service of the EC's catalogue, for spontaneous payments (paDemandPaymentNotice).
struct ServiceInfo {
  std::string id_servizio;
  std::string id_soggetto_servizio;
  std::string description;
  std::string category;
  std::string remittance;
  std::optional<core::Cents> fixed_amount;  // else the amount comes from amount_field
  std::string amount_field;
  core::Cents min_amount = 1;
  core::Cents max_amount = core::kMaxCents;
  int due_days = 30;
};

struct EcInfo {
  std::string fiscal_code;
  std::string name;
  std::string office;
  std::string station_id;
  std::string iban;
  std::string postal_iban;
  std::vector<std::string> ledger_routes;
  std::vector<ServiceInfo> services;
};

class Directory {
 public:
  std::string broker_id;
  std::unordered_map<std::string, StationInfo> stations;
  std::unordered_map<std::string, EcInfo> ecs;

  const StationInfo* station(const std::string& id) const {
    auto it = stations.find(id);
    return it == stations.end() ? nullptr : &it->second;
  }
  const EcInfo* ec(const std::string& fiscal_code) const {
    auto it = ecs.find(fiscal_code);
    return it == ecs.end() ? nullptr : &it->second;
  }
  const ServiceInfo* service(const EcInfo& ec, const std::string& id_servizio,
                             const std::string& id_soggetto_servizio) const {
    for (const auto& s : ec.services) {
      if (s.id_servizio == id_servizio && s.id_soggetto_servizio == id_soggetto_servizio) return &s;
    }
    return nullptr;
  }
};

}  // namespace ponte::core
