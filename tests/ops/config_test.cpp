// Config parsing: the annotated example, the defaults, and every kind of error with its file,
// line and key.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "ops/config.h"
#include "test_files.h"

using namespace ponte;
using namespace ponte::ops;

namespace {

const std::string kTestDir = PONTE_OPS_TEST_DIR;

// A minimal valid config. Tests replace or insert lines by number, so keep the numbering in
// mind when editing it (line 1 is `broker:`).
const std::vector<std::string> kMinimal = {
    "broker:",                                // 1
    "  id: \"15376371009\"",                  // 2
    "stations:",                              // 3
    "  - id: S1",                             // 4
    "    primitive_version: 2",               // 5
    "    aux_digit: 3",                       // 6
    "    segregation_code: \"01\"",           // 7
    "creditor_institutions:",                 // 8
    "  - fiscal_code: \"80015010723\"",       // 9
    "    name: Comune di Valbruna",           // 10
    "    station: S1",                        // 11
    "    iban: IT61X0306909606100000012345",  // 12
    "node_listener:",                         // 13
    "  tls:",                                 // 14
    "    certificate: server.pem",            // 15
    "    private_key: server.key",            // 16
    "    client_ca: ca.pem",                  // 17
    "storage:",                               // 18
    "  path: ponte.db",                       // 19
};

std::string join(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  return text;
}

// kMinimal with line `number` (1-based) replaced by `text` (which may hold several lines).
std::string replaced(int number, const std::string& text) {
  std::vector<std::string> lines = kMinimal;
  lines.at(number - 1) = text;
  return join(lines);
}

// kMinimal with `text` inserted after line `number`.
std::string inserted(int number, const std::string& text) {
  std::vector<std::string> lines = kMinimal;
  lines.insert(lines.begin() + number, text);
  return join(lines);
}

std::vector<std::string> errorTexts(const ConfigResult& result) {
  std::vector<std::string> out;
  for (const ConfigError& e : result.errors) out.push_back(e.text());
  return out;
}

// Parses text as "/etc/ponte/t.yaml" and returns its errors as text.
std::vector<std::string> errorsOf(const std::string& text) {
  return errorTexts(parseConfigText(text, "/etc/ponte/t.yaml"));
}

std::string dump(const std::vector<std::string>& lines) {
  std::ostringstream out;
  for (const auto& l : lines) out << l << "\n";
  return out.str();
}

}  // namespace

TEST_CASE("the minimal config parses, with the defaults", "[unit]") {
  ConfigResult r = parseConfigText(join(kMinimal), "/etc/ponte/t.yaml");
  INFO(dump(errorTexts(r)));
  REQUIRE(r.ok());
  REQUIRE(r.errors.empty());
  const Config& c = *r.config;
  CHECK(c.source == "/etc/ponte/t.yaml");
  CHECK(c.broker.id == "15376371009");
  REQUIRE(c.stations.size() == 1);
  CHECK(c.stations[0].duplicate_receipt_answer == DuplicateReceiptAnswer::kOk);
  CHECK_FALSE(c.stations[0].broadcast);
  CHECK(c.stations[0].application_code.empty());
  REQUIRE(c.creditor_institutions.size() == 1);
  const CreditorInstitutionConfig& ec = c.creditor_institutions[0];
  CHECK(ec.office.empty());
  CHECK(ec.postal_iban.empty());
  CHECK(ec.ledger_routes.empty());
  CHECK(ec.api_keys.empty());
  CHECK(ec.services.empty());
  CHECK(c.node_listener.address == "127.0.0.1");
  CHECK(c.node_listener.port == 8443);
  CHECK(c.node_listener.soap_path == "/");
  CHECK(c.node_listener.threads == 0);
  CHECK(c.node_listener.tls.certificate == "/etc/ponte/server.pem");
  CHECK(c.node_listener.tls.allowed_subjects.empty());
  CHECK(c.node_listener.tls.allowed_fingerprints.empty());
  CHECK(c.node_listener.timeouts.handshake == std::chrono::milliseconds(10000));
  CHECK(c.node_listener.timeouts.read_header == std::chrono::milliseconds(10000));
  CHECK(c.node_listener.timeouts.read_body == std::chrono::milliseconds(10000));
  CHECK(c.node_listener.timeouts.write == std::chrono::milliseconds(10000));
  CHECK(c.node_listener.timeouts.idle == std::chrono::milliseconds(60000));
  CHECK(c.node_listener.limits.max_body_bytes == 1048576);
  CHECK(c.node_listener.limits.max_depth == 32);
  CHECK(c.node_listener.limits.max_string_length == 4096);
  CHECK(c.node_listener.limits.max_occurs == 100);
  CHECK(c.storage.engine == StorageEngine::kSqlite);
  CHECK(c.storage.path == "/etc/ponte/ponte.db");
  CHECK(c.logging.level == LogLevel::kInfo);
  CHECK(c.time_zone == "Europe/Rome");
}

