// The payability check of the portal's notices.
#include "portal/notice_check.h"

#include "core/amount_schedule.h"
#include "core/payability.h"
#include "core/utf8.h"

namespace ponte::portal {
namespace {

// What the payer reads for each fault of core::checkPayable.
std::string refusalText(const core::Fault& fault, const std::string& nav) {
  switch (fault.code) {
    case core::FaultCode::kPagamentoDuplicato:
      return "notice " + nav + " is already paid";
    case core::FaultCode::kPagamentoScaduto:
      return "notice " + nav + " has expired: it can no longer be paid";
    case core::FaultCode::kPagamentoAnnullato:
      return "notice " + nav + " is cancelled: " + fault.description;
    default:
      return "notice " + nav + " cannot be paid today: " + fault.description;
  }
}

}  // namespace

std::string cutToChars(const std::string& text, std::size_t max) {
  std::size_t chars = 0, at = 0;
  while (at < text.size() && chars < max) {
    at += core::utf8CharBytes(text, at);
    ++chars;
  }
  return text.substr(0, at);
}

std::variant<PayableNotice, NoticeRefusal> checkNotice(store::Store& store,
                                                       const core::Directory& directory,
                                                       const api::ApiCaller& caller,
                                                       const std::string& ec,
                                                       const std::string& nav, core::Date today) {
  using Kind = NoticeRefusal::Kind;
  const core::EcInfo* info = directory.ec(ec);
  if (info == nullptr || !caller.mayActFor(ec)) return NoticeRefusal{Kind::kHidden, {}};
  auto found = store.findByNotice(ec, nav);
  if (!found) return NoticeRefusal{Kind::kUnavailable, found.error().message};
  if (!found.value()) {
    return NoticeRefusal{Kind::kNotPayable, "notice " + nav + " is unknown to EC " + ec};
  }
  const store::NoticeMatch& match = *found.value();
  if (auto fault = core::checkPayable(match.position, match.option_index, today)) {
    return NoticeRefusal{Kind::kNotPayable, refusalText(*fault, nav)};
  }
  const core::PaymentOption& option = match.position.options[match.option_index];
  PayableNotice out;
  out.ec = ec;
  out.nav = nav;
  out.amount = core::amountDue(option, today).amount;
  out.company_name = cutToChars(
      match.position.company_name.empty() ? info->name : match.position.company_name, 140);
  out.description =
      cutToChars(option.description.empty() ? "Notice " + nav : option.description, 140);
  out.all_postal = !option.transfers.empty();
  for (const core::Transfer& t : option.transfers) {
    out.transfers.push_back({t.organization_fiscal_code.empty() ? ec : t.organization_fiscal_code,
                             t.category, t.stamp.has_value()});
    if (t.postal_iban.empty() || t.stamp) out.all_postal = false;
  }
  if (out.transfers.empty()) out.transfers.push_back({ec, {}, false});
  return out;
}

}  // namespace ponte::portal
