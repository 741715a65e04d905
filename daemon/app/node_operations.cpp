// The decisions behind the six paForNode operations. Reads are synchronous on the caller's
// thread; receipts and spontaneous positions complete on a store thread once durable.
#include "app/node_operations.h"

#include <chrono>
#include <cstdio>

#include "app/service_data.h"
#include "core/amount_schedule.h"
#include "core/notice_number.h"
#include "core/payability.h"
#include "core/spontaneous_payment.h"
#include "core/stand_in_probe.h"

namespace ponte::app {
namespace {

using core::Fault;
using core::FaultCode;

Fault fault(FaultCode code, std::string description) { return Fault{code, std::move(description), {}}; }

bool allPostal(const core::PaymentOption& option) {
  for (const auto& t : option.transfers) {
    if (t.postal_iban.empty() || t.stamp) return false;
  }
  return !option.transfers.empty();
}

std::string companyOf(const core::DebtPosition& position, const EcInfo& ec) {
  return position.company_name.empty() ? ec.name : position.company_name;
}
std::string officeOf(const core::DebtPosition& position, const EcInfo& ec) {
  return position.office_name.empty() ? ec.office : position.office_name;
}

// The date until which today's amount holds: the end of the current schedule step, or the
// option's due date.
core::Date dueDateOf(const core::PaymentOption& option, core::Date today) {
  for (const auto& step : option.schedule) {
    if (step.until && *step.until >= today) return *step.until;
  }
  return option.due_date;
}

double secondsSince(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

void NodeOperations::setStoreTiming(StoreTiming timing) { store_timing_ = std::move(timing); }

NodeOperations::NodeOperations(std::shared_ptr<const Directory> directory, store::Store& store,
                               const Clock& clock)
    : directory_(std::move(directory)), store_(store), clock_(clock) {}

void NodeOperations::setDirectory(std::shared_ptr<const Directory> directory) {
  std::atomic_store(&directory_, std::move(directory));
}

std::shared_ptr<const Directory> NodeOperations::directory() const {
  return std::atomic_load(&directory_);
}

std::string NodeOperations::faultId(const core::Caller& caller) const {
  auto dir = directory();
  if (dir->ec(caller.id_pa)) return caller.id_pa;
  return dir->broker_id;
}

std::variant<NodeOperations::Resolved, Fault> NodeOperations::resolve(
    const core::Caller& caller) const {
  Resolved r;
  r.directory = directory();
  if (caller.id_broker_pa != r.directory->broker_id) {
    return fault(FaultCode::kIdIntermediarioErrato,
                 "idBrokerPA " + caller.id_broker_pa + " is not the intermediary of this service");
  }
  r.station = r.directory->station(caller.id_station);
  if (!r.station) {
    return fault(FaultCode::kStazioneIntErrata, "idStation " + caller.id_station + " is not a station of this intermediary");
  }
  r.ec = r.directory->ec(caller.id_pa);
  if (!r.ec) return fault(FaultCode::kIdDominioErrato, "idPA " + caller.id_pa + " is not served by this intermediary");
  if (r.ec->station_id != r.station->id) {
    return fault(FaultCode::kIdDominioErrato,
                 "idPA " + caller.id_pa + " is not served on station " + caller.id_station);
  }
  return r;
}

std::variant<std::pair<NodeOperations::Resolved, store::NoticeMatch>, Fault>
NodeOperations::findPayable(const core::Caller& caller, const core::QrCode& qr) {
  auto resolved = resolve(caller);
  if (auto* f = std::get_if<Fault>(&resolved)) return *f;
  auto& r = std::get<Resolved>(resolved);
  if (qr.fiscal_code != caller.id_pa) {
    return fault(FaultCode::kIdDominioErrato, "qrCode fiscalCode " + qr.fiscal_code + " differs from idPA " + caller.id_pa);
  }
  // The stand-in exit probe must be answered at once, without touching the store.
  if (core::isStandInProbe(qr.notice_number)) {
    return fault(FaultCode::kPagamentoSconosciuto, "stand-in probe notice");
  }
  auto parsed = core::parseNoticeNumber(qr.notice_number);
  if (!parsed) {
    return fault(FaultCode::kPagamentoSconosciuto, "notice number " + qr.notice_number + " is unknown (check digits do not match)");
  }
  if (parsed->aux_digit != r.station->aux_digit ||
      ((parsed->aux_digit == 0 || parsed->aux_digit == 3) && parsed->code != r.station->code)) {
    return fault(FaultCode::kPagamentoSconosciuto,
                 "notice number " + qr.notice_number + " is not managed by station " + r.station->id);
  }
  const auto read_started = std::chrono::steady_clock::now();
  auto found = store_.findByNotice(caller.id_pa, qr.notice_number);
  if (store_timing_) store_timing_("find_notice", secondsSince(read_started));
  if (!found) return fault(FaultCode::kSystemError, "the service is temporarily unable to read positions");
  if (!found.value()) {
    return fault(FaultCode::kPagamentoSconosciuto, "notice number " + qr.notice_number + " is unknown to the EC");
  }
  store::NoticeMatch match = std::move(*found.value());
  const core::Date today = romeDate(clock_.nowUnixMs());
  if (auto f = core::checkPayable(match.position, match.option_index, today)) return *f;
  return std::pair{std::move(r), std::move(match)};
}

core::Answer<core::VerifyResult> NodeOperations::verify(const core::VerifyRequest& request) {
  auto found = findPayable(request.caller, request.qr);
  if (auto* f = std::get_if<Fault>(&found)) return *f;
  auto& [r, match] = std::get<0>(found);
  const core::PaymentOption& option = match.position.options[match.option_index];
  const core::Date today = romeDate(clock_.nowUnixMs());
  const core::DueAmount due = core::amountDue(option, today);

  core::VerifyResult result;
  result.option.amount = due.amount;
  result.option.due_date = dueDateOf(option, today);
  result.option.detail_description = option.description;
  result.option.all_ccp = allPostal(option);
  result.payment_description = option.description;
  result.fiscal_code_pa = request.caller.id_pa;
  result.company_name = companyOf(match.position, *r.ec);
  result.office_name = officeOf(match.position, *r.ec);
  return result;
}

core::Answer<core::PaymentData> NodeOperations::getPayment(const core::GetPaymentRequest& request) {
  auto found = findPayable(request.caller, request.qr);
  if (auto* f = std::get_if<Fault>(&found)) return *f;
  auto& [r, match] = std::get<0>(found);
  const core::PaymentOption& option = match.position.options[match.option_index];
  const std::int64_t now = clock_.nowUnixMs();
  const core::Date today = romeDate(now);
  const core::DueAmount due = core::amountDue(option, today);

  core::PaymentData data;
  data.creditor_reference_id = option.iuv;
  data.payment_amount = due.amount;
  data.due_date = dueDateOf(option, today);
  if (option.retention_date) data.retention_date = option.retention_date->iso() + "T23:59:59";
  data.last_payment = false;
  data.description = option.description;
  data.company_name = companyOf(match.position, *r.ec);
  data.office_name = officeOf(match.position, *r.ec);
  data.debtor = match.position.debtor;
  data.metadata = option.metadata;
  for (std::size_t i = 0; i < option.transfers.size(); ++i) {
    const core::Transfer& t = option.transfers[i];
    core::PaymentTransfer out;
    out.id_transfer = t.id_transfer;
    out.amount = i < due.transfer_amounts.size() ? due.transfer_amounts[i] : t.amount;
    out.fiscal_code_pa = t.organization_fiscal_code;
    out.remittance_information = t.remittance_information;
    out.category = t.category;
    out.metadata = t.metadata;
    if (!t.company_name.empty()) {
      out.company_name = t.company_name;
    } else if (const EcInfo* beneficiary = r.directory->ec(t.organization_fiscal_code)) {
      out.company_name = beneficiary->name;
    } else {
      out.company_name = data.company_name;
    }
    if (t.stamp) {
      if (!request.v2) {
        return fault(FaultCode::kSemantica,
                     "transfer " + std::to_string(t.id_transfer) + " is a digital stamp: it needs paGetPaymentV2");
      }
      out.stamp = t.stamp;
    } else {
      switch (request.transfer_type) {
        case core::TransferType::kPostal:
          out.iban = t.postal_iban.empty() ? t.iban : t.postal_iban;
          break;
        case core::TransferType::kPagopa:
          out.iban = t.iban.empty() ? t.postal_iban : t.iban;
          if (!t.iban.empty() && !t.postal_iban.empty() && out.metadata.size() < 15) {
            out.metadata.push_back({"IBANAPPOGGIO", t.postal_iban});
          }
          break;
        case core::TransferType::kAny:
          out.iban = t.iban.empty() ? t.postal_iban : t.iban;
          break;
      }
    }
    data.transfers.push_back(std::move(out));
  }
  store_.recordPaymentAttempt(request.caller.id_pa, request.qr.notice_number, request.payment_note, now);
  return data;
}

void NodeOperations::sendRt(const core::SendRtRequest& request, std::string raw_xml,
                            std::function<void(core::Answer<core::SendRtResult>)> done) {
  auto resolved = resolve(request.caller);
  if (auto* f = std::get_if<Fault>(&resolved)) return done(*f);
  auto r = std::get<Resolved>(std::move(resolved));
  if (request.receipt.outcome != "OK") {
    return done(fault(FaultCode::kSemantica, "a receipt with outcome " + request.receipt.outcome + " is not a payment"));
  }
  store::ReceiptWrite write;
  write.ec_fiscal_code = request.caller.id_pa;
  write.receipt = request.receipt;
  write.v2 = request.v2;
  write.raw_xml = std::move(raw_xml);
  write.received_at_unix_ms = clock_.nowUnixMs();
  write.ledger_routes = r.ec->ledger_routes;
  const bool duplicate_ko = r.station->duplicate_receipt_ko;
  store_.commitReceipt(std::move(write), [done = std::move(done), duplicate_ko,
                                          timing = store_timing_,
                                          started = std::chrono::steady_clock::now()](
                                             store::Result<store::ReceiptOutcome> outcome) {
    if (timing) timing("commit_receipt", secondsSince(started));
    if (!outcome) {
      return done(fault(FaultCode::kSystemError, "the receipt could not be stored now: send it again later"));
    }
    if (outcome.value() == store::ReceiptOutcome::kDoublePayment && duplicate_ko) {
      return done(fault(FaultCode::kReceiptDuplicata, "the notice was already paid with another receipt; this receipt is stored"));
    }
    done(core::SendRtResult{});
  });
}

void NodeOperations::demand(const core::DemandRequest& request,
                            std::function<void(core::Answer<core::DemandResult>)> done) {
  auto resolved = resolve(request.caller);
  if (auto* f = std::get_if<Fault>(&resolved)) return done(*f);
  auto r = std::get<Resolved>(std::move(resolved));
  const ServiceInfo* service = r.directory->service(*r.ec, request.id_servizio, request.id_soggetto_servizio);
  if (!service) {
    return done(fault(FaultCode::kSemantica, "service " + request.id_servizio + "/" + request.id_soggetto_servizio +
                                                 " is not in the EC's catalogue"));
  }
  auto parsed = parseServiceData(request.service_data_xml);
  if (auto* reason = std::get_if<std::string>(&parsed)) return done(fault(FaultCode::kSemantica, *reason));
  const ServiceFields& fields = std::get<ServiceFields>(parsed);

  std::optional<core::Cents> asked;
  if (!service->fixed_amount) {
    auto it = fields.find(service->amount_field);
    asked = it == fields.end() ? std::nullopt : core::parseAmount(it->second);
    if (!asked) {
      return done(fault(FaultCode::kSemantica, "service data must carry " + service->amount_field + " as an amount like 12.34"));
    }
  }
  auto amount = core::spontaneousAmount(*service, asked, service->amount_field);
  if (auto* reason = std::get_if<std::string>(&amount)) return done(fault(FaultCode::kSemantica, *reason));
  core::Subject debtor = core::anonymousDebtor();
  if (auto it = fields.find("debtorFiscalCode"); it != fields.end() && it->second.size() >= 2 && it->second.size() <= 16) {
    debtor.fiscal_code = it->second;
  }
  if (auto it = fields.find("debtorFullName"); it != fields.end() && !it->second.empty() && it->second.size() <= 70) {
    debtor.full_name = it->second;
  }

  const core::Date today = romeDate(clock_.nowUnixMs());
  const StationInfo station = *r.station;
  const EcInfo ec = *r.ec;
  const ServiceInfo svc = *service;
  const core::Cents cents = std::get<core::Cents>(amount);
  auto make = [station, ec, svc, cents, debtor, today](std::uint64_t seq) {
    return core::spontaneousPosition({station, ec, svc, cents, debtor, today, {}}, seq);
  };
  store_.createWithSequence(
      ec.fiscal_code, core::spontaneousCounter(station), make,
      [done = std::move(done), ec, timing = store_timing_,
       started = std::chrono::steady_clock::now()](store::Result<core::DebtPosition> created) {
        if (timing) timing("create_position", secondsSince(started));
        if (!created || created.value().options.empty() || created.value().options[0].nav.empty()) {
          return done(fault(FaultCode::kSystemError, "the notice could not be created now: try again later"));
        }
        const core::PaymentOption& o = created.value().options[0];
        core::DemandResult result;
        result.qr = {ec.fiscal_code, o.nav};
        result.verify.option.amount = o.amount;
        result.verify.option.due_date = o.due_date;
        result.verify.option.detail_description = o.description;
        result.verify.option.all_ccp = allPostal(o);
        result.verify.payment_description = o.description;
        result.verify.fiscal_code_pa = ec.fiscal_code;
        result.verify.company_name = ec.name;
        result.verify.office_name = ec.office;
        done(result);
      });
}

}  // namespace ponte::app
