// Where a portal's cart stands, from where each of its notices stands: pure rules, no store.
#pragma once

#include <string_view>
#include <vector>

namespace ponte::portal {

enum class NoticeState {
  kOpen,        // nobody has started paying it through this cart
  kInProgress,  // the node asked for its payment data with the cart id (paGetPayment)
  kPaid,        // a receipt for it is stored
};

enum class CartState {
  kOpen,        // no notice paid
  kPartlyPaid,  // some, not all, notices paid
  kPaid,        // every notice paid
};

// kPaid when every notice is paid, kOpen when none is (or there are none), else kPartlyPaid.
CartState cartStateOf(const std::vector<NoticeState>& notices);

// The names the API answers: "open", "in_progress", "paid"; "open", "partly_paid", "paid".
std::string_view toString(NoticeState state);
std::string_view toString(CartState state);

}  // namespace ponte::portal
