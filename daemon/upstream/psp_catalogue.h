// The legacy PSP catalogue (CatalogoDatiInformativiPSP, the "informativa PSP" the node used to
// publish): an offline source of PSP fees by amount band, for when the fee calculator cannot be
// used.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/fee_ranking.h"

namespace ponte::upstream {

// One channel of one PSP with its amount bands.
struct CatalogueChannel {
  std::string psp_id;        // identificativoPSP
  std::string psp_name;      // ragioneSociale
  std::string channel_id;    // identificativoCanale
  std::string payment_type;  // tipoVersamento: BBT, BP, AD, CP, PO, ...
  std::vector<core::FeeBand> bands;
};

// Reads a listaInformativePSP document (no DTD, at most 16 MiB). Returns the channels, or a
// short reason naming what is wrong.
std::variant<std::vector<CatalogueChannel>, std::string> parseCatalogue(std::string_view xml);

// The offers of every channel whose bands hold `amount`, ranked cheapest first. When
// payment_type is not empty only channels of that tipoVersamento count.
std::vector<core::FeeOffer> catalogueOffers(const std::vector<CatalogueChannel>& channels,
                                            core::Cents amount, std::string_view payment_type = {});

}  // namespace ponte::upstream
