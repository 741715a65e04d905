// Reading the portal's requests.
#include "portal/cart_request.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include <nlohmann/json.hpp>

#include "core/utf8.h"

namespace ponte::portal {
namespace {

using api::FieldError;
using nlohmann::json;

bool digits(std::string_view s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool isUrl(std::string_view v) {
  const bool scheme = v.rfind("https://", 0) == 0 || v.rfind("http://", 0) == 0;
  return scheme && v.size() > 8 && v.size() <= 2048 &&
         std::none_of(v.begin(), v.end(), [](unsigned char c) { return c <= ' ' || c == 0x7F; });
}

// A plain check of an e-mail address: something@domain.tld, no spaces, at most 254 bytes.
bool isEmail(std::string_view v) {
  const auto at = v.find('@');
  if (at == std::string_view::npos || at == 0 || v.size() > 254) return false;
  const std::string_view domain = v.substr(at + 1);
  const auto dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size() &&
         domain.find('@') == std::string_view::npos &&
         std::none_of(v.begin(), v.end(), [](unsigned char c) { return c <= ' ' || c == 0x7F; });
}

std::string indexed(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// notices: a list of 1..5 {noticeNumber, fiscalCode}, none twice.
std::vector<NoticeRef> readNotices(const json& body, std::vector<FieldError>& errors) {
  std::vector<NoticeRef> out;
  const auto it = body.find("notices");
  if (it == body.end() || !it->is_array()) {
    errors.push_back({"notices", "must be a list of 1 to 5 {noticeNumber, fiscalCode}"});
    return out;
  }
  if (it->empty() || it->size() > kMaxCartNotices) {
    errors.push_back({"notices", "a cart holds 1 to 5 notices, not " + std::to_string(it->size())});
    // A sixth notice is named, so the portal knows which one to take out.
    if (it->size() > kMaxCartNotices) {
      errors.push_back({indexed("notices", kMaxCartNotices), "is one notice too many"});
    }
    return out;
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& n = (*it)[i];
    const std::string path = indexed("notices", i);
    if (!n.is_object()) {
      errors.push_back({path, "must be an object {noticeNumber, fiscalCode}"});
      continue;
    }
    NoticeRef ref;
    bool ok = true;
    const auto nav = n.find("noticeNumber");
    if (nav == n.end() || !nav->is_string() || !digits(nav->get<std::string>(), 18)) {
      errors.push_back({path + ".noticeNumber", "must be the 18-digit notice number"});
      ok = false;
    } else {
      ref.notice_number = nav->get<std::string>();
    }
    const auto cf = n.find("fiscalCode");
    if (cf == n.end() || !cf->is_string() || !digits(cf->get<std::string>(), 11)) {
      errors.push_back({path + ".fiscalCode", "must be the EC's 11-digit fiscal code"});
      ok = false;
    } else {
      ref.fiscal_code = cf->get<std::string>();
    }
    if (ok && !seen.emplace(ref.fiscal_code, ref.notice_number).second) {
      errors.push_back({path, "notice " + ref.notice_number + " is already in the cart"});
    }
    out.push_back(std::move(ref));
  }
  return out;
}

// An optional string field; an error when present and not a string.
std::string optionalText(const json& body, const char* key, std::size_t max,
                         std::vector<FieldError>& errors) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_string() || !core::utf8Length(it->get<std::string>()) ||
      it->get<std::string>().size() > max) {
    errors.push_back({key, "must be a text of at most " + std::to_string(max) + " characters"});
    return {};
  }
  return it->get<std::string>();
}

void readFilters(const std::string& method, const std::string& touchpoint, FeeAsk& ask,
                 std::vector<FieldError>& errors) {
  const auto word = [](const std::string& v) {
    return v.size() <= 35 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
             return std::isalnum(c) || c == '_' || c == '-';
           });
  };
  if (!word(method)) {
    errors.push_back({"paymentMethod", "must be a payment method code such as CP or PPAL"});
  }
  if (!word(touchpoint)) {
    errors.push_back({"touchpoint", "must be a touchpoint such as CHECKOUT, IO or ANY"});
  }
  ask.payment_method = method;
  ask.touchpoint = touchpoint;
}

// Exactly one of notices, cartId, amount.
void checkOneSubject(const FeeAsk& ask, bool has_notices, std::vector<FieldError>& errors) {
  const int subjects = int(has_notices) + int(!ask.cart_id.empty()) + int(ask.amount.has_value());
  if (subjects != 1) {
    errors.push_back({"",
                      "ask for the fees of exactly one of: notices (or noticeNumber and "
                      "fiscalCode), cartId, amount"});
  }
  if (!ask.cart_id.empty() && !isCartId(ask.cart_id)) {
    errors.push_back({"cartId", "must be a cart id as answered by POST /ponte/v1/carts"});
  }
  if (!ask.fiscal_code.empty() && !digits(ask.fiscal_code, 11)) {
    errors.push_back({"fiscalCode", "must be the EC's 11-digit fiscal code"});
  }
}

std::optional<core::Cents> centsOf(std::string_view text) {
  core::Cents v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 1 ||
      v > core::kMaxCents) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

