// Building the portal's settings from the configuration.
#include "portal/portal_options.h"

#include <fstream>
#include <sstream>

namespace ponte::portal {
namespace {

// The key on the first line of the file, without trailing white space; nullopt when unreadable
// or empty.
std::optional<std::string> readKey(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.pop_back();
  }
  if (line.empty()) return std::nullopt;
  return line;
}

}  // namespace

std::variant<PortalOptions, std::string> portalOptions(const ops::Config& config) {
  PortalOptions out;
  if (const auto& c = config.checkout) {
    auto key = readKey(c->subscription_key_file);
    if (!key) {
      return "checkout.subscription_key_file: cannot read a key from " + c->subscription_key_file +
             ": write the subscription key on its first line, readable by ponte";
    }
    upstream::CheckoutOptions o;
    o.base_url = c->base_url;
    o.version = c->version;
    o.subscription_key = *key;
    o.timeout_ms = c->timeout_ms;
    o.tls.ca_file = c->ca_file;
    out.checkout = std::move(o);
  }
  if (const auto& f = config.fee_calculator) {
    auto key = readKey(f->subscription_key_file);
    if (!key) {
      return "fee_calculator.subscription_key_file: cannot read a key from " +
             f->subscription_key_file +
             ": write the subscription key on its first line, readable by ponte";
    }
    upstream::FeeCalculatorOptions o;
    o.base_url = f->base_url;
    o.subscription_key = *key;
    o.timeout_ms = f->timeout_ms;
    o.cache_ttl_ms = std::int64_t(f->cache_ttl_s) * 1000;
    o.stale_max_ms = std::int64_t(f->stale_max_s) * 1000;
    o.tls.ca_file = f->ca_file;
    out.fee_calculator = std::move(o);
  }
  if (!config.psp_catalogue_file.empty()) {
    std::ifstream in(config.psp_catalogue_file, std::ios::binary);
    if (!in) {
      return "psp_catalogue_file: cannot read " + config.psp_catalogue_file +
             ": give it to the user ponte runs as";
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = upstream::parseCatalogue(text.str());
    if (auto* reason = std::get_if<std::string>(&parsed)) {
      return "psp_catalogue_file: " + config.psp_catalogue_file + ": " + *reason;
    }
    out.catalogue = std::get<std::vector<upstream::CatalogueChannel>>(std::move(parsed));
  }
  return out;
}

std::map<std::string, ReturnUrls> returnUrlsOf(const ops::Config& config) {
  std::map<std::string, ReturnUrls> out;
  for (const auto& ec : config.creditor_institutions) {
    if (!ec.return_urls) continue;
    const auto& r = *ec.return_urls;
    out[ec.fiscal_code] = ReturnUrls{r.ok, r.cancel, r.error, r.waiting};
  }
  return out;
}

}  // namespace ponte::portal
