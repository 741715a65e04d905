// Our wsdl/ against the official pagoPA files: same operations and SOAPActions, same messages,
// and every schema type the paForNode messages use has the same structure and facets.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "schema_check.h"

namespace ponte::soap {
namespace {

constexpr std::string_view kXsdNs = "http://www.w3.org/2001/XMLSchema";
constexpr std::string_view kWsdlNs = "http://schemas.xmlsoap.org/wsdl/";
constexpr std::string_view kWsdlSoapNs = "http://schemas.xmlsoap.org/wsdl/soap/";

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

Doc load(const std::string& path) {
  Doc doc(xmlReadFile(path.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOBLANKS));
  INFO(path);
  REQUIRE(doc);
  return doc;
}

std::string str(const xmlChar* s) { return s ? reinterpret_cast<const char*>(s) : ""; }

bool is(const xmlNode* n, std::string_view ns, std::string_view local) {
  return n->type == XML_ELEMENT_NODE && n->ns && str(n->ns->href) == ns && str(n->name) == local;
}

std::string attr(const xmlNode* n, const char* name) {
  xmlChar* value = xmlGetProp(n, BAD_CAST name);
  std::string out = str(value);
  xmlFree(value);
  return out;
}

// "{namespace}local" for a QName written in `n`'s scope.
std::string resolve(xmlDoc* doc, xmlNode* n, const std::string& qname) {
  const auto colon = qname.find(':');
  const std::string prefix = colon == std::string::npos ? "" : qname.substr(0, colon);
  const std::string local = colon == std::string::npos ? qname : qname.substr(colon + 1);
  xmlNs* ns = xmlSearchNs(doc, n, prefix.empty() ? nullptr : BAD_CAST prefix.c_str());
  return "{" + (ns ? str(ns->href) : std::string()) + "}" + local;
}

std::vector<xmlNode*> children(xmlNode* n) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

// --- WSDL ---------------------------------------------------------------------------------

struct Operation {
  std::string input_element;
  std::string output_element;
  std::string soap_action;
  friend bool operator==(const Operation&, const Operation&) = default;
};

std::map<std::string, Operation> operations(const std::string& path) {
  Doc doc = load(path);
  xmlNode* root = xmlDocGetRootElement(doc.get());
  std::map<std::string, std::string> message_element;  // message name -> part element
  std::map<std::string, Operation> ops;
  for (xmlNode* n : children(root)) {
    if (is(n, kWsdlNs, "message")) {
      for (xmlNode* part : children(n)) {
        message_element[attr(n, "name")] = resolve(doc.get(), part, attr(part, "element"));
      }
    }
  }
  auto local = [](const std::string& qname) { return qname.substr(qname.find(':') + 1); };
  for (xmlNode* n : children(root)) {
    if (is(n, kWsdlNs, "portType")) {
      for (xmlNode* op : children(n)) {
        for (xmlNode* io : children(op)) {
          const std::string element = message_element[local(attr(io, "message"))];
          if (is(io, kWsdlNs, "input")) ops[attr(op, "name")].input_element = element;
          if (is(io, kWsdlNs, "output")) ops[attr(op, "name")].output_element = element;
        }
      }
    }
    if (is(n, kWsdlNs, "binding")) {
      for (xmlNode* op : children(n)) {
        if (!is(op, kWsdlNs, "operation")) continue;
        for (xmlNode* s : children(op)) {
          if (is(s, kWsdlSoapNs, "operation"))
            ops[attr(op, "name")].soap_action = attr(s, "soapAction");
        }
      }
    }
  }
  return ops;
}

TEST_CASE("our WSDL has the official operations, SOAPActions and message elements", "[unit]") {
  const auto official = test::officialFile("wsdl/paForNode.wsdl");
  if (!official) return;
  const auto ours = operations(test::ourWsdl());
  const auto theirs = operations(*official);
  REQUIRE(theirs.size() == 6);
  CHECK(ours.size() == theirs.size());
  for (const auto& [name, op] : theirs) {
    INFO(name);
    REQUIRE(ours.count(name) == 1);
    CHECK(ours.at(name).soap_action == op.soap_action);
    CHECK(ours.at(name).soap_action == name);
    CHECK(ours.at(name).input_element == op.input_element);
    CHECK(ours.at(name).output_element == op.output_element);
  }
}

// --- XSD ----------------------------------------------------------------------------------

// Named top-level components of a set of schema files: "{ns}kind:name" -> canonical text.
struct Components {
  std::map<std::string, std::string> canonical;
  std::vector<Doc> docs;
};

// A canonical rendering of a schema component: XSD element names, attributes with QNames
// resolved and occurrence defaults made explicit, children in order; names of the component
// itself, annotations and documentation left out.
std::string canonical(xmlDoc* doc, xmlNode* n) {
  std::string out = str(n->name) + "(";
  std::vector<std::pair<std::string, std::string>> attrs;
  for (xmlAttr* a = n->properties; a; a = a->next) {
    const std::string name = str(a->name);
    std::string value = attr(n, name.c_str());
    if (name == "type" || name == "base" || name == "ref") value = resolve(doc, n, value);
    attrs.emplace_back(name, value);
  }
  const std::string kind = str(n->name);
  if (kind == "element" || kind == "sequence" || kind == "choice") {
    for (const char* occurs : {"minOccurs", "maxOccurs"}) {
      const bool present =
          std::any_of(attrs.begin(), attrs.end(), [&](const auto& a) { return a.first == occurs; });
      if (!present) attrs.emplace_back(occurs, "1");
    }
  }
  std::sort(attrs.begin(), attrs.end());
  for (const auto& [name, value] : attrs) out += name + "=" + value + ";";
  out += ")[";
  for (xmlNode* c : children(n)) {
    if (is(c, kXsdNs, "annotation")) continue;
    out += canonical(doc, c);
  }
  return out + "]";
}

Components components(const std::vector<std::string>& paths) {
  Components result;
  for (const std::string& path : paths) {
    result.docs.push_back(load(path));
    xmlDoc* doc = result.docs.back().get();
    xmlNode* root = xmlDocGetRootElement(doc);
    const std::string tns = attr(root, "targetNamespace");
    for (xmlNode* n : children(root)) {
      const std::string kind = str(n->name);
      if (kind != "simpleType" && kind != "complexType" && kind != "element") continue;
      // The component's own name is its key, not part of its content.
      const std::string name = attr(n, "name");
      xmlChar* saved = xmlGetProp(n, BAD_CAST "name");
      xmlUnsetProp(n, BAD_CAST "name");
      result.canonical["{" + tns + "}" + kind + ":" + name] = canonical(doc, n);
      xmlSetProp(n, BAD_CAST "name", saved);
      xmlFree(saved);
    }
  }
  return result;
}

// Keys of the components `text` refers to by type/base: "{ns}simpleType:x" or complexType.
std::set<std::string> references(const Components& c, const std::string& text) {
  std::set<std::string> out;
  for (const char* marker : {"type=", "base="}) {
    for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
      const auto end = text.find(';', at);
      const std::string qname = text.substr(at + 5, end - at - 5);
      const auto close = qname.find('}');
      const std::string ns = qname.substr(0, close + 1);
      const std::string local = qname.substr(close + 1);
      for (const char* kind : {"simpleType:", "complexType:"}) {
        const std::string key = ns + kind + local;
        if (c.canonical.count(key)) out.insert(key);
      }
    }
  }
  return out;
}

TEST_CASE("our XSDs describe the official paForNode messages exactly", "[unit]") {
  const auto official = test::officialFile("wsdl/xsd/paForNode.xsd");
  const auto common = test::officialFile("xsd-common/sac-common-types-1.0.xsd");
  if (!official || !common) return;
  const std::string wsdl_dir = test::ourSchema().substr(0, test::ourSchema().rfind('/'));
  const Components ours = components({wsdl_dir + "/paForNode.xsd", wsdl_dir + "/common-types.xsd"});
  const Components theirs = components({*official, *common});

  // The twelve wrapper elements, identical.
  std::vector<std::string> pending;
  for (const auto& [key, text] : theirs.canonical) {
    if (key.find("}element:") == std::string::npos) continue;
    pending.push_back(key);
  }
  CHECK(pending.size() == 12);
  // Everything reachable from them, identical too.
  std::set<std::string> seen;
  while (!pending.empty()) {
    const std::string key = pending.back();
    pending.pop_back();
    if (!seen.insert(key).second) continue;
    INFO(key);
    REQUIRE(ours.canonical.count(key) == 1);
    CHECK(ours.canonical.at(key) == theirs.canonical.at(key));
    for (const std::string& ref : references(theirs, theirs.canonical.at(key))) {
      pending.push_back(ref);
    }
  }
  // And ours defines nothing the official files lack.
  for (const auto& [key, text] : ours.canonical) {
    INFO(key);
    CHECK(theirs.canonical.count(key) == 1);
  }
  CHECK(seen.size() > 40);
}

}  // namespace
}  // namespace ponte::soap
