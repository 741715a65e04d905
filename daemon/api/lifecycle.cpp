// GPD's lifecycle rules for positions written through the API.
#include "api/lifecycle.h"

namespace ponte::api {

core::PositionStatus publishedStatus(const core::DebtPosition& position, core::Date today) {
  return position.validity_date && *position.validity_date > today
             ? core::PositionStatus::kPublished
             : core::PositionStatus::kValid;
}

std::vector<FieldError> prepareForApi(core::DebtPosition& position, bool to_publish,
                                      core::Date today) {
  std::vector<FieldError> errors;
  if (position.validity_date && *position.validity_date < today) {
    errors.push_back({"validityDate", "must not be before today (" + today.iso() + ")"});
  }
  for (std::size_t i = 0; i < position.options.size(); ++i) {
    const core::PaymentOption& o = position.options[i];
    const std::string base = "paymentOption[" + std::to_string(i) + "]";
    if (o.due_date < today) {
      errors.push_back({base + ".dueDate", "must not be before today (" + today.iso() + ")"});
    }
    if (o.retention_date && *o.retention_date < o.due_date) {
      errors.push_back({base + ".retentionDate", "must not be before the dueDate"});
    }
  }
  if (errors.empty()) {
    position.status = to_publish ? publishedStatus(position, today) : core::PositionStatus::kDraft;
  }
  return errors;
}

bool hasPayments(const core::DebtPosition& position) {
  for (const auto& o : position.options) {
    if (core::isPaid(o.status)) return true;
  }
  return false;
}

bool mayUpdate(core::PositionStatus status) {
  return status == core::PositionStatus::kDraft || status == core::PositionStatus::kPublished ||
         status == core::PositionStatus::kValid;
}

bool mayPublish(core::PositionStatus status) { return status == core::PositionStatus::kDraft; }

bool mayInvalidate(core::PositionStatus status) {
  return status == core::PositionStatus::kPublished || status == core::PositionStatus::kValid;
}

bool mayAmend(core::PositionStatus status) {
  return status == core::PositionStatus::kDraft || status == core::PositionStatus::kPublished ||
         status == core::PositionStatus::kValid ||
         status == core::PositionStatus::kPartiallyPaid ||
         status == core::PositionStatus::kExpired;
}

std::size_t promotePublished(store::Store& store, const core::Directory& directory,
                             core::Date today, store::Error* error) {
  std::size_t moved = 0;
  for (const auto& [fiscal_code, ec] : directory.ecs) {
    store::PositionFilter filter;
    filter.status = core::PositionStatus::kPublished;
    filter.limit = 1000;
    // Promoted positions leave the filter, so the page only advances past the ones that stay.
    for (filter.page = 0;;) {
      auto page = store.listPositions(fiscal_code, filter);
      if (!page) {
        if (error) *error = page.error();
        return moved;
      }
      std::size_t kept = 0;
      for (auto& position : page.value()) {
        if (publishedStatus(position, today) != core::PositionStatus::kValid) {
          ++kept;
          continue;
        }
        position.status = core::PositionStatus::kValid;
        auto stored = store.upsertPosition(position);
        if (!stored) {
          if (error) *error = stored.error();
          return moved;
        }
        ++moved;
      }
      if (page.value().size() < static_cast<std::size_t>(filter.limit)) break;
      if (kept == page.value().size()) ++filter.page;
    }
  }
  return moved;
}

}  // namespace ponte::api
