// Fees from the legacy PSP catalogue, checked by hand at the band edges.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "upstream/psp_catalogue.h"

using namespace ponte;
using namespace ponte::upstream;

namespace {

std::vector<CatalogueChannel> sample() {
  std::ifstream in(std::string(PONTE_SOURCE_DIR) + "/tests/upstream/catalogue-sample.xml");
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parseCatalogue(text.str());
  REQUIRE(std::holds_alternative<std::vector<CatalogueChannel>>(parsed));
  return std::get<std::vector<CatalogueChannel>>(parsed);
}

core::Cents feeOf(const std::vector<core::FeeOffer>& offers, const std::string& channel) {
  for (const auto& o : offers) {
    if (o.bundle_id == channel) return o.fee;
  }
  return -1;
}

}  // namespace

TEST_CASE("the sample catalogue reads into channels with their bands", "[upstream]") {
  auto channels = sample();
  REQUIRE(channels.size() == 4);
  CHECK(channels[0].psp_id == "BANCAALFA01");
  CHECK(channels[0].psp_name == "Banca Alfa");
  CHECK(channels[0].payment_type == "CP");
  CHECK(channels[0].bands.size() == 3);
}

TEST_CASE("catalogue fees match hand-computed values at band edges", "[upstream]") {
  auto channels = sample();
  // Banca Alfa CP: <=100.00 -> 1.00; <=1000.00 -> 1.50+0.50; <=5000.00 -> 2.00+1.00.
  // Poste Beta BP: <=50.00 -> 0.80; above -> 1.80+0.20.  Gamma Pay CP: <=250.00 -> 0.90; <=2500.00
  // -> 1.90.
  auto at = [&](core::Cents amount) { return catalogueOffers(channels, amount); };
  CHECK(feeOf(at(10000), "BANCAALFA01_01") == 100);
  CHECK(feeOf(at(10001), "BANCAALFA01_01") == 200);
  CHECK(feeOf(at(100000), "BANCAALFA01_01") == 200);
  CHECK(feeOf(at(100001), "BANCAALFA01_01") == 300);
  CHECK(feeOf(at(500001), "BANCAALFA01_01") == -1);  // above its last band: not offered
  CHECK(feeOf(at(5000), "POSTEBETA02_01") == 80);
  CHECK(feeOf(at(5001), "POSTEBETA02_01") == 200);
  CHECK(feeOf(at(25000), "GAMMAPAY003_01") == 90);
  CHECK(feeOf(at(25001), "GAMMAPAY003_01") == 190);

  // Ranked cheapest first: at 40.00, BBT 0.50, BP 0.80, CP 0.90 (Gamma), CP 1.00 (Alfa).
  auto offers = at(4000);
  REQUIRE(offers.size() == 4);
  CHECK(offers[0].fee == 50);
  CHECK(offers[1].fee == 80);
  CHECK(offers[2].psp_name == "Gamma Pay");
  CHECK(offers[3].psp_name == "Banca Alfa");
  CHECK(catalogueOffers(channels, 4000, "CP").size() == 2);
}

TEST_CASE("a broken catalogue is refused with the reason", "[upstream]") {
  CHECK(std::get<std::string>(parseCatalogue("<x/>")).find("listaInformativePSP") !=
        std::string::npos);
  CHECK(std::holds_alternative<std::string>(parseCatalogue("<listaInformativePSP>")));
  CHECK(
      std::holds_alternative<std::string>(parseCatalogue("<!DOCTYPE x []><listaInformativePSP/>")));
  CHECK(std::get<std::string>(parseCatalogue(R"(<listaInformativePSP><informativaPSP>
      <identificativoPSP>P1</identificativoPSP><listaInformativaDetail><informativaDetail>
      <identificativoCanale>C1</identificativoCanale><costiServizio><listaFasceCostoServizio>
      <fasciaCostoServizio><importoMassimoFascia>10</importoMassimoFascia><costoFisso>1.00</costoFisso>
      <valoreCommissione>0.00</valoreCommissione></fasciaCostoServizio></listaFasceCostoServizio>
      </costiServizio></informativaDetail></listaInformativaDetail></informativaPSP></listaInformativePSP>)"))
            .find("12.34") != std::string::npos);
}
