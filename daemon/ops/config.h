// ponte's configuration: the YAML file parsed once into plain typed structs. The defaults live
// here, in the member initializers, and nowhere else; business code never sees a YAML node.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/money.h"
#include "ops/log.h"

namespace ponte::ops {

// What a station answers when a different receipt arrives for a notice already paid.
enum class DuplicateReceiptAnswer {
  kOk,                // "ok": OK (the receipt is stored and flagged either way)
  kReceiptDuplicata,  // "PAA_RECEIPT_DUPLICATA": KO with that fault
};

// The intermediary all stations belong to.
struct BrokerConfig {
  std::string id;  // idBrokerPA, 1..35 characters
};

// One station (idStation): an endpoint registered on the node.
struct StationConfig {
  std::string id;                // idStation, 1..35 characters, unique
  int primitive_version = 2;     // VERSIONE_PRIMITIVE on the node: 1 or 2 (required key)
  int aux_digit = 3;             // 0..3 (required key)
  std::string segregation_code;  // two digits, set exactly when aux_digit is 3
  std::string application_code;  // two digits, set exactly when aux_digit is 0
  DuplicateReceiptAnswer duplicate_receipt_answer = DuplicateReceiptAnswer::kOk;
  bool broadcast = false;  // the node also sends it receipts where its ECs are only beneficiaries
};

// A back-office credential of one EC: only the SHA-256 of the key is configured.
struct ApiKeyConfig {
  std::string name;    // for logs and audit, unique within the EC
  std::string sha256;  // 64 lower-case hex digits (upper case in the file is accepted)
};

// How a spontaneous payment's amount is found.
struct ServiceAmountConfig {
  enum class Kind { kFixed, kFromField };
  Kind kind = Kind::kFixed;
  core::Cents fixed = 0;   // kFixed: the amount, >= 0.01
  std::string from_field;  // kFromField: element of datiSpecificiServizioRequest holding it
  core::Cents min = 1;     // kFromField: bounds of the amount asked, inclusive
  core::Cents max = core::kMaxCents;
};

// One entry of an EC's service catalogue, for paDemandPaymentNotice.
struct ServiceConfig {
  std::string id_servizio;           // 5 characters
  std::string id_soggetto_servizio;  // 5 characters; the pair is unique within the EC
  std::string description;           // 1..140 characters, becomes the payment description
  std::string category;              // taxonomy code of the transfer, e.g. "9/0101100IM/"
  std::string remittance;            // remittanceInformation, 0..140; empty: use description
  ServiceAmountConfig amount;
  int due_days = 30;  // due date = the day of the request + due_days, 0..3650
};

// Where pagoPA Checkout sends the citizen's browser after a cart: the EC's defaults, used when
// a portal's cart request names none. Each an absolute http(s) URL; waiting only for Checkout v2.
struct ReturnUrlsConfig {
  std::string ok;
  std::string cancel;
  std::string error;
  std::string waiting;  // empty: ok is used (Checkout v2 requires one)
};

// A creditor institution (EC, a municipality) served by this daemon.
struct CreditorInstitutionConfig {
  std::string fiscal_code;                 // idPA: 11 digits, unique
  std::string name;                        // companyName, 1..140 characters
  std::string office;                      // officeName, 0..140; empty: not sent
  std::string station;                     // id of a configured station
  std::string iban;                        // default credit account, upper case, no spaces
  std::string postal_iban;                 // Poste Italiane account (ABI 07601); empty: none
  std::vector<std::string> ledger_routes;  // names of the ledgers receipts go to, in order
  std::vector<ApiKeyConfig> api_keys;
  std::vector<ServiceConfig> services;
  std::optional<ReturnUrlsConfig> return_urls;  // portal carts' defaults; nullopt: none
};

struct TlsConfig {
  std::string certificate;  // PEM server certificate (chain), absolute path
  std::string private_key;  // PEM private key, unencrypted, absolute path
  std::string client_ca;    // PEM CA bundle that must have issued the node's certificate
  // When non-empty, the client certificate's subject (one-line RFC 2253 form, as printed by
  // `openssl x509 -noout -subject -nameopt RFC2253`, without "subject=") must be one of these.
  std::vector<std::string> allowed_subjects;
  // When non-empty, the SHA-256 of the client certificate (DER) must be one of these:
  // 64 lower-case hex digits (the file may use upper case and ':' separators).
  std::vector<std::string> allowed_fingerprints;
};

struct TimeoutsConfig {
  std::chrono::milliseconds handshake{10'000};
  std::chrono::milliseconds read_header{10'000};
  std::chrono::milliseconds read_body{10'000};
  std::chrono::milliseconds write{10'000};
  std::chrono::milliseconds idle{60'000};  // a kept-alive connection with no request is closed
};

// Bounds on what a request may cost, checked before and while parsing the SOAP body.
struct LimitsConfig {
  std::size_t max_body_bytes = 1'048'576;
  int max_depth = 32;                    // XML element nesting
  std::size_t max_string_length = 4096;  // bytes of one text node or attribute
  int max_occurs = 100;                  // elements of one repeated kind
};

// The HTTPS listener the pagoPA node calls (mutual TLS).
struct NodeListenerConfig {
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal
  std::uint16_t port = 8443;          // 0: any free port (tests)
  std::string soap_path = "/";        // the path part of the station URL registered on the node
  int threads = 0;                    // 0: one per core
  TlsConfig tls;
  TimeoutsConfig timeouts;
  LimitsConfig limits;
};

// The operators' HTTP listener: /healthz, /readyz and /metrics (Prometheus text). Plain HTTP,
// so keep it on loopback or behind a firewall.
struct AdminListenerConfig {
  bool enabled = true;
  std::string address = "127.0.0.1";
  std::uint16_t port = 9464;  // 0: any free port (tests)
};

// A client certificate of the back office, by subject, and the ECs it may act for.
struct ApiClientCertificateConfig {
  std::string subject;  // RFC 2253, as `openssl x509 -noout -subject -nameopt RFC2253` prints it
  std::vector<std::string> creditor_institutions;  // fiscal codes of configured ECs, at least one
};

// An intermediary's back-office key: one key enabled for several ECs (each EC's own keys are
// under creditor_institutions[].api_keys).
struct ApiIntermediaryKeyConfig {
  std::string name;    // for logs, unique among the intermediary keys
  std::string sha256;  // 64 lower-case hex digits; no other key may have the same hash
  std::vector<std::string> creditor_institutions;  // fiscal codes of configured ECs, at least one
};

struct ApiTlsConfig {
  std::string certificate;  // PEM server certificate (chain), absolute path
  std::string private_key;  // PEM private key, unencrypted, absolute path
  std::string client_ca;    // PEM CA bundle for client certificates; empty: none are asked for
  // true: a connection without a valid client certificate is refused (then keys are still
  // checked, and a certificate alone admits only when it is mapped below).
  bool require_client_certificate = false;
  std::vector<ApiClientCertificateConfig> client_certificates;
};

struct ApiLimitsConfig {
  std::size_t max_body_bytes = 1'048'576;    // any request but a bulk import
  std::size_t max_bulk_bytes = 67'108'864;   // a bulk import's body
  std::size_t bulk_batch = 1000;             // positions committed together in a bulk import
};

// The back-office HTTPS listener of the municipalities (JSON, GPD-compatible debt positions).
struct ApiListenerConfig {
  bool enabled = false;
  std::string address = "127.0.0.1";
  std::uint16_t port = 8444;  // 0: any free port (tests)
  int threads = 2;            // event-loop threads, 1..64
  ApiTlsConfig tls;           // required when enabled
  TimeoutsConfig timeouts;
  ApiLimitsConfig limits;
  std::vector<ApiIntermediaryKeyConfig> intermediary_keys;
};

// How a ledger receives receipts: a built-in adapter or a plugin (a shared object).
enum class LedgerType { kWebhook, kSpool, kJournal, kPlugin };

// "webhook", "spool", "journal", "plugin".
std::string_view toString(LedgerType type);

// A municipality's accounting system that receipts are forwarded to (a ledger route), named by
// creditor_institutions[].ledger_routes. The options are the type's keys as text, checked and with
// paths made absolute, handed to the adapter as they are:
//   webhook: url, secret_file, timeout_ms, client_certificate, client_key, ca_file
//   spool:   directory, format (json or xml)
//   journal: directory
//   plugin:  the keys under `options`, passed through unchecked
struct LedgerConfig {
  std::string name;  // 1..64 letters, digits, '_', '-', '.'; unique
  LedgerType type = LedgerType::kWebhook;
  std::string plugin;  // kPlugin: the shared object, absolute path
  std::vector<std::pair<std::string, std::string>> options;  // in the file's order
};

// The outbox workers that deliver receipts to the ledgers.
struct OutboxConfig {
  int workers = 2;              // delivery threads, 1..64
  int initial_backoff_s = 30;   // wait after the first failed attempt, 1..86400
  int max_backoff_s = 21'600;   // longest wait (6 h), initial_backoff_s..604800
  double jitter = 0.2;          // 0..1: each wait is shortened by up to this fraction
  int alert_after_s = 3600;     // a delivery pending longer raises an alert, 1..604800
  int lease_s = 300;            // a claimed delivery is reserved this long, 1..86400
  int batch = 20;               // deliveries claimed at once per EC, 1..1000
  int nice = 10;                // the delivery threads' nice value, 0..19: the node path first
  // While the node listener has requests in flight, a delivery thread waits up to this long
  // (0..1000 ms) for it to go quiet before each batch; 0: never waits.
  int yield_to_node_ms = 50;
};

// pagoPA Checkout's EC API (POST /carts), for the portals' carts.
struct CheckoutConfig {
  std::string base_url;               // https URL up to the version, e.g. .../checkout/ec/v1
  int version = 1;                    // 1 or 2 (v2 sends the waiting URL)
  std::string subscription_key_file;  // the Ocp-Apim-Subscription-Key, absolute path
  int timeout_ms = 5000;              // the whole call, 100..30000
  std::string ca_file;                // trust anchors; empty: the system's
};

// pagoPA's fee calculator (AFM calculator v2, POST /fees), for the portals' PSP fee lists.
struct FeeCalculatorConfig {
  std::string base_url;  // https URL, e.g. .../afm/calculator-service/v2
  std::string subscription_key_file;
  int timeout_ms = 2000;      // the call's deadline, 100..2000: a portal page waits for it
  int cache_ttl_s = 60;       // a fresh answer is reused this long, 0..3600
  int stale_max_s = 3600;     // a failed call may answer a list this old, marked stale, 0..86400
  std::string ca_file;
};

// The audit journal of node interactions.
struct AuditConfig {
  int retention_days = 90;  // entries older than this are purged, 1..3650
};

enum class StorageEngine { kSqlite, kPostgres };

// The connections of the PostgreSQL engine (storage.pool).
struct StoragePoolConfig {
  int size = 8;                     // connections for reads and synchronous writes, 1..256
  int connect_timeout_ms = 1000;    // 100..60000
  int statement_timeout_ms = 2000;  // 100..600000
};

struct StorageConfig {
  StorageEngine engine = StorageEngine::kSqlite;
  std::string path;           // sqlite: the database file, absolute path
  std::string dsn;            // postgres: a libpq connection string or URI, without a password
  std::string password_file;  // postgres: absolute path of the password's file; empty: none
  StoragePoolConfig pool;     // postgres
};

struct LoggingConfig {
  LogLevel level = LogLevel::kInfo;
};

// The whole configuration. Relative paths in the file are already resolved against the
// directory of the file, so every path here is absolute.
struct Config {
  std::string source;  // the config file's name as given to the parser
  BrokerConfig broker;
  std::vector<StationConfig> stations;
  std::vector<CreditorInstitutionConfig> creditor_institutions;
  NodeListenerConfig node_listener;
  AdminListenerConfig admin_listener;
  ApiListenerConfig api_listener;
  AuditConfig audit;
  std::vector<LedgerConfig> ledgers;
  OutboxConfig outbox;
  StorageConfig storage;
  LoggingConfig logging;
  std::optional<CheckoutConfig> checkout;              // nullopt: no carts
  std::optional<FeeCalculatorConfig> fee_calculator;  // nullopt: the catalogue, if any
  std::string psp_catalogue_file;  // offline PSP fees (CatalogoDatiInformativiPSP); empty: none
  std::string time_zone = "Europe/Rome";  // IANA zone in which "today" is counted

  // Lookups by key; nullptr when absent. Pointers are valid while the Config is not modified.
  const StationConfig* findStation(std::string_view id) const;
  const CreditorInstitutionConfig* findCreditorInstitution(std::string_view fiscal_code) const;
  const LedgerConfig* findLedger(std::string_view name) const;
};

// One problem in a config file.
struct ConfigError {
  std::string file;     // as given to the parser
  int line = 0;         // 1-based; 0 when the problem is the file as a whole (unreadable, empty)
  std::string key;      // path of the key, e.g. "stations[0].aux_digit"; empty for the document
  std::string message;  // what is wrong, e.g. "must be 0, 1, 2 or 3"

  // "config.yaml:12: stations[0].aux_digit: must be 0, 1, 2 or 3" (parts that are unset are
  // left out).
  std::string text() const;
};

// The outcome of parsing: a Config, or every error found (never both, never neither).
struct ConfigResult {
  std::optional<Config> config;
  std::vector<ConfigError> errors;

  bool ok() const { return config.has_value(); }
};

// Reads and validates the config file at `path`. Relative paths inside it are resolved against
// its directory (made absolute from the current directory). Never throws: an unreadable file,
// bad YAML, unknown keys, wrong types, missing required keys, out-of-range values and broken
// cross-references are all returned as errors, as many as can be found in one pass.
ConfigResult parseConfig(const std::string& path);

// The same for text already in memory; `name` is used in errors and its directory (the current
// one when it has none) resolves relative paths.
ConfigResult parseConfigText(std::string_view text, const std::string& name);

// Whether text is a valid IBAN: two capital letters, two check digits, 1..30 capital letters or
// digits, 27 characters in all for "IT", and the ISO 7064 mod-97 checksum equal to 1.
bool isValidIban(std::string_view text);

}  // namespace ponte::ops
