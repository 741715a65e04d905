// The portal's settings from the configuration: the upstream clients' options with their
// subscription keys read from their files, the PSP catalogue parsed, the ECs' return URLs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ops/config.h"
#include "portal/cart_request.h"
#include "upstream/checkout_client.h"
#include "upstream/fee_calculator.h"
#include "upstream/psp_catalogue.h"

namespace ponte::portal {

struct PortalOptions {
  std::optional<upstream::CheckoutOptions> checkout;  // nullopt: carts answer 503
  std::optional<upstream::FeeCalculatorOptions> fee_calculator;
  std::optional<std::vector<upstream::CatalogueChannel>> catalogue;
  int workers = 4;               // threads waiting on pagoPA's services
  std::size_t max_waiting = 64;  // requests queued beyond this are answered 503 at once
};

// Reads what config.checkout, fee_calculator and psp_catalogue_file name. A problem (a key file
// unreadable or empty, a catalogue that does not parse) is returned as one line naming the key
// and the file, and what to do.
std::variant<PortalOptions, std::string> portalOptions(const ops::Config& config);

// The ECs' default return URLs (creditor_institutions[].return_urls), by fiscal code.
std::map<std::string, ReturnUrls> returnUrlsOf(const ops::Config& config);

}  // namespace ponte::portal