bool isCartId(std::string_view text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
           return std::isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

std::variant<CartAsk, std::vector<FieldError>> parseCartAsk(const json& body) {
  std::vector<FieldError> errors;
  if (!body.is_object()) return std::vector<FieldError>{{"", "the body must be a JSON object"}};
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "notices" && it.key() != "email" && it.key() != "returnUrls") {
      errors.push_back({it.key(), "unknown field (expected notices, email, returnUrls)"});
    }
  }
  CartAsk ask;
  ask.notices = readNotices(body, errors);
  ask.email = optionalText(body, "email", 254, errors);
  if (!ask.email.empty() && !isEmail(ask.email)) {
    errors.push_back({"email", "must be an e-mail address such as name@example.org"});
  }
  if (const auto r = body.find("returnUrls"); r != body.end() && !r->is_null()) {
    if (!r->is_object()) {
      errors.push_back({"returnUrls",
                        "must be an object {returnOkUrl, returnCancelUrl, "
                        "returnErrorUrl, returnWaitingUrl}"});
    } else {
      ReturnUrls urls;
      for (auto [key, out, required] : {std::tuple("returnOkUrl", &urls.ok, true),
                                        std::tuple("returnCancelUrl", &urls.cancel, true),
                                        std::tuple("returnErrorUrl", &urls.error, true),
                                        std::tuple("returnWaitingUrl", &urls.waiting, false)}) {
        const auto u = r->find(key);
        const std::string path = std::string("returnUrls.") + key;
        if (u == r->end() || u->is_null()) {
          if (required) errors.push_back({path, "is required with returnUrls"});
        } else if (!u->is_string() || !isUrl(u->get<std::string>())) {
          errors.push_back({path, "must be an https:// (or http://) URL without spaces"});
        } else {
          *out = u->get<std::string>();
        }
      }
      ask.return_urls = std::move(urls);
    }
  }
  if (!errors.empty()) return errors;
  return ask;
}

std::variant<FeeAsk, std::vector<FieldError>> parseFeeAsk(const json& body) {
  std::vector<FieldError> errors;
  if (!body.is_object()) return std::vector<FieldError>{{"", "the body must be a JSON object"}};
  static const std::set<std::string> kKnown = {"notices",    "cartId",           "amount",
                                               "fiscalCode", "transferCategory", "paymentMethod",
                                               "touchpoint"};
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!kKnown.count(it.key())) {
      errors.push_back({it.key(),
                        "unknown field (expected notices, cartId, amount, fiscalCode, "
                        "transferCategory, paymentMethod, touchpoint)"});
    }
  }
  FeeAsk ask;
  const bool has_notices = body.contains("notices");
  if (has_notices) ask.notices = readNotices(body, errors);
  ask.cart_id = optionalText(body, "cartId", 64, errors);
  if (const auto a = body.find("amount"); a != body.end() && !a->is_null()) {
    if (!a->is_number_integer() || a->get<std::int64_t>() < 1 ||
        a->get<std::int64_t>() > core::kMaxCents) {
      errors.push_back({"amount", "must be a whole number of euro cents, at least 1"});
    } else {
      ask.amount = a->get<std::int64_t>();
    }
  }
  ask.fiscal_code = optionalText(body, "fiscalCode", 11, errors);
  ask.category = optionalText(body, "transferCategory", 64, errors);
  readFilters(optionalText(body, "paymentMethod", 35, errors),
              optionalText(body, "touchpoint", 35, errors), ask, errors);
  if (errors.empty()) checkOneSubject(ask, has_notices, errors);
  if (!errors.empty()) return errors;
  return ask;
}

std::variant<FeeAsk, std::vector<FieldError>> parseFeeQuery(
    const std::map<std::string, std::string, std::less<>>& query) {
  std::vector<FieldError> errors;
  static const std::set<std::string> kKnown = {"noticeNumber", "fiscalCode",       "cartId",
                                               "amount",       "transferCategory", "paymentMethod",
                                               "touchpoint"};
  for (const auto& [key, value] : query) {
    if (!kKnown.count(key)) {
      errors.push_back({key,
                        "unknown query parameter (expected noticeNumber, fiscalCode, "
                        "cartId, amount, transferCategory, paymentMethod, touchpoint)"});
    }
  }
  const auto get = [&](const char* key) {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  };
  FeeAsk ask;
  const std::string nav = get("noticeNumber");
  ask.fiscal_code = get("fiscalCode");
  ask.cart_id = get("cartId");
  ask.category = get("transferCategory");
  if (const std::string a = get("amount"); !a.empty()) {
    ask.amount = centsOf(a);
    if (!ask.amount)
      errors.push_back({"amount", "must be a whole number of euro cents, at least 1"});
  }
  if (!nav.empty()) {
    if (!digits(nav, 18)) errors.push_back({"noticeNumber", "must be the 18-digit notice number"});
    if (!digits(ask.fiscal_code, 11)) {
      errors.push_back({"fiscalCode", "must be the EC's 11-digit fiscal code (with noticeNumber)"});
    }
    ask.notices.push_back({nav, ask.fiscal_code});
  }
  readFilters(get("paymentMethod"), get("touchpoint"), ask, errors);
  if (errors.empty()) checkOneSubject(ask, !nav.empty(), errors);
  if (!errors.empty()) return errors;
  return ask;
}

}  // namespace ponte::portal
