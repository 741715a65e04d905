// The rules of spontaneous payments, shared by paDemandPaymentNotice and the API.
#include "core/spontaneous_payment.h"

namespace ponte::core {

std::variant<Cents, std::string> spontaneousAmount(const ServiceInfo& service,
                                                   std::optional<Cents> asked,
                                                   std::string_view field) {
  if (service.fixed_amount) {
    if (asked && *asked != *service.fixed_amount) {
      return std::string(field) + " must be " + formatAmount(*service.fixed_amount) +
             ", the fixed amount of this service";
    }
    return *service.fixed_amount;
  }
  if (!asked) return std::string(field) + " is required by this service";
  if (*asked < service.min_amount || *asked > service.max_amount) {
    return std::string(field) + " is outside the amounts allowed for this service";
  }
  return *asked;
}

std::optional<NoticeNumber> spontaneousNotice(const StationInfo& station, std::uint64_t seq) {
  const std::size_t width = station.aux_digit == 2 ? 15 : station.aux_digit == 1 ? 17 : 13;
  const std::string digits = std::to_string(seq);
  if (digits.size() > width - 1) return std::nullopt;
  const std::string base = "7" + std::string(width - 1 - digits.size(), '0') + digits;
  const bool has_code = station.aux_digit == 0 || station.aux_digit == 3;
  return buildNoticeNumber(station.aux_digit,
                           has_code ? std::string_view(station.code) : std::string_view(), base);
}

std::string spontaneousCounter(const StationInfo& station) { return "spontaneous:" + station.id; }

Subject anonymousDebtor() {
  Subject debtor;
  debtor.type = 'F';
  debtor.fiscal_code = "ANONIMO";
  debtor.full_name = "ANONIMO";
  return debtor;
}

DebtPosition spontaneousPosition(const SpontaneousRequest& request, std::uint64_t seq) {
  const StationInfo& station = request.station;
  const EcInfo& ec = request.ec;
  const ServiceInfo& service = request.service;
  DebtPosition p;
  p.ec_fiscal_code = ec.fiscal_code;
  p.iupd = "ponte-spontaneous-" + station.id + "-" + std::to_string(seq);
  p.debtor = request.debtor;
  p.company_name = ec.name;
  p.office_name = ec.office;
  p.status = PositionStatus::kValid;
  PaymentOption o;
  if (auto nav = spontaneousNotice(station, seq)) {
    o.nav = nav->nav;
    o.iuv = nav->iuv;
  }
  o.amount = request.amount;
  o.description = request.reason.empty() ? service.description : request.reason;
  o.due_date = request.today.plusDays(service.due_days);
  Transfer t;
  t.id_transfer = 1;
  t.amount = request.amount;
  t.organization_fiscal_code = ec.fiscal_code;
  t.company_name = ec.name;
  t.iban = ec.iban;
  t.postal_iban = ec.postal_iban;
  t.remittance_information = service.remittance.empty() ? service.description : service.remittance;
  t.category = service.category;
  o.transfers.push_back(std::move(t));
  p.options.push_back(std::move(o));
  return p;
}

}  // namespace ponte::core
