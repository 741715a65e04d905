// Reading the legacy catalogue with libxml2 and computing offers from its bands.
#include "upstream/psp_catalogue.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <optional>

#include "core/money.h"

namespace ponte::upstream {
namespace {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

std::string_view nameOf(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

const xmlNode* child(const xmlNode* parent, std::string_view name) {
  for (const xmlNode* c = parent->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && nameOf(c) == name) return c;
  }
  return nullptr;
}

std::vector<const xmlNode*> children(const xmlNode* parent, std::string_view name) {
  std::vector<const xmlNode*> out;
  if (!parent) return out;
  for (const xmlNode* c = parent->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && nameOf(c) == name) out.push_back(c);
  }
  return out;
}

std::string text(const xmlNode* parent, std::string_view name) {
  const xmlNode* c = parent ? child(parent, name) : nullptr;
  if (!c) return {};
  xmlChar* content = xmlNodeGetContent(c);
  std::string value = content ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return value;
}

}  // namespace

std::variant<std::vector<CatalogueChannel>, std::string> parseCatalogue(std::string_view xml) {
  if (xml.size() > 16 * 1024 * 1024) return std::string("the catalogue is larger than 16 MiB");
  if (xml.find("<!DOCTYPE") != std::string_view::npos)
    return std::string("the catalogue must not contain a DTD");
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "catalogue.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE));
  if (!doc) return std::string("the catalogue is not well-formed XML");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root || nameOf(root) != "listaInformativePSP") {
    return std::string("the catalogue's root element must be listaInformativePSP");
  }
  std::vector<CatalogueChannel> channels;
  for (const xmlNode* psp : children(root, "informativaPSP")) {
    const std::string psp_id = text(psp, "identificativoPSP");
    const std::string psp_name = text(psp, "ragioneSociale");
    for (const xmlNode* detail :
         children(child(psp, "listaInformativaDetail"), "informativaDetail")) {
      CatalogueChannel channel;
      channel.psp_id = psp_id;
      channel.psp_name = psp_name;
      channel.channel_id = text(detail, "identificativoCanale");
      channel.payment_type = text(detail, "tipoVersamento");
      const xmlNode* costs = child(detail, "costiServizio");
      for (const xmlNode* band : children(costs ? child(costs, "listaFasceCostoServizio") : nullptr,
                                          "fasciaCostoServizio")) {
        const auto max = core::parseAmount(text(band, "importoMassimoFascia"));
        const auto fixed = core::parseAmount(text(band, "costoFisso"));
        const auto commission = core::parseAmount(text(band, "valoreCommissione"));
        if (!max || !fixed || !commission) {
          return "PSP " + psp_id + " channel " + channel.channel_id +
                 ": a fasciaCostoServizio has an amount that is not like 12.34";
        }
        channel.bands.push_back({*max, *fixed, *commission});
      }
      if (psp_id.empty() || channel.channel_id.empty()) {
        return std::string("an informativaDetail lacks identificativoPSP or identificativoCanale");
      }
      channels.push_back(std::move(channel));
    }
  }
  return channels;
}

std::vector<core::FeeOffer> catalogueOffers(const std::vector<CatalogueChannel>& channels,
                                            core::Cents amount, std::string_view payment_type) {
  std::vector<core::FeeOffer> offers;
  for (const auto& c : channels) {
    if (!payment_type.empty() && c.payment_type != payment_type) continue;
    if (auto fee = core::feeForAmount(c.bands, amount)) {
      offers.push_back({c.psp_id, c.psp_name, c.payment_type, "ANY", c.channel_id, *fee, false});
    }
  }
  core::rankOffers(offers);
  return offers;
}

}  // namespace ponte::upstream
