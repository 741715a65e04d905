// Whether a notice a portal names can be paid today, and what it costs: the same rules the node
// hears (core/payability, core/amount_schedule) applied before anything is sent to pagoPA.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "api/access.h"
#include "core/civil_date.h"
#include "core/directory.h"
#include "core/money.h"
#include "store/store.h"

namespace ponte::portal {

// One transfer of a payable notice, as the fee calculator wants it.
struct PayableTransfer {
  std::string ec;        // the beneficiary's fiscal code
  std::string category;  // taxonomy code
  bool digital_stamp = false;
};

struct PayableNotice {
  std::string ec;
  std::string nav;
  core::Cents amount = 0;    // due today
  std::string company_name;  // <= 140 characters
  std::string description;   // <= 140 characters
  bool all_postal = false;   // every transfer can go to a postal account
  std::vector<PayableTransfer> transfers;
};

// Why a notice cannot go into a cart or a fee query.
struct NoticeRefusal {
  enum class Kind {
    kHidden,       // the EC is not served, or not for this caller: answer the API's 404
    kNotPayable,   // unknown, paid, expired, cancelled, not yet payable: 422 naming it
    kUnavailable,  // the store failed: 503
  };
  Kind kind = Kind::kNotPayable;
  std::string message;  // for the caller (kNotPayable) or the log (kUnavailable)
};

// Checks the notice (ec, nav) on `today`. Reads the store (synchronous).
std::variant<PayableNotice, NoticeRefusal> checkNotice(store::Store& store,
                                                       const core::Directory& directory,
                                                       const api::ApiCaller& caller,
                                                       const std::string& ec,
                                                       const std::string& nav, core::Date today);

// text cut to at most `max` characters without splitting one.
std::string cutToChars(const std::string& text, std::size_t max);

}  // namespace ponte::portal
