// The AFM calculator client and its cache.
#include "upstream/fee_calculator.h"

#include <nlohmann/json.hpp>

namespace ponte::upstream {

std::string feeQueryJson(const FeeQuery& query) {
  nlohmann::json notices = nlohmann::json::array();
  for (const auto& n : query.notices) {
    nlohmann::json transfers = nlohmann::json::array();
    for (const auto& t : n.transfers) {
      nlohmann::json item = {{"creditorInstitution", t.creditor_institution}};
      if (!t.category.empty()) item["transferCategory"] = t.category;
      if (t.digital_stamp) item["digitalStamp"] = true;
      transfers.push_back(std::move(item));
    }
    notices.push_back({{"paymentAmount", n.amount},
                       {"primaryCreditorInstitution", n.primary_creditor_institution},
                       {"transferList", std::move(transfers)}});
  }
  nlohmann::json body = {{"paymentNotice", std::move(notices)}};
  if (!query.payment_method.empty()) body["paymentMethod"] = query.payment_method;
  if (!query.touchpoint.empty()) body["touchpoint"] = query.touchpoint;
  return body.dump();
}

std::variant<FeeListing, FeeFailure> parseFeeAnswer(const std::string& body) {
  const auto answer = nlohmann::json::parse(body, nullptr, false);
  if (!answer.is_object()) return FeeFailure{"the calculator's answer is not a JSON object"};
  FeeListing listing;
  if (auto it = answer.find("belowThreshold"); it != answer.end() && it->is_boolean()) {
    listing.below_threshold = it->get<bool>();
  }
  auto options = answer.find("bundleOptions");
  if (options == answer.end() || !options->is_array()) {
    return FeeFailure{"the calculator's answer has no bundleOptions list"};
  }
  for (const auto& b : *options) {
    if (!b.is_object()) return FeeFailure{"a bundle option is not an object"};
    auto fee = b.find("taxPayerFee");
    auto psp = b.find("idPsp");
    if (fee == b.end() || !fee->is_number_integer() || fee->get<std::int64_t>() < 0 ||
        psp == b.end() || !psp->is_string()) {
      return FeeFailure{"a bundle option lacks taxPayerFee or idPsp"};
    }
    core::FeeOffer offer;
    offer.psp_id = psp->get<std::string>();
    offer.fee = fee->get<std::int64_t>();
    auto text = [&](const char* key) {
      auto v = b.find(key);
      return v != b.end() && v->is_string() ? v->get<std::string>() : std::string();
    };
    offer.psp_name = text("pspBusinessName");
    if (offer.psp_name.empty()) offer.psp_name = offer.psp_id;
    offer.payment_method = text("paymentMethod");
    offer.touchpoint = text("touchpoint");
    offer.bundle_id = text("idBundle");
    if (auto on_us = b.find("onUs"); on_us != b.end() && on_us->is_boolean())
      offer.on_us = on_us->get<bool>();
    listing.offers.push_back(std::move(offer));
  }
  // The calculator is asked to order by fee; ponte ranks again so the order never depends on it.
  core::rankOffers(listing.offers);
  return listing;
}

FeeCalculator::FeeCalculator(FeeCalculatorOptions options, std::function<std::int64_t()> now_ms)
    : options_(std::move(options)), now_ms_(std::move(now_ms)) {}

std::variant<FeeListing, FeeFailure> FeeCalculator::fees(const FeeQuery& query) {
  const std::string body = feeQueryJson(query);
  const std::int64_t now = now_ms_();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(body);
    if (it != cache_.end() && now - it->second.fetched_at_ms < options_.cache_ttl_ms)
      return it->second;
  }

  HttpCall call;
  call.url = options_.base_url +
             "/fees?maxOccurrences=" + std::to_string(options_.max_occurrences) +
             "&onUsFirst=false&orderBy=fee";
  call.headers = {{"Content-Type", "application/json"},
                  {"Accept", "application/json"},
                  {"Ocp-Apim-Subscription-Key", options_.subscription_key}};
  call.body = body;
  call.timeout_ms = options_.timeout_ms;
  call.connect_timeout_ms = std::min(options_.timeout_ms, 1000L);
  call.tls = options_.tls;
  const HttpReply reply = perform(call);

  std::variant<FeeListing, FeeFailure> result;
  if (reply.error != CallError::kNone) {
    result = FeeFailure{"fee calculator unreachable: " + reply.error_text};
  } else if (reply.status != 200) {
    result = FeeFailure{"fee calculator answered HTTP " + std::to_string(reply.status)};
  } else {
    result = parseFeeAnswer(reply.body);
  }

  std::lock_guard lock(mutex_);
  if (auto* listing = std::get_if<FeeListing>(&result)) {
    listing->fetched_at_ms = now;
    cache_[body] = *listing;
    // Keep the cache bounded: forget answers too old to be served even as stale.
    for (auto it = cache_.begin(); it != cache_.end();) {
      it =
          now - it->second.fetched_at_ms > options_.stale_max_ms ? cache_.erase(it) : std::next(it);
    }
    return result;
  }
  auto it = cache_.find(body);
  if (it != cache_.end() && now - it->second.fetched_at_ms <= options_.stale_max_ms) {
    FeeListing stale = it->second;
    stale.stale = true;
    return stale;
  }
  return result;
}

}  // namespace ponte::upstream
