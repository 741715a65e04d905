// libxml2 schema validation for the soap tests. Compiled schemas are cached per path: compiling
// the official tree takes longer than validating hundreds of messages.
#include "schema_check.h"

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

namespace ponte::soap::test {
namespace {

constexpr std::string_view kSoapNs = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view kPaForNodeNs = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd";

void collect(void* context, const xmlError* error) {
  auto* out = static_cast<std::string*>(context);
  if (!error || !error->message) return;
  *out += "line " + std::to_string(error->line) + ": " + error->message;
}

void setUp() {
  static const bool done = [] {
    xmlInitParser();
    // Imports resolve through the catalog to local files; nothing is fetched from the network.
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
    const std::string catalog = std::string(PONTE_SHARED_DIR) + "/spec/pagopa-api/catalog.xml";
    if (std::filesystem::exists(catalog)) xmlLoadCatalog(catalog.c_str());
    return true;
  }();
  (void)done;
}

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

Doc parse(std::string_view xml) {
  return Doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "message.xml", nullptr,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
}

// Compiled schemas by path, freed with libxml2's global state at exit so that a leak checker
// (PONTE_SANITIZE builds) reports only real leaks.
class SchemaCache {
 public:
  ~SchemaCache() {
    for (auto& [path, compiled] : schemas_) xmlSchemaFree(compiled);
    xmlCatalogCleanup();
    xmlCleanupParser();
  }
  std::map<std::string, xmlSchema*>& schemas() { return schemas_; }

 private:
  std::map<std::string, xmlSchema*> schemas_;
};

// The compiled schema at `path`, or null with the errors in `errors`.
xmlSchema* schema(const std::string& path, std::string& errors) {
  setUp();
  static SchemaCache instance;
  auto& cache = instance.schemas();
  if (auto it = cache.find(path); it != cache.end()) return it->second;
  xmlSchemaParserCtxt* parser = xmlSchemaNewParserCtxt(path.c_str());
  xmlSchemaSetParserStructuredErrors(parser, reinterpret_cast<xmlStructuredErrorFunc>(collect),
                                     &errors);
  xmlSchema* compiled = xmlSchemaParse(parser);
  xmlSchemaFreeParserCtxt(parser);
  if (compiled) cache.emplace(path, compiled);
  return compiled;
}

Verdict validate(xmlDoc* doc, const std::string& xsd) {
  Verdict verdict;
  xmlSchema* compiled = schema(xsd, verdict.errors);
  if (!compiled) {
    verdict.errors = "schema " + xsd + " does not compile: " + verdict.errors;
    return verdict;
  }
  xmlSchemaValidCtxt* context = xmlSchemaNewValidCtxt(compiled);
  xmlSchemaSetValidStructuredErrors(context, reinterpret_cast<xmlStructuredErrorFunc>(collect),
                                    &verdict.errors);
  verdict.valid = xmlSchemaValidateDoc(context, doc) == 0;
  xmlSchemaFreeValidCtxt(context);
  return verdict;
}

bool named(const xmlNode* node, std::string_view ns, std::string_view local) {
  return node && node->type == XML_ELEMENT_NODE && node->ns &&
         std::string_view(reinterpret_cast<const char*>(node->ns->href)) == ns &&
         std::string_view(reinterpret_cast<const char*>(node->name)) == local;
}

xmlNode* firstElement(xmlNode* node) {
  for (; node; node = node->next) {
    if (node->type == XML_ELEMENT_NODE) return node;
  }
  return nullptr;
}

}  // namespace

std::string ourSchema() { return std::string(PONTE_SOURCE_DIR) + "/wsdl/paForNode.xsd"; }
std::string ourWsdl() { return std::string(PONTE_SOURCE_DIR) + "/wsdl/paForNode.wsdl"; }

std::optional<std::string> officialFile(std::string_view relative) {
  const std::string path =
      std::string(PONTE_SHARED_DIR) + "/spec/pagopa-api/" + std::string(relative);
  if (std::filesystem::exists(path)) return path;
  const char* ci = std::getenv("CI");
  if (ci && std::string_view(ci) == "true") {
    FAIL("official pagoPA schema missing (CI=true): " << path);
  }
  WARN("official pagoPA schema missing, check skipped: " << path);
  return std::nullopt;
}

Verdict validateBodyChild(std::string_view envelope, const std::string& xsd) {
  setUp();
  Doc doc = parse(envelope);
  if (!doc) return Verdict{false, "not well-formed"};
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!named(root, kSoapNs, "Envelope")) return Verdict{false, "not a SOAP 1.1 Envelope"};
  xmlNode* body = firstElement(root->children);
  if (named(body, kSoapNs, "Header")) body = firstElement(body->next);
  if (!named(body, kSoapNs, "Body")) return Verdict{false, "no SOAP Body"};
  xmlNode* child = firstElement(body->children);
  if (!child) return Verdict{false, "empty SOAP Body"};
  if (!child->ns ||
      std::string_view(reinterpret_cast<const char*>(child->ns->href)) != kPaForNodeNs) {
    return Verdict{false, "Body child not in the paForNode namespace"};
  }
  Doc payload(xmlNewDoc(BAD_CAST "1.0"));
  xmlNode* copy = xmlDocCopyNode(child, payload.get(), 1);
  xmlDocSetRootElement(payload.get(), copy);
  xmlReconciliateNs(payload.get(), copy);
  return validate(payload.get(), xsd);
}

Verdict validateDocument(std::string_view xml, const std::string& xsd) {
  setUp();
  Doc doc = parse(xml);
  if (!doc) return Verdict{false, "not well-formed"};
  return validate(doc.get(), xsd);
}

void requireValidResponse(std::string_view envelope) {
  INFO("response: " << envelope);
  const Verdict ours = validateBodyChild(envelope, ourSchema());
  INFO("against wsdl/paForNode.xsd: " << ours.errors);
  REQUIRE(ours.valid);
  if (const auto official = officialFile("wsdl/xsd/paForNode.xsd")) {
    const Verdict theirs = validateBodyChild(envelope, *official);
    INFO("against the official paForNode.xsd: " << theirs.errors);
    REQUIRE(theirs.valid);
  }
  if (const auto driver = officialFile("validation/soap11-paForNode.xsd")) {
    const Verdict whole = validateDocument(envelope, *driver);
    INFO("against the official SOAP 1.1 driver schema: " << whole.errors);
    REQUIRE(whole.valid);
  }
}

void checkOfficialRejects(std::string_view envelope) {
  if (const auto official = officialFile("wsdl/xsd/paForNode.xsd")) {
    INFO("request: " << envelope);
    CHECK_FALSE(validateBodyChild(envelope, *official).valid);
  }
}

}  // namespace ponte::soap::test