TEST_CASE("the annotated example full.yaml parses into the expected values", "[unit]") {
  const std::string path = kTestDir + "/full.yaml";
  ConfigResult r = parseConfig(path);
  INFO(dump(errorTexts(r)));
  REQUIRE(r.ok());
  const Config& c = *r.config;
  CHECK(c.source == path);
  CHECK(c.broker.id == "15376371009");

  REQUIRE(c.stations.size() == 2);
  const StationConfig& s1 = c.stations[0];
  CHECK(s1.id == "15376371009_01");
  CHECK(s1.primitive_version == 2);
  CHECK(s1.aux_digit == 3);
  CHECK(s1.segregation_code == "01");
  CHECK(s1.application_code.empty());
  CHECK(s1.duplicate_receipt_answer == DuplicateReceiptAnswer::kReceiptDuplicata);
  CHECK(s1.broadcast);
  const StationConfig& s2 = c.stations[1];
  CHECK(s2.id == "15376371009_02");
  CHECK(s2.primitive_version == 1);
  CHECK(s2.aux_digit == 0);
  CHECK(s2.application_code == "12");
  CHECK(s2.segregation_code.empty());
  CHECK(s2.duplicate_receipt_answer == DuplicateReceiptAnswer::kOk);
  CHECK_FALSE(s2.broadcast);
  CHECK(c.findStation("15376371009_02") == &s2);
  CHECK(c.findStation("nope") == nullptr);

  REQUIRE(c.creditor_institutions.size() == 2);
  const CreditorInstitutionConfig& ec = c.creditor_institutions[0];
  CHECK(ec.fiscal_code == "80015010723");
  CHECK(ec.name == "Comune di Valbruna");
  CHECK(ec.office == "Ufficio Tributi");
  CHECK(ec.station == "15376371009_01");
  CHECK(ec.iban == "IT61X0306909606100000012345");
  CHECK(ec.postal_iban == "IT66K0760103200001012345678");
  CHECK(ec.ledger_routes == std::vector<std::string>{"tributi", "contabilita.finanziaria"});
  REQUIRE(ec.api_keys.size() == 2);
  CHECK(ec.api_keys[0].name == "gestionale");
  // Upper-case hex in the file is normalised to lower case.
  CHECK(ec.api_keys[0].sha256 ==
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  CHECK(ec.api_keys[1].name == "portale");
  REQUIRE(ec.services.size() == 2);
  const ServiceConfig& fixed = ec.services[0];
  CHECK(fixed.id_servizio == "00001");
  CHECK(fixed.id_soggetto_servizio == "00007");
  CHECK(fixed.description == "Diritti di segreteria");
  CHECK(fixed.category == "9/0101108TS/");
  CHECK(fixed.remittance == "Diritti di segreteria certificati anagrafici");
  CHECK(fixed.amount.kind == ServiceAmountConfig::Kind::kFixed);
  CHECK(fixed.amount.fixed == 1600);
  CHECK(fixed.due_days == 15);
  const ServiceConfig& field = ec.services[1];
  CHECK(field.id_servizio == "00002");
  CHECK(field.remittance.empty());
  CHECK(field.amount.kind == ServiceAmountConfig::Kind::kFromField);
  CHECK(field.amount.from_field == "importo");
  CHECK(field.amount.min == 100);
  CHECK(field.amount.max == 50000);
  CHECK(field.due_days == 30);
  const CreditorInstitutionConfig& ec2 = c.creditor_institutions[1];
  CHECK(ec2.fiscal_code == "83000390019");
  CHECK(ec2.station == "15376371009_02");
  CHECK(ec2.office.empty());
  CHECK(c.findCreditorInstitution("83000390019") == &ec2);
  CHECK(c.findCreditorInstitution("00000000000") == nullptr);

  const NodeListenerConfig& nl = c.node_listener;
  CHECK(nl.address == "0.0.0.0");
  CHECK(nl.port == 9443);
  CHECK(nl.soap_path == "/nodo/paForNode");
  CHECK(nl.threads == 4);
  // Relative paths are resolved against the directory of the file; absolute ones are kept.
  CHECK(nl.tls.certificate == kTestDir + "/certs/server.pem");
  CHECK(nl.tls.private_key == "/etc/ponte/private/server.key");
  CHECK(nl.tls.client_ca == kTestDir + "/certs/node-ca.pem");
  CHECK(nl.tls.allowed_subjects ==
        std::vector<std::string>{"CN=forwarder.platform.pagopa.it,O=PagoPA S.p.A.,C=IT"});
  CHECK(
      nl.tls.allowed_fingerprints ==
      std::vector<std::string>{"abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"});
  CHECK(nl.timeouts.handshake == std::chrono::milliseconds(5000));
  CHECK(nl.timeouts.read_header == std::chrono::milliseconds(4000));
  CHECK(nl.timeouts.read_body == std::chrono::milliseconds(6000));
  CHECK(nl.timeouts.write == std::chrono::milliseconds(7000));
  CHECK(nl.timeouts.idle == std::chrono::milliseconds(30000));
  CHECK(nl.limits.max_body_bytes == 524288);
  CHECK(nl.limits.max_depth == 24);
  CHECK(nl.limits.max_string_length == 2048);
  CHECK(nl.limits.max_occurs == 50);

  const ApiListenerConfig& al = c.api_listener;
  CHECK(al.enabled);
  CHECK(al.port == 9444);
  CHECK(al.threads == 3);
  CHECK(al.tls.certificate == kTestDir + "/certs/api.pem");
  CHECK(al.tls.private_key == "/etc/ponte/private/api.key");
  CHECK(al.tls.client_ca == kTestDir + "/certs/backoffice-ca.pem");
  CHECK(al.tls.require_client_certificate);
  REQUIRE(al.tls.client_certificates.size() == 1);
  CHECK(al.tls.client_certificates[0].creditor_institutions ==
        std::vector<std::string>{"80015010723"});
  CHECK(al.limits.max_body_bytes == 65536);
  CHECK(al.limits.max_bulk_bytes == 1048576);
  CHECK(al.limits.bulk_batch == 500);
  REQUIRE(al.intermediary_keys.size() == 1);
  CHECK(al.intermediary_keys[0].creditor_institutions ==
        std::vector<std::string>{"80015010723", "83000390019"});

  REQUIRE(c.ledgers.size() == 4);
  CHECK(c.ledgers[0].type == LedgerType::kWebhook);
  using Options = std::vector<std::pair<std::string, std::string>>;
  CHECK(c.ledgers[0].options == Options{{"url", "https://tributi.valbruna.example/ricevute"},
                                        {"secret_file", kTestDir + "/secrets/tributi.secret"},
                                        {"timeout_ms", "5000"}});
  CHECK(c.ledgers[1].type == LedgerType::kSpool);
  CHECK(c.ledgers[1].options ==
        Options{{"directory", "/var/spool/ponte/contabilita"}, {"format", "xml"}});
  CHECK(c.ledgers[2].type == LedgerType::kJournal);
  CHECK(c.ledgers[2].options == Options{{"directory", kTestDir + "/journal"}});
  CHECK(c.ledgers[3].type == LedgerType::kPlugin);
  CHECK(c.ledgers[3].plugin == "/usr/lib/ponte/ledgers/gestionale.so");
  CHECK(c.ledgers[3].options == Options{{"endpoint", "https://gestionale.example/api"}});
  CHECK(c.findLedger("registro") == &c.ledgers[2]);
  CHECK(c.findLedger("nope") == nullptr);
  CHECK(c.outbox.workers == 3);
  CHECK(c.outbox.initial_backoff_s == 10);
  CHECK(c.outbox.max_backoff_s == 3600);
  CHECK(c.outbox.jitter == 0.5);
  CHECK(c.outbox.alert_after_s == 600);
  CHECK(c.outbox.lease_s == 120);
  CHECK(c.outbox.batch == 50);
  CHECK(c.outbox.nice == 5);
  CHECK(c.outbox.yield_to_node_ms == 0);

  REQUIRE(ec.return_urls.has_value());
  CHECK(ec.return_urls->ok == "https://portale.valbruna.example/pagato");
  CHECK(ec.return_urls->cancel == "https://portale.valbruna.example/annullato");
  CHECK(ec.return_urls->error == "https://portale.valbruna.example/errore");
  CHECK(ec.return_urls->waiting == "https://portale.valbruna.example/attesa");
  CHECK_FALSE(ec2.return_urls.has_value());
  REQUIRE(c.checkout.has_value());
  CHECK(c.checkout->base_url == "https://api.platform.pagopa.it/checkout/ec/v1");
  CHECK(c.checkout->version == 1);
  CHECK(c.checkout->subscription_key_file == kTestDir + "/secrets/checkout.key");
  CHECK(c.checkout->timeout_ms == 4000);
  CHECK(c.checkout->ca_file == kTestDir + "/certs/pagopa-ca.pem");
  REQUIRE(c.fee_calculator.has_value());
  CHECK(c.fee_calculator->base_url ==
        "https://api.platform.pagopa.it/afm/calculator-service/v2");
  CHECK(c.fee_calculator->subscription_key_file == kTestDir + "/secrets/calculator.key");
  CHECK(c.fee_calculator->timeout_ms == 1500);
  CHECK(c.fee_calculator->cache_ttl_s == 120);
  CHECK(c.fee_calculator->stale_max_s == 7200);
  CHECK(c.fee_calculator->ca_file.empty());
  CHECK(c.psp_catalogue_file == kTestDir + "/catalogue/informativa-psp.xml");

  CHECK(c.storage.engine == StorageEngine::kSqlite);
  CHECK(c.storage.path == kTestDir + "/data/ponte.db");
  CHECK(c.logging.level == LogLevel::kDebug);
  CHECK(c.time_zone == "Europe/Rome");
}

TEST_CASE("a relative config name resolves paths against the current directory", "[unit]") {
  ConfigResult r = parseConfigText(join(kMinimal), "t.yaml");
  REQUIRE(r.ok());
  const std::string cwd = std::filesystem::current_path().string();
  CHECK(r.config->node_listener.tls.client_ca == cwd + "/ca.pem");
  CHECK(r.config->storage.path == cwd + "/ponte.db");
}

TEST_CASE("an unknown key names file, line and key path", "[unit]") {
  CHECK(errorsOf(inserted(7, "    segregaton_code: \"02\"")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:8: stations[0].segregaton_code: unknown key (expected one of: id, "
            "primitive_version, aux_digit, segregation_code, application_code, "
            "duplicate_receipt_answer, broadcast)"});
  CHECK(errorsOf(inserted(19, "loging:\n  level: info")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:20: loging: unknown key (expected one of: broker, stations, "
            "creditor_institutions, node_listener, admin_listener, api_listener, audit, ledgers, "
            "outbox, checkout, fee_calculator, psp_catalogue_file, storage, logging, "
            "time_zone)"});
}

TEST_CASE("a repeated key is an error", "[unit]") {
  CHECK(errorsOf(inserted(12, "    iban: IT68A0306909606100000067890")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:13: creditor_institutions[0].iban: repeated "
                                 "key: each key may appear once"});
}

TEST_CASE("a wrong type names the key", "[unit]") {
  CHECK(errorsOf(replaced(5, "    primitive_version: two")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:5: stations[0].primitive_version: must be a "
                                 "whole number (must be 1 or 2)"});
  // A quoted number is text, not a number.
  CHECK(
      errorsOf(inserted(13, "  port: \"8443\"")) ==
      std::vector<std::string>{"/etc/ponte/t.yaml:14: node_listener.port: must be a whole number"});
  CHECK(errorsOf(replaced(10, "    name: [Comune, di, Valbruna]")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:10: creditor_institutions[0].name: must be a "
                                 "single value, not a list"});
  std::vector<std::string> scalar_stations = kMinimal;
  scalar_stations.erase(scalar_stations.begin() + 3, scalar_stations.begin() + 7);
  scalar_stations[2] = "stations: S1";
  CHECK(errorsOf(join(scalar_stations)) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:3: stations: must be a list",
                                 "/etc/ponte/t.yaml:7: creditor_institutions[0].station: no "
                                 "station \"S1\" is defined under stations"});
  CHECK(errorsOf(inserted(19, "logging: debug")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:20: logging: must be a mapping (key: value lines)"});
  CHECK(errorsOf(inserted(7, "    broadcast: yes")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:8: stations[0].broadcast: must be true or false"});
}

TEST_CASE("station rules: aux digit and its codes", "[unit]") {
  CHECK(
      errorsOf(replaced(6, "    aux_digit: 4")) ==
      std::vector<std::string>{"/etc/ponte/t.yaml:6: stations[0].aux_digit: must be 0, 1, 2 or 3"});
  // aux 3 without a segregation code: blamed on the station, at its first line.
  CHECK(errorsOf(replaced(7, "    broadcast: false")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:4: stations[0].segregation_code: required when aux_digit is 3"});
  CHECK(errorsOf(replaced(6, "    aux_digit: 0")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:4: stations[0].application_code: required when aux_digit is 0",
            "/etc/ponte/t.yaml:7: stations[0].segregation_code: is used only with aux_digit 3, "
            "this station has 0"});
  CHECK(errorsOf(replaced(7, "    segregation_code: 1")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:7: stations[0].segregation_code: must be two "
                                 "digits, 00 to 99 (quote it: \"01\")"});
  CHECK(errorsOf(inserted(7, "    duplicate_receipt_answer: KO")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:8: stations[0].duplicate_receipt_answer: must "
                                 "be ok or PAA_RECEIPT_DUPLICATA"});
}

TEST_CASE("a duplicate station id names both lines", "[unit]") {
  CHECK(errorsOf(inserted(7, "  - id: S1\n    primitive_version: 1\n    aux_digit: 2")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:8: stations[1].id: station \"S1\" is already "
                                 "defined at line 4"});
}

TEST_CASE("an EC on a missing station", "[unit]") {
  CHECK(errorsOf(replaced(11, "    station: S2")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:11: creditor_institutions[0].station: no "
                                 "station \"S2\" is defined under stations"});
}

TEST_CASE("the stations are known whatever the order of the sections", "[unit]") {
  std::vector<std::string> lines = kMinimal;
  // creditor_institutions (lines 8-12) before broker and stations (lines 1-7).
  std::rotate(lines.begin(), lines.begin() + 7, lines.begin() + 12);
  ConfigResult r = parseConfigText(join(lines), "t.yaml");
  INFO(dump(errorTexts(r)));
  CHECK(r.ok());
}

TEST_CASE("creditor institution fields are validated", "[unit]") {
  CHECK(errorsOf(replaced(9, "  - fiscal_code: \"8001501072\"")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:9: creditor_institutions[0].fiscal_code: must "
                                 "be 11 digits (the EC's numeric codice fiscale; quote it to keep "
                                 "leading zeros)"});
  CHECK(errorsOf(inserted(12,
                          "  - fiscal_code: \"80015010723\"\n    name: B\n    station: S1\n"
                          "    iban: IT68A0306909606100000067890")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:13: creditor_institutions[1].fiscal_code: "
                                 "creditor institution 80015010723 is already defined at line 9"});
  CHECK(errorsOf(replaced(10, "    name: " + std::string(141, 'x'))) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:10: creditor_institutions[0].name: must be 1 "
                                 "to 140 characters long, not 141"});
  // Characters, not bytes: 140 'è' are 280 bytes and fit.
  std::string e140;
  for (int i = 0; i < 140; ++i) e140 += "\xC3\xA8";
  CHECK(errorsOf(replaced(10, "    name: " + e140)).empty());
}

TEST_CASE("IBANs are checked for shape, Italian length and mod 97", "[unit]") {
  CHECK(errorsOf(replaced(12, "    iban: IT61X0306909606100000012346")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:12: creditor_institutions[0].iban: has a wrong "
                                 "check (ISO 13616 mod 97): look for a typing error"});
  CHECK(errorsOf(replaced(12, "    iban: IT61X030690960610000001234")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:12: creditor_institutions[0].iban: an Italian "
                                 "IBAN has 27 characters, this one has 26"});
  CHECK(errorsOf(replaced(12, "    iban: \"IT61 X030 6909 6061 0000 0012 345\"")).at(0) ==
        "/etc/ponte/t.yaml:12: creditor_institutions[0].iban: is not an IBAN: 2 capital letters, "
        "2 check digits, then up to 30 capital letters or digits, without spaces");
  CHECK(errorsOf(inserted(12, "    postal_iban: IT61X0306909606100000012345")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:13: creditor_institutions[0].postal_iban: is "
                                 "not a Poste Italiane account: an Italian IBAN with ABI 07601"});
  CHECK(isValidIban("IT61X0306909606100000012345"));
  CHECK(isValidIban("DE89370400440532013000"));
  CHECK_FALSE(isValidIban("DE89370400440532013001"));
  CHECK_FALSE(isValidIban("it61X0306909606100000012345"));
  CHECK_FALSE(isValidIban("IT6"));
  CHECK_FALSE(isValidIban(""));
}

TEST_CASE("service amounts use the strict decimal form", "[unit]") {
  const std::string service =
      "    services:\n"
      "      - id_servizio: \"00001\"\n"  // 13
      "        id_soggetto_servizio: \"00002\"\n"
      "        description: Diritti\n"
      "        category: 9/0101108TS/\n"
      "        amount: { fixed: ";  // 17
  CHECK(errorsOf(inserted(12, service + "\"16.00\" }")).empty());
  CHECK(errorsOf(inserted(12, service + "16.00 }")).empty());
  CHECK(errorsOf(inserted(12, service + "\"16\" }")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:18: creditor_institutions[0].services[0].amount.fixed: must be an "
            "amount in euro with two decimals, like \"16.00\" (at most 999999999.99)"});
  CHECK(errorsOf(inserted(12, service + "16.5 }")).size() == 1);
  CHECK(errorsOf(inserted(12, service + "\"-1.00\" }")).size() == 1);
  CHECK(errorsOf(inserted(12, service + "\"0.00\" }")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:18: "
                                 "creditor_institutions[0].services[0].amount.fixed: must be at "
                                 "least 0.01"});
  const std::string by_field =
      "    services:\n"
      "      - id_servizio: \"00001\"\n"
      "        id_soggetto_servizio: \"00002\"\n"
      "        description: Diritti\n"
      "        category: 9/0101108TS/\n"
      "        amount: { from_field: importo, min: \"10.00\", max: \"5.00\" }";
  CHECK(errorsOf(inserted(12, by_field)) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:18: "
                                 "creditor_institutions[0].services[0].amount.max: must not be "
                                 "less than min (10.00)"});
  const std::string both =
      "    services:\n"
      "      - id_servizio: \"00001\"\n"
      "        id_soggetto_servizio: \"00002\"\n"
      "        description: Diritti\n"
      "        category: 9/0101108TS/\n"
      "        amount: { fixed: \"1.00\", from_field: importo }";
  CHECK(errorsOf(inserted(12, both)) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:18: "
                                 "creditor_institutions[0].services[0].amount: fixed excludes "
                                 "from_field, min and max: choose one form"});
}

TEST_CASE("api keys are SHA-256 hex and never shared", "[unit]") {
  const std::string h = std::string(64, 'a');
  CHECK(errorsOf(inserted(12, "    api_keys:\n      - name: a\n        sha256: abc")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:15: creditor_institutions[0].api_keys[0].sha256: must be 64 hex "
            "digits: the SHA-256 of the key, e.g. from `printf %s KEY | sha256sum`"});
  CHECK(errorsOf(inserted(12, "    api_keys:\n      - name: a\n        sha256: " + h +
                                  "\n      - name: b\n        sha256: " + h)) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:17: creditor_institutions[0].api_keys[1].sha256: the same key is "
            "configured at line 15: every key must be different"});
}

TEST_CASE("missing required keys are reported at their parent's line", "[unit]") {
  CHECK(errorsOf(replaced(2, "  {}")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:2: broker.id: missing required key"});
  CHECK(errorsOf(replaced(12, "    office: Tributi")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:9: creditor_institutions[0].iban: missing required key"});
  CHECK(errorsOf(replaced(12, "    iban:")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:12: creditor_institutions[0].iban: needs a "
                                 "value"});
  CHECK(errorsOf(replaced(19, "  engine: sqlite")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:19: storage.path: missing required key"});
  std::vector<std::string> no_broker = kMinimal;
  no_broker.erase(no_broker.begin(), no_broker.begin() + 2);
  CHECK(errorsOf(join(no_broker)) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:1: broker: missing required key"});
}

TEST_CASE("listener values are range-checked", "[unit]") {
  CHECK(errorsOf(inserted(13, "  port: 70000")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:14: node_listener.port: must be between 0 and 65535"});
  CHECK(errorsOf(inserted(13, "  address: localhost")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:14: node_listener.address: must be an IPv4 or "
                                 "IPv6 address such as 127.0.0.1, 0.0.0.0 or ::"});
  CHECK(errorsOf(inserted(13, "  address: \"::1\"")).empty());
  CHECK(errorsOf(inserted(13, "  soap_path: nodo")).size() == 1);
  CHECK(errorsOf(inserted(13, "  limits: { max_occurs: 10 }")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:14: node_listener.limits.max_occurs: must be "
                                 "between 15 and 100000"});
  CHECK(errorsOf(inserted(13, "  timeouts_ms: { idle: 0 }")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:14: node_listener.timeouts_ms.idle: must be "
                                 "between 1 and 3600000"});
  CHECK(errorsOf(inserted(17, "    allowed_fingerprints: [\"AB:CD\"]")).size() == 1);
}

TEST_CASE("outbox values are range-checked", "[unit]") {
  const std::string line = std::to_string(kMinimal.size() + 2);
  CHECK(errorsOf(join(kMinimal) + "outbox:\n  yield_to_node_ms: 5000\n") ==
        std::vector<std::string>{"/etc/ponte/t.yaml:" + line +
                                 ": outbox.yield_to_node_ms: must be between 0 and 1000"});
  CHECK(errorsOf(join(kMinimal) + "outbox:\n  nice: 20\n") ==
        std::vector<std::string>{"/etc/ponte/t.yaml:" + line +
                                 ": outbox.nice: must be between 0 and 19"});
  CHECK(errorsOf(join(kMinimal) + "outbox:\n  yield_to_node_ms: 0\n").empty());
}

TEST_CASE("every error of a file is reported, in line order", "[unit]") {
  std::vector<std::string> lines = kMinimal;
  lines[5] = "    aux_digit: 9";                        // 6
  lines[10] = "    station: S9";                        // 11
  lines[11] = "    iban: IT00X0306909606100000012345";  // 12
  lines[18] = "  path: \"\"";                           // 19
  lines.push_back("time_zone: Europe/../etc");          // 20
  lines.push_back("logging: { level: verbose }");       // 21
  const std::vector<std::string> errors = errorsOf(join(lines));
  INFO(dump(errors));
  REQUIRE(errors.size() == 6);
  CHECK(errors[0] == "/etc/ponte/t.yaml:6: stations[0].aux_digit: must be 0, 1, 2 or 3");
  CHECK(errors[1] ==
        "/etc/ponte/t.yaml:11: creditor_institutions[0].station: no station \"S9\" "
        "is defined under stations");
  CHECK(errors[2].rfind("/etc/ponte/t.yaml:12: creditor_institutions[0].iban: has a wrong check",
                        0) == 0);
  CHECK(errors[3] == "/etc/ponte/t.yaml:19: storage.path: must not be empty");
  CHECK(errors[4] ==
        "/etc/ponte/t.yaml:20: time_zone: must be an IANA time zone name such as Europe/Rome");
  CHECK(errors[5] == "/etc/ponte/t.yaml:21: logging.level: must be debug, info, warning or error");
}

TEST_CASE("unreadable, empty and malformed files", "[unit]") {
  ConfigResult missing = parseConfig("/nonexistent/ponte.yaml");
  CHECK_FALSE(missing.ok());
  CHECK(errorTexts(missing) ==
        std::vector<std::string>{"/nonexistent/ponte.yaml: cannot read the file: No such file "
                                 "or directory"});
  CHECK(errorsOf("") ==
        std::vector<std::string>{"/etc/ponte/t.yaml: the configuration is empty: expected broker, "
                                 "stations, creditor_institutions, node_listener and storage"});
  CHECK(errorsOf("broker: [a,\nstations: 1\n") ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:3: YAML syntax error: end of sequence flow not found"});
  CHECK(errorsOf("- a\n- b\n") ==
        std::vector<std::string>{"/etc/ponte/t.yaml:1: must be a mapping (key: value lines)"});

  testing::TempDir dir;
  testing::writeFile(dir / "ponte.yaml", join(kMinimal));
  ConfigResult ok = parseConfig((dir / "ponte.yaml").string());
  REQUIRE(ok.ok());
  CHECK(ok.config->storage.path == (dir / "ponte.db").string());
}

TEST_CASE("ConfigError text leaves out the parts that are not set", "[unit]") {
  CHECK(ConfigError{"a.yaml", 3, "x.y", "bad"}.text() == "a.yaml:3: x.y: bad");
  CHECK(ConfigError{"a.yaml", 0, "", "unreadable"}.text() == "a.yaml: unreadable");
}

TEST_CASE("storage: the postgres engine takes a dsn, a password file and pool settings", "[unit]") {
  const std::string postgres =
      "  engine: postgres\n"
      "  dsn: \"host=db1,db2 dbname=ponte user=ponte target_session_attrs=read-write\"\n"
      "  password_file: secrets/db-password\n"
      "  pool: {size: 16, connect_timeout_ms: 500, statement_timeout_ms: 3000}";
  ConfigResult r = parseConfigText(replaced(19, postgres), "/etc/ponte/t.yaml");
  INFO(dump(errorTexts(r)));
  REQUIRE(r.ok());
  const StorageConfig& s = r.config->storage;
  CHECK(s.engine == StorageEngine::kPostgres);
  CHECK(s.dsn == "host=db1,db2 dbname=ponte user=ponte target_session_attrs=read-write");
  CHECK(s.password_file == "/etc/ponte/secrets/db-password");
  CHECK(s.path.empty());
  CHECK(s.pool.size == 16);
  CHECK(s.pool.connect_timeout_ms == 500);
  CHECK(s.pool.statement_timeout_ms == 3000);

  // The defaults, with only the dsn given.
  ConfigResult d = parseConfigText(replaced(19, "  engine: postgres\n  dsn: \"dbname=ponte\""),
                                   "/etc/ponte/t.yaml");
  INFO(dump(errorTexts(d)));
  REQUIRE(d.ok());
  CHECK(d.config->storage.password_file.empty());
  CHECK(d.config->storage.pool.size == 8);
  CHECK(d.config->storage.pool.connect_timeout_ms == 1000);
  CHECK(d.config->storage.pool.statement_timeout_ms == 2000);
}

TEST_CASE("storage: each engine refuses the other's keys, passwords in the dsn and bad pools",
          "[unit]") {
  CHECK(errorsOf(replaced(19, "  engine: postgres\n  path: ponte.db")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:19: storage.dsn: missing required key",
            "/etc/ponte/t.yaml:20: storage.path: is a key of engine sqlite, not of postgres"});
  CHECK(errorsOf(inserted(19, "  dsn: \"dbname=ponte\"")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:20: storage.dsn: is a key of engine postgres, not of sqlite"});
  CHECK(errorsOf(replaced(19, "  engine: postgres\n  dsn: \"dbname=ponte password=secret\"")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:20: storage.dsn: must not hold a password: "
                                 "put it in a file named by password_file"});
  CHECK(errorsOf(replaced(19, "  engine: postgres\n  dsn: \"postgresql://ponte:secret@db/p\"")) ==
        std::vector<std::string>{"/etc/ponte/t.yaml:20: storage.dsn: must not hold a password: "
                                 "put it in a file named by password_file"});
  CHECK(
      errorsOf(replaced(19, "  engine: mysql\n  path: ponte.db")) ==
      std::vector<std::string>{"/etc/ponte/t.yaml:19: storage.engine: must be sqlite or postgres"});
  CHECK(errorsOf(replaced(19,
                          "  engine: postgres\n  dsn: \"dbname=p\"\n"
                          "  pool: {size: 0, statement_timeout_ms: 50, spare: 1}")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:21: storage.pool.spare: unknown key (expected one of: size, "
            "connect_timeout_ms, statement_timeout_ms)",
            "/etc/ponte/t.yaml:21: storage.pool.size: must be between 1 and 256",
            "/etc/ponte/t.yaml:21: storage.pool.statement_timeout_ms: must be between 100 and "
            "600000"});
}

TEST_CASE("portal upstreams: defaults, required keys and the fee deadline", "[unit]") {
  ConfigResult minimal = parseConfigText(join(kMinimal), "/etc/ponte/t.yaml");
  REQUIRE(minimal.ok());
  CHECK_FALSE(minimal.config->checkout.has_value());
  CHECK_FALSE(minimal.config->fee_calculator.has_value());
  CHECK(minimal.config->psp_catalogue_file.empty());
  CHECK_FALSE(minimal.config->creditor_institutions[0].return_urls.has_value());

  ConfigResult r = parseConfigText(join(kMinimal) +
                                       "checkout:\n"
                                       "  base_url: https://checkout.example/ec/v2/\n"
                                       "  version: 2\n"
                                       "  subscription_key_file: keys/checkout.key\n"
                                       "fee_calculator:\n"
                                       "  base_url: http://127.0.0.1:8080/v2\n"
                                       "  subscription_key_file: /k/calc.key\n",
                                   "/etc/ponte/t.yaml");
  INFO(dump(errorTexts(r)));
  REQUIRE(r.ok());
  CHECK(r.config->checkout->base_url == "https://checkout.example/ec/v2");  // no trailing '/'
  CHECK(r.config->checkout->version == 2);
  CHECK(r.config->checkout->subscription_key_file == "/etc/ponte/keys/checkout.key");
  CHECK(r.config->checkout->timeout_ms == 5000);
  CHECK(r.config->fee_calculator->timeout_ms == 2000);
  CHECK(r.config->fee_calculator->cache_ttl_s == 60);

  CHECK(errorsOf(join(kMinimal) + "checkout:\n  version: 3\n") ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:21: checkout.base_url: missing required key",
            "/etc/ponte/t.yaml:21: checkout.version: must be 1 or 2 (Checkout's EC API version)",
            "/etc/ponte/t.yaml:21: checkout.subscription_key_file: missing required key"});
  CHECK(errorsOf(join(kMinimal) +
                 "fee_calculator:\n  base_url: http://calc.example/v2\n"
                 "  subscription_key_file: k\n  timeout_ms: 2500\n") ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:21: fee_calculator.base_url: must be an https:// URL (http:// only "
            "to 127.0.0.1, localhost or [::1])",
            "/etc/ponte/t.yaml:23: fee_calculator.timeout_ms: must be between 100 and 2000: a "
            "portal page waits for the fees"});
}

TEST_CASE("return URLs of an EC need ok, cancel and error as URLs", "[unit]") {
  CHECK(errorsOf(inserted(12, "    return_urls:\n      ok: https://p.example/ok\n"
                              "      cancel: ftp://p.example/c\n")) ==
        std::vector<std::string>{
            "/etc/ponte/t.yaml:14: creditor_institutions[0].return_urls.error: missing required "
            "key",
            "/etc/ponte/t.yaml:15: creditor_institutions[0].return_urls.cancel: must be an "
            "https:// (or http://) URL without spaces"});
}
