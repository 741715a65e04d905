// Position rules shared by the storage engines (store/position_rules.h).
#include "store/position_rules.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>

namespace ponte::store {
namespace {

Error invalid(std::string message) { return Error{ErrorKind::kInvalid, std::move(message)}; }
Error conflict(std::string message) { return Error{ErrorKind::kConflict, std::move(message)}; }

}  // namespace

Result<Done> validatePosition(const core::DebtPosition& p) {
  if (p.ec_fiscal_code.empty()) return invalid("position without EC fiscal code");
  if (p.iupd.empty()) return invalid("position without iupd");
  std::set<std::string_view> navs, iuvs;
  for (const auto& o : p.options) {
    if (o.nav.empty() || o.iuv.empty()) {
      return invalid("position " + p.iupd + ": an option has no notice number or IUV");
    }
    if (!navs.insert(o.nav).second) {
      return invalid("position " + p.iupd + ": notice number " + o.nav + " appears twice");
    }
    if (!iuvs.insert(o.iuv).second) {
      return invalid("position " + p.iupd + ": IUV " + o.iuv + " appears twice");
    }
  }
  return Done{};
}

Result<Done> keepsPayments(const core::DebtPosition& stored, const core::DebtPosition& next) {
  for (const auto& old : stored.options) {
    if (old.status == core::OptionStatus::kUnpaid) continue;
    auto it = std::find_if(next.options.begin(), next.options.end(),
                           [&](const core::PaymentOption& o) { return o.nav == old.nav; });
    if (it == next.options.end() || it->status == core::OptionStatus::kUnpaid) {
      return conflict("position " + stored.iupd + ": notice " + old.nav +
                      " is paid; the replacement would discard its payment");
    }
  }
  return Done{};
}

}  // namespace ponte::store
