// What a portal asks for, read from its JSON (or query string) and checked field by field: the
// notices of a cart or of a fee query, the payer's e-mail, the return URLs. Every problem is a
// FieldError whose path names the field, with the notice's index ("notices[2].noticeNumber").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/gpd_json.h"
#include "core/money.h"

namespace ponte::portal {

inline constexpr std::size_t kMaxCartNotices = 5;  // Checkout's paymentNotices maxItems

struct NoticeRef {
  std::string notice_number;  // 18 digits
  std::string fiscal_code;    // the EC, 11 digits
};

struct ReturnUrls {
  std::string ok, cancel, error, waiting;
};

struct CartAsk {
  std::vector<NoticeRef> notices;         // 1..5, no notice twice
  std::string email;                      // empty: none
  std::optional<ReturnUrls> return_urls;  // nullopt: the first notice's EC's defaults
};

// Reads POST /ponte/v1/carts: {"notices": [{"noticeNumber", "fiscalCode"}], "email"?,
// "returnUrls"?: {"returnOkUrl", "returnCancelUrl", "returnErrorUrl", "returnWaitingUrl"?}}.
std::variant<CartAsk, std::vector<api::FieldError>> parseCartAsk(const nlohmann::json& body);

// A fee query: exactly one of notices, cart_id, amount.
struct FeeAsk {
  std::vector<NoticeRef> notices;  // 1..5
  std::string cart_id;
  std::optional<core::Cents> amount;  // with fiscal_code (may be empty: the caller's only EC)
  std::string fiscal_code;
  std::string category;        // the transfer's taxonomy code for an amount; optional
  std::string payment_method;  // optional filter, e.g. "CP"
  std::string touchpoint;      // optional filter, e.g. "CHECKOUT"
};

// Reads POST /ponte/v1/fees: {"notices": [...]} | {"cartId"} | {"amount" (cents), "fiscalCode"?,
// "transferCategory"?}, each with optional "paymentMethod" and "touchpoint".
std::variant<FeeAsk, std::vector<api::FieldError>> parseFeeAsk(const nlohmann::json& body);

// Reads GET /ponte/v1/fees: the same as query parameters (noticeNumber and fiscalCode for one
// notice, cartId, amount in cents with fiscalCode and transferCategory).
std::variant<FeeAsk, std::vector<api::FieldError>> parseFeeQuery(
    const std::map<std::string, std::string, std::less<>>& query);

// A cart id as ponte makes them: 32 lower-case hex digits.
bool isCartId(std::string_view text);

}  // namespace ponte::portal
