// What payment providers (PSP) charge the payer, ranked cheapest first, and fees computed from
// the amount bands of the legacy PSP catalogue.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "money.h"

namespace ponte::core {

// One way to pay: a PSP's bundle for a payment method and touchpoint, with the fee it charges.
struct FeeOffer {
  std::string psp_id;
  std::string psp_name;
  std::string payment_method;  // e.g. "CP" (card), "PPAL", "BBT"
  std::string touchpoint;      // e.g. "CHECKOUT", "IO", "ANY"
  std::string bundle_id;
  Cents fee = 0;  // what the payer pays on top of the amount
  bool on_us = false;
  friend bool operator==(const FeeOffer&, const FeeOffer&) = default;
};

// Sorts offers by fee ascending, then PSP name, then PSP id, then bundle id: a stable, total
// order, so the same offers always list the same way.
void rankOffers(std::vector<FeeOffer>& offers);

// One amount band of the legacy catalogue (CatalogoDatiInformativiPSP, fasciaCostoServizio):
// for amounts up to max_amount the payer pays fixed_cost + commission.
struct FeeBand {
  Cents max_amount = 0;
  Cents fixed_cost = 0;
  Cents commission = 0;
};

// The fee for `amount`: the band with the smallest max_amount that is >= amount (the bands need
// not be sorted); nullopt when the amount is above every band. Whether the catalogue's
// valoreCommissione adds to costoFisso is not documented: ponte reads it as a fixed commission
// in euros added to the fixed cost (an inference; both are amounts in the schema).
std::optional<Cents> feeForAmount(const std::vector<FeeBand>& bands, Cents amount);

}  // namespace ponte::core
