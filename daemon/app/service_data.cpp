// Bounded reading of the spontaneous-payment service document with libxml2.
#include "app/service_data.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>

namespace ponte::app {
namespace {

constexpr std::size_t kMaxBytes = 64 * 1024;
constexpr int kMaxDepth = 8;
constexpr int kMaxElements = 100;

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

bool collect(xmlNode* node, int depth, int& count, ServiceFields& out, std::string& error) {
  for (xmlNode* child = node->children; child; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (++count > kMaxElements) {
      error = "service data has more than 100 elements";
      return false;
    }
    if (depth + 1 > kMaxDepth) {
      error = "service data is nested deeper than 8 levels";
      return false;
    }
    bool leaf = true;
    for (xmlNode* c = child->children; c; c = c->next) {
      if (c->type == XML_ELEMENT_NODE) leaf = false;
    }
    if (leaf) {
      xmlChar* text = xmlNodeGetContent(child);
      const std::string name = reinterpret_cast<const char*>(child->name);
      if (!out.contains(name)) out.emplace(name, text ? reinterpret_cast<const char*>(text) : "");
      xmlFree(text);
    } else if (!collect(child, depth + 1, count, out, error)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::variant<ServiceFields, std::string> parseServiceData(std::string_view xml) {
  if (xml.size() > kMaxBytes) return std::string("service data is larger than 64 KiB");
  if (xml.find("<!DOCTYPE") != std::string_view::npos || xml.find("<!ENTITY") != std::string_view::npos) {
    return std::string("service data must not contain a DTD");
  }
  // NONET and no entity substitution: the document can reach nothing outside itself.
  std::unique_ptr<xmlDoc, DocFree> doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()),
                                                     "service.xml", nullptr,
                                                     XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                         XML_PARSE_NOWARNING));
  if (!doc) return std::string("service data is not well-formed XML");
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root || std::string_view(reinterpret_cast<const char*>(root->name)) != "service") {
    return std::string("service data must have a root element named service");
  }
  if (root->ns && root->ns->href &&
      std::string_view(reinterpret_cast<const char*>(root->ns->href)) != kGeneralServiceNs) {
    return std::string("service data root is in an unexpected namespace");
  }
  ServiceFields fields;
  std::string error;
  int count = 0;
  if (!collect(root, 1, count, fields, error)) return error;
  return fields;
}

}  // namespace ponte::app
