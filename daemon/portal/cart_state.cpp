// Where a portal's cart stands.
#include "portal/cart_state.h"

#include <algorithm>

namespace ponte::portal {

CartState cartStateOf(const std::vector<NoticeState>& notices) {
  const auto paid = std::count(notices.begin(), notices.end(), NoticeState::kPaid);
  if (paid == 0) return CartState::kOpen;
  return std::size_t(paid) == notices.size() ? CartState::kPaid : CartState::kPartlyPaid;
}

std::string_view toString(NoticeState state) {
  switch (state) {
    case NoticeState::kOpen:
      return "open";
    case NoticeState::kInProgress:
      return "in_progress";
    case NoticeState::kPaid:
      return "paid";
  }
  return "open";
}

std::string_view toString(CartState state) {
  switch (state) {
    case CartState::kOpen:
      return "open";
    case CartState::kPartlyPaid:
      return "partly_paid";
    case CartState::kPaid:
      return "paid";
  }
  return "open";
}

}  // namespace ponte::portal
