// Turns the YAML config into ops::Config, collecting every error with its file, line and key.
#include "ops/config.h"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <tuple>

#include "ops/utf8.h"

namespace ponte::ops {

const StationConfig* Config::findStation(std::string_view id) const {
  for (const StationConfig& s : stations) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const CreditorInstitutionConfig* Config::findCreditorInstitution(
    std::string_view fiscal_code) const {
  for (const CreditorInstitutionConfig& ec : creditor_institutions) {
    if (ec.fiscal_code == fiscal_code) return &ec;
  }
  return nullptr;
}

const LedgerConfig* Config::findLedger(std::string_view name) const {
  for (const auto& l : ledgers) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

std::string_view toString(LedgerType type) {
  switch (type) {
    case LedgerType::kWebhook:
      return "webhook";
    case LedgerType::kSpool:
      return "spool";
    case LedgerType::kJournal:
      return "journal";
    case LedgerType::kPlugin:
      return "plugin";
  }
  return "plugin";
}

std::string ConfigError::text() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

namespace {

bool allDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool isUpperAlnum(unsigned char c) { return std::isdigit(c) || (c >= 'A' && c <= 'Z'); }

// What is wrong with an IBAN, or nullopt when it is valid.
std::optional<std::string> ibanProblem(std::string_view iban) {
  const bool shape = iban.size() >= 5 && iban.size() <= 34 && iban[0] >= 'A' && iban[0] <= 'Z' &&
                     iban[1] >= 'A' && iban[1] <= 'Z' && std::isdigit((unsigned char)iban[2]) &&
                     std::isdigit((unsigned char)iban[3]) &&
                     std::all_of(iban.begin() + 4, iban.end(), isUpperAlnum);
  if (!shape) {
    return "is not an IBAN: 2 capital letters, 2 check digits, then up to 30 capital letters or "
           "digits, without spaces";
  }
  if (iban.substr(0, 2) == "IT" && iban.size() != 27) {
    return "an Italian IBAN has 27 characters, this one has " + std::to_string(iban.size());
  }
  // ISO 13616: move the first four characters to the end, read letters as 10..35, and the
  // number must be 1 mod 97. Reducing digit by digit keeps it in an int.
  int rest = 0;
  const std::string moved = std::string(iban.substr(4)) + std::string(iban.substr(0, 4));
  for (unsigned char c : moved) {
    if (std::isdigit(c)) {
      rest = (rest * 10 + (c - '0')) % 97;
    } else {
      rest = (rest * 100 + (c - 'A' + 10)) % 97;
    }
  }
  if (rest != 1) return "has a wrong check (ISO 13616 mod 97): look for a typing error";
  return std::nullopt;
}

// A key in the file and its value, as found in a mapping.
struct Entry {
  YAML::Node key;
  YAML::Node value;
  std::string path;  // "stations[0].aux_digit"

  bool isNull() const { return value.IsNull(); }
  // The line to blame for the value: its own, or its key's when it is empty (an empty value's
  // mark points at whatever token follows, often on the next line).
  int line() const {
    const YAML::Mark m = isNull() ? key.Mark() : value.Mark();
    return m.is_null() ? 0 : m.line + 1;
  }
};

// A mapping whose keys were checked against the known ones.
class MapView {
 public:
  MapView(std::string path, int line) : path_(std::move(path)), line_(line) {}
  const std::string& path() const { return path_; }
  int line() const { return line_; }
  std::string child(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  // The entry for key, or nullptr when the key is absent or its value empty ("key:" or "~"):
  // an empty optional value means its default, an empty required one is missing.
  const Entry* find(std::string_view key) const {
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.isNull()) return nullptr;
    return &it->second;
  }
  void add(const std::string& key, Entry entry) { entries_.emplace(key, std::move(entry)); }
  bool has(const std::string& key) const { return entries_.count(key) != 0; }
  // The entry for a key that has() reports, empty value included.
  const Entry& at(std::string_view key) const { return entries_.find(key)->second; }

 private:
  std::string path_;
  int line_;
  std::map<std::string, Entry, std::less<>> entries_;
};

std::string indexPath(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

int markLine(const YAML::Node& node, int fallback) {
  const YAML::Mark m = node.Mark();
  return m.is_null() ? fallback : m.line + 1;
}

class Parser {
 public:
  Parser(std::string file, std::filesystem::path base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  ConfigResult run(std::string_view text) {
    try {
      parse(text);
    } catch (const std::exception& e) {
      // yaml-cpp throws on anything we did not foresee; report it rather than crash start-up.
      fail(0, "", std::string("could not read the configuration: ") + e.what());
    }
    ConfigResult result;
    if (errors_.empty()) {
      result.config = std::move(config_);
    } else {
      std::stable_sort(errors_.begin(), errors_.end(),
                       [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
      result.errors = std::move(errors_);
    }
    return result;
  }

  void fail(int line, std::string key, std::string message) {
    errors_.push_back(ConfigError{file_, line, std::move(key), std::move(message)});
  }

 private:
  void fail(const Entry& e, std::string message) { fail(e.line(), e.path, std::move(message)); }

  // --- generic readers: each reports its own errors and returns nullopt after one ---

  // Checks that node is a mapping with only known, unrepeated keys.
  std::optional<MapView> map(const YAML::Node& node, int line, const std::string& path,
                             std::initializer_list<std::string_view> known) {
    if (!node.IsMap()) {
      fail(line, path, "must be a mapping (key: value lines)");
      return std::nullopt;
    }
    MapView view(path, markLine(node, line));
    for (auto it = node.begin(); it != node.end(); ++it) {
      const int key_line = markLine(it->first, line);
      if (!it->first.IsScalar()) {
        fail(key_line, path, "keys must be plain words");
        continue;
      }
      const std::string key = it->first.Scalar();
      const std::string key_path = view.child(key);
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string expected;
        for (std::string_view k : known) {
          expected += expected.empty() ? "" : ", ";
          expected += k;
        }
        fail(key_line, key_path, "unknown key (expected one of: " + expected + ")");
        continue;
      }
      if (view.has(key)) {
        fail(key_line, key_path, "repeated key: each key may appear once");
        continue;
      }
      view.add(key, Entry{it->first, it->second, key_path});
    }
    return view;
  }

  // The entry for a required key; reports it missing.
  const Entry* need(const MapView& m, std::string_view key) {
    const Entry* e = m.find(key);
    if (e == nullptr && m.has(std::string(key))) {
      fail(m.at(key).line(), m.child(key), "needs a value");
    } else if (e == nullptr) {
      fail(m.line(), m.child(key), "missing required key");
    }
    return e;
  }

  std::optional<std::string> scalar(const Entry& e) {
    if (!e.value.IsScalar()) {
      fail(e, "must be a single value, not a " + std::string(e.value.IsMap() ? "mapping" : "list"));
      return std::nullopt;
    }
    return e.value.Scalar();
  }

  // Text of min..max characters (the XSD counts characters), valid UTF-8.
  std::optional<std::string> text(const Entry& e, std::size_t min, std::size_t max) {
    auto v = scalar(e);
    if (!v) return std::nullopt;
    const std::optional<std::size_t> n = utf8Length(*v);
    if (!n) {
      fail(e, "is not valid UTF-8");
      return std::nullopt;
    }
    if (*n < min || *n > max) {
      fail(e, min == max ? "must be " + std::to_string(min) + " characters long"
                         : "must be " + std::to_string(min) + " to " + std::to_string(max) +
                               " characters long, not " + std::to_string(*n));
      return std::nullopt;
    }
    return v;
  }

  // A plain (unquoted) integer in [min, max]. range_message replaces the default wording.
  std::optional<std::int64_t> integer(const Entry& e, std::int64_t min, std::int64_t max,
                                      std::string range_message = {}) {
    auto v = scalar(e);
    if (!v) return std::nullopt;
    std::int64_t n = 0;
    const char* first = v->data();
    const char* last = v->data() + v->size();
    const auto [end, ec] = std::from_chars(first, last, n);
    // yaml-cpp tags quoted scalars "!" and plain ones "?": a quoted number is a string.
    if (e.value.Tag() == "!" || v->empty() || ec == std::errc::invalid_argument || end != last) {
      fail(e, "must be a whole number" +
                  (range_message.empty() ? std::string() : " (" + range_message + ")"));
      return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range || n < min || n > max) {
      fail(e, range_message.empty()
                  ? "must be between " + std::to_string(min) + " and " + std::to_string(max)
                  : range_message);
      return std::nullopt;
    }
    return n;
  }

  std::optional<bool> boolean(const Entry& e) {
    auto v = scalar(e);
    if (!v) return std::nullopt;
    if (e.value.Tag() != "!") {
      if (*v == "true") return true;
      if (*v == "false") return false;
    }
    fail(e, "must be true or false");
    return std::nullopt;
  }

  // An amount in the wire's strict form "16.00", quoted or not.
  std::optional<core::Cents> amount(const Entry& e) {
    auto v = scalar(e);
    if (!v) return std::nullopt;
    const std::optional<core::Cents> cents = core::parseAmount(*v);
    if (!cents) {
      fail(e,
           "must be an amount in euro with two decimals, like \"16.00\" (at most "
           "999999999.99)");
    }
    return cents;
  }

  // A file path, resolved against the config file's directory.
  std::optional<std::string> path(const Entry& e) {
    auto v = scalar(e);
    if (!v) return std::nullopt;
    if (v->empty()) {
      fail(e, "must not be empty");
      return std::nullopt;
    }
    std::filesystem::path p(*v);
    if (p.is_relative()) p = base_dir_ / p;
    return p.lexically_normal().string();
  }

  // The items of a list; nullopt (with an error) when the value is not a list.
  std::optional<std::vector<YAML::Node>> list(const Entry& e) {
    if (!e.value.IsSequence()) {
      fail(e, "must be a list");
      return std::nullopt;
    }
    std::vector<YAML::Node> items;
    for (const YAML::Node& item : e.value) items.push_back(item);
    return items;
  }

  // A list of mappings, each checked against known keys, with their paths.
  std::vector<MapView> listOfMaps(const Entry& e, std::initializer_list<std::string_view> known) {
    std::vector<MapView> maps;
    auto items = list(e);
    if (!items) return maps;
    for (std::size_t i = 0; i < items->size(); ++i) {
      auto m = map((*items)[i], markLine((*items)[i], e.line()), indexPath(e.path, i), known);
      if (m) maps.push_back(std::move(*m));
    }
    return maps;
  }

  // --- the sections ---

  // The line of a "---" that starts a second document (one after some content), or 0.
  static int secondDocumentLine(std::string_view text) {
    bool content = false;
    int line = 0;
    for (std::size_t at = 0; at < text.size();) {
      std::size_t end = text.find('\n', at);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view l = text.substr(at, end - at);
      ++line;
      at = end + 1;
      const bool marker = l.substr(0, 3) == "---" &&
                          (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
      if (marker) {
        if (content) return line;
        continue;
      }
      const std::size_t first = l.find_first_not_of(" \t\r");
      if (first != std::string_view::npos && l[first] != '#' && l.substr(0, 3) != "...") {
        content = true;
      }
    }
    return 0;
  }

  void parse(std::string_view text) {
    // One document, read with YAML::Load: yaml-cpp 0.7's LoadAll never returns on some
    // malformed input (a lone ","), found by fuzz/config_fuzz.cpp. A second document is found
    // by its "---" line.
    std::vector<YAML::Node> docs;
    try {
      docs.push_back(YAML::Load(std::string(text)));
    } catch (const YAML::ParserException& e) {
      fail(e.mark.is_null() ? 0 : e.mark.line + 1, "", "YAML syntax error: " + e.msg);
      return;
    }
    if (docs.empty() || docs[0].IsNull()) {
      fail(0, "",
           "the configuration is empty: expected broker, stations, creditor_institutions, "
           "node_listener and storage");
      return;
    }
    if (int line = secondDocumentLine(text); line > 0) {
      fail(line, "", "more than one YAML document ('---'): keep one");
    }
    auto top = map(docs[0], 1, "",
                   {"broker", "stations", "creditor_institutions", "node_listener",
                    "admin_listener", "api_listener", "audit", "ledgers", "outbox", "checkout",
                    "fee_calculator", "psp_catalogue_file", "storage", "logging", "time_zone"});
    if (!top) return;
    // Sections are read in this order, whatever their order in the file, so that creditor
    // institutions can be checked against the stations already read.
    readBroker(*top);
    readStations(*top);
    readLedgers(*top);
    readCreditorInstitutions(*top);
    readNodeListener(*top);
    readAdminListener(*top);
    readApiListener(*top);
    readAudit(*top);
    readOutbox(*top);
    readCheckout(*top);
    readFeeCalculator(*top);
    if (const Entry* c = top->find("psp_catalogue_file")) {
      if (auto v = path(*c)) config_.psp_catalogue_file = *v;
    }
    readStorage(*top);
    readLogging(*top);
    if (const Entry* e = top->find("time_zone")) {
      if (auto v = scalar(*e)) {
        const bool ok = !v->empty() && v->front() != '/' && v->find("..") == std::string::npos &&
                        std::all_of(v->begin(), v->end(), [](unsigned char c) {
                          return std::isalnum(c) || c == '/' || c == '_' || c == '-' || c == '+';
                        });
        if (ok) {
          config_.time_zone = *v;
        } else {
          fail(*e, "must be an IANA time zone name such as Europe/Rome");
        }
      }
    }
  }

  void readBroker(const MapView& top) {
    const Entry* e = need(top, "broker");
    if (!e) return;
    auto m = map(e->value, e->line(), e->path, {"id"});
    if (!m) return;
    if (const Entry* id = need(*m, "id")) {
      if (auto v = text(*id, 1, 35)) config_.broker.id = *v;
    }
  }

  // A two-digit code that exists only for one aux digit.
  void readStationCode(const MapView& m, const char* key, int wanted_aux,
                       std::optional<std::int64_t> aux, std::string& out) {
    const Entry* e = m.find(key);
    if (e == nullptr) {
      if (aux == wanted_aux) {
        fail(m.line(), m.child(key), "required when aux_digit is " + std::to_string(wanted_aux));
      }
      return;
    }
    auto v = scalar(*e);
    if (!v) return;
    if (v->size() != 2 || !allDigits(*v)) {
      fail(*e, "must be two digits, 00 to 99 (quote it: \"01\")");
      return;
    }
    if (aux && *aux != wanted_aux) {
      fail(*e, "is used only with aux_digit " + std::to_string(wanted_aux) + ", this station has " +
                   std::to_string(*aux));
      return;
    }
    out = *v;
  }

  void readStations(const MapView& top) {
    const Entry* e = need(top, "stations");
    if (!e) return;
    auto maps = listOfMaps(*e, {"id", "primitive_version", "aux_digit", "segregation_code",
                                "application_code", "duplicate_receipt_answer", "broadcast"});
    if (e->value.IsSequence() && e->value.size() == 0) fail(*e, "must list at least one station");
    std::map<std::string, int> first_line;
    for (const MapView& m : maps) {
      StationConfig s;
      if (const Entry* id = need(m, "id")) {
        if (auto v = text(*id, 1, 35)) {
          auto [it, fresh] = first_line.emplace(*v, id->line());
          if (!fresh) {
            fail(*id,
                 "station \"" + *v + "\" is already defined at line " + std::to_string(it->second));
          }
          s.id = *v;
        }
      }
      if (const Entry* pv = need(m, "primitive_version")) {
        if (auto v = integer(*pv, 1, 2, "must be 1 or 2")) s.primitive_version = int(*v);
      }
      std::optional<std::int64_t> aux;
      if (const Entry* a = need(m, "aux_digit")) {
        aux = integer(*a, 0, 3, "must be 0, 1, 2 or 3");
        if (aux) s.aux_digit = int(*aux);
      }
      readStationCode(m, "segregation_code", 3, aux, s.segregation_code);
      readStationCode(m, "application_code", 0, aux, s.application_code);
      if (const Entry* d = m.find("duplicate_receipt_answer")) {
        if (auto v = scalar(*d)) {
          if (*v == "ok") {
            s.duplicate_receipt_answer = DuplicateReceiptAnswer::kOk;
          } else if (*v == "PAA_RECEIPT_DUPLICATA") {
            s.duplicate_receipt_answer = DuplicateReceiptAnswer::kReceiptDuplicata;
          } else {
            fail(*d, "must be ok or PAA_RECEIPT_DUPLICATA");
          }
        }
      }
      if (const Entry* b = m.find("broadcast")) {
        if (auto v = boolean(*b)) s.broadcast = *v;
      }
      config_.stations.push_back(std::move(s));
    }
  }

  void readCreditorInstitutions(const MapView& top) {
    const Entry* e = need(top, "creditor_institutions");
    if (!e) return;
    auto maps = listOfMaps(*e, {"fiscal_code", "name", "office", "station", "iban", "postal_iban",
                                "ledger_routes", "api_keys", "services", "return_urls"});
    if (e->value.IsSequence() && e->value.size() == 0) {
      fail(*e, "must list at least one creditor institution");
    }
    std::map<std::string, int> fiscal_code_line;
    // A back-office key identifies its EC, so one key may not open two ECs.
    std::map<std::string, std::pair<std::string, int>> key_owner;
    for (const MapView& m : maps) {
      CreditorInstitutionConfig ec;
      if (const Entry* f = need(m, "fiscal_code")) {
        if (auto v = scalar(*f)) {
          if (v->size() != 11 || !allDigits(*v)) {
            fail(*f,
                 "must be 11 digits (the EC's numeric codice fiscale; quote it to keep "
                 "leading zeros)");
          } else {
            auto [it, fresh] = fiscal_code_line.emplace(*v, f->line());
            if (!fresh) {
              fail(*f, "creditor institution " + *v + " is already defined at line " +
                           std::to_string(it->second));
            }
            ec.fiscal_code = *v;
          }
        }
      }
      if (const Entry* n = need(m, "name")) {
        if (auto v = text(*n, 1, 140)) ec.name = *v;
      }
      if (const Entry* o = m.find("office")) {
        if (auto v = text(*o, 1, 140)) ec.office = *v;
      }
      if (const Entry* s = need(m, "station")) {
        if (auto v = scalar(*s)) {
          if (config_.findStation(*v) == nullptr) {
            fail(*s, "no station \"" + *v + "\" is defined under stations");
          } else {
            ec.station = *v;
          }
        }
      }
      if (const Entry* i = need(m, "iban")) {
        if (auto v = scalar(*i)) {
          if (auto problem = ibanProblem(*v)) {
            fail(*i, *problem);
          } else {
            ec.iban = *v;
          }
        }
      }
      if (const Entry* i = m.find("postal_iban")) {
        if (auto v = scalar(*i)) {
          if (auto problem = ibanProblem(*v)) {
            fail(*i, *problem);
          } else if (v->substr(0, 2) != "IT" || v->substr(5, 5) != "07601") {
            fail(*i, "is not a Poste Italiane account: an Italian IBAN with ABI 07601");
          } else {
            ec.postal_iban = *v;
          }
        }
      }
      if (const Entry* r = m.find("ledger_routes")) readLedgerRoutes(*r, ec);
      if (const Entry* k = m.find("api_keys")) readApiKeys(*k, ec, key_owner);
      if (const Entry* s = m.find("services")) readServices(*s, ec);
      if (const Entry* r = m.find("return_urls")) readReturnUrls(*r, ec);
      config_.creditor_institutions.push_back(std::move(ec));
    }
  }

  void readLedgerRoutes(const Entry& e, CreditorInstitutionConfig& ec) {
    auto items = list(e);
    if (!items) return;
    for (std::size_t i = 0; i < items->size(); ++i) {
      Entry item{e.key, (*items)[i], indexPath(e.path, i)};
      auto v = scalar(item);
      if (!v) continue;
      const bool ok =
          !v->empty() && v->size() <= 64 && std::all_of(v->begin(), v->end(), [](unsigned char c) {
            return std::isalnum(c) || c == '_' || c == '-' || c == '.';
          });
      if (!ok) {
        fail(item, "must be a ledger name of 1 to 64 letters, digits, '_', '-' or '.'");
      } else if (std::find(ec.ledger_routes.begin(), ec.ledger_routes.end(), *v) !=
                 ec.ledger_routes.end()) {
        fail(item, "ledger \"" + *v + "\" is listed twice");
      } else if (config_.findLedger(*v) == nullptr) {
        fail(item, "no ledger \"" + *v + "\" is defined under ledgers");
      } else {
        ec.ledger_routes.push_back(*v);
      }
    }
  }

  void readApiKeys(const Entry& e, CreditorInstitutionConfig& ec,
                   std::map<std::string, std::pair<std::string, int>>& key_owner) {
    for (const MapView& m : listOfMaps(e, {"name", "sha256"})) {
      ApiKeyConfig key;
      if (const Entry* n = need(m, "name")) {
        if (auto v = text(*n, 1, 64)) {
          const bool taken = std::any_of(ec.api_keys.begin(), ec.api_keys.end(),
                                         [&](const ApiKeyConfig& k) { return k.name == *v; });
          if (taken) {
            fail(*n, "key name \"" + *v + "\" is used twice in this creditor institution");
          }
          key.name = *v;
        }
      }
      if (const Entry* h = need(m, "sha256")) {
        if (auto lower = sha256Hex(*h)) {
          auto [it, fresh] = key_owner.emplace(*lower, std::pair(ec.fiscal_code, h->line()));
          if (!fresh) {
            fail(*h, "the same key is configured at line " + std::to_string(it->second.second) +
                         ": every key must be different");
          }
          key.sha256 = *lower;
        }
      }
      ec.api_keys.push_back(std::move(key));
    }
  }

  // The SHA-256 of a key, as 64 hex digits (any case), returned in lower case.
  std::optional<std::string> sha256Hex(const Entry& e) {
    auto v = scalar(e);
    if (!v) return std::nullopt;
    const bool hex = v->size() == 64 && std::all_of(v->begin(), v->end(), [](unsigned char c) {
                       return std::isxdigit(c) != 0;
                     });
    if (!hex) {
      fail(e,
           "must be 64 hex digits: the SHA-256 of the key, e.g. from "
           "`printf %s KEY | sha256sum`");
      return std::nullopt;
    }
    std::string lower = *v;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return lower;
  }

  void readServiceAmount(const Entry& e, ServiceAmountConfig& out) {
    auto m = map(e.value, e.line(), e.path, {"fixed", "from_field", "min", "max"});
    if (!m) return;
    const Entry* fixed = m->find("fixed");
    const Entry* field = m->find("from_field");
    if (fixed != nullptr) {
      if (field != nullptr || m->find("min") != nullptr || m->find("max") != nullptr) {
        fail(m->line(), m->path(), "fixed excludes from_field, min and max: choose one form");
        return;
      }
      out.kind = ServiceAmountConfig::Kind::kFixed;
      if (auto v = amount(*fixed)) {
        if (*v < 1) {
          fail(*fixed, "must be at least 0.01");
        } else {
          out.fixed = *v;
        }
      }
      return;
    }
    if (field == nullptr) {
      fail(m->line(), m->path(), "needs fixed (an amount) or from_field (with optional min, max)");
      return;
    }
    out.kind = ServiceAmountConfig::Kind::kFromField;
    if (auto v = scalar(*field)) {
      // The name of an XML element in the request's service data.
      const bool ok = !v->empty() && v->size() <= 64 &&
                      (std::isalpha((unsigned char)v->front()) || v->front() == '_') &&
                      std::all_of(v->begin(), v->end(), [](unsigned char c) {
                        return std::isalnum(c) || c == '_' || c == '-' || c == '.';
                      });
      if (ok) {
        out.from_field = *v;
      } else {
        fail(*field, "must be an XML element name (letters, digits, '_', '-', '.')");
      }
    }
    const Entry* min = m->find("min");
    const Entry* max = m->find("max");
    if (min != nullptr) {
      if (auto v = amount(*min)) {
        if (*v < 1) {
          fail(*min, "must be at least 0.01");
        } else {
          out.min = *v;
        }
      }
    }
    if (max != nullptr) {
      if (auto v = amount(*max)) {
        if (*v < out.min) {
          fail(*max, "must not be less than min (" + core::formatAmount(out.min) + ")");
        } else {
          out.max = *v;
        }
      }
    }
  }

  void readServices(const Entry& e, CreditorInstitutionConfig& ec) {
    std::map<std::pair<std::string, std::string>, int> pair_line;
    for (const MapView& m : listOfMaps(e, {"id_servizio", "id_soggetto_servizio", "description",
                                           "category", "remittance", "amount", "due_days"})) {
      ServiceConfig s;
      const auto five = [&](const char* key, std::string& out) {
        if (const Entry* f = need(m, key)) {
          if (auto v = scalar(*f)) {
            if (v->size() == 5 && std::all_of(v->begin(), v->end(), [](unsigned char c) {
                  return std::isalnum(c) != 0;
                })) {
              out = *v;
            } else {
              fail(*f,
                   "must be 5 letters or digits, as in the service catalogue (quote it: "
                   "\"00001\")");
            }
          }
        }
      };
      five("id_servizio", s.id_servizio);
      five("id_soggetto_servizio", s.id_soggetto_servizio);
      if (!s.id_servizio.empty() && !s.id_soggetto_servizio.empty()) {
        auto [it, fresh] =
            pair_line.emplace(std::pair(s.id_servizio, s.id_soggetto_servizio), m.line());
        if (!fresh) {
          fail(m.line(), m.path(),
               "service " + s.id_servizio + "/" + s.id_soggetto_servizio +
                   " is already defined at line " + std::to_string(it->second));
        }
      }
      if (const Entry* d = need(m, "description")) {
        if (auto v = text(*d, 1, 140)) s.description = *v;
      }
      if (const Entry* c = need(m, "category")) {
        if (auto v = text(*c, 1, 140)) {
          if (std::any_of(v->begin(), v->end(),
                          [](unsigned char ch) { return std::isspace(ch); })) {
            fail(*c, "must be a taxonomy code without spaces, such as 9/0101100IM/");
          } else {
            s.category = *v;
          }
        }
      }
      if (const Entry* r = m.find("remittance")) {
        if (auto v = text(*r, 1, 140)) s.remittance = *v;
      }
      if (const Entry* a = need(m, "amount")) readServiceAmount(*a, s.amount);
      if (const Entry* d = m.find("due_days")) {
        if (auto v = integer(*d, 0, 3650)) s.due_days = int(*v);
      }
      ec.services.push_back(std::move(s));
    }
  }

  void readTls(const Entry& e, TlsConfig& tls) {
    auto m = map(
        e.value, e.line(), e.path,
        {"certificate", "private_key", "client_ca", "allowed_subjects", "allowed_fingerprints"});
    if (!m) return;
    for (auto [key, out] :
         {std::pair("certificate", &tls.certificate), std::pair("private_key", &tls.private_key),
          std::pair("client_ca", &tls.client_ca)}) {
      if (const Entry* p = need(*m, key)) {
        if (auto v = path(*p)) *out = *v;
      }
    }
    if (const Entry* s = m->find("allowed_subjects")) {
      if (auto items = list(*s)) {
        for (std::size_t i = 0; i < items->size(); ++i) {
          Entry item{s->key, (*items)[i], indexPath(s->path, i)};
          if (auto v = text(item, 1, 1024)) tls.allowed_subjects.push_back(*v);
        }
      }
    }
    if (const Entry* f = m->find("allowed_fingerprints")) {
      if (auto items = list(*f)) {
        for (std::size_t i = 0; i < items->size(); ++i) {
          Entry item{f->key, (*items)[i], indexPath(f->path, i)};
          auto v = scalar(item);
          if (!v) continue;
          std::string hex;
          bool ok = true;
          for (unsigned char c : *v) {
            if (std::isxdigit(c)) {
              hex += char(std::tolower(c));
            } else if (c != ':') {
              ok = false;
            }
          }
          if (!ok || hex.size() != 64) {
            fail(item,
                 "must be a SHA-256 fingerprint: 64 hex digits, ':' separators allowed "
                 "(`openssl x509 -noout -fingerprint -sha256`)");
          } else {
            tls.allowed_fingerprints.push_back(hex);
          }
        }
      }
    }
  }

  void readNodeListener(const MapView& top) {
    const Entry* e = need(top, "node_listener");
    if (!e) return;
    auto m = map(e->value, e->line(), e->path,
                 {"address", "port", "soap_path", "threads", "tls", "timeouts_ms", "limits"});
    if (!m) return;
    NodeListenerConfig& nl = config_.node_listener;
    readAddressAndPort(*m, nl.address, nl.port);
    if (const Entry* p = m->find("soap_path")) {
      if (auto v = scalar(*p)) {
        const bool ok = !v->empty() && v->front() == '/' &&
                        std::all_of(v->begin(), v->end(), [](unsigned char c) {
                          return c > ' ' && c < 0x7F && c != '?' && c != '#';
                        });
        if (ok) {
          nl.soap_path = *v;
        } else {
          fail(*p, "must be a URL path starting with '/', without spaces, '?' or '#'");
        }
      }
    }
    if (const Entry* t = m->find("threads")) {
      if (auto v = integer(*t, 0, 1024)) nl.threads = int(*v);
    }
    if (const Entry* t = need(*m, "tls")) readTls(*t, nl.tls);
    if (const Entry* t = m->find("timeouts_ms")) readTimeouts(*t, nl.timeouts);
    if (const Entry* l = m->find("limits")) {
      auto lm = map(l->value, l->line(), l->path,
                    {"max_body_bytes", "max_depth", "max_string_length", "max_occurs"});
      if (!lm) return;
      LimitsConfig& limits = nl.limits;
      // The lower bounds keep a valid pagoPA message acceptable: a receipt nests 9 elements
      // deep, metadata holds up to 15 entries, an e-mail address may take 256 characters.
      if (const Entry* x = lm->find("max_body_bytes")) {
        if (auto v = integer(*x, 4096, 64 << 20)) limits.max_body_bytes = std::size_t(*v);
      }
      if (const Entry* x = lm->find("max_depth")) {
        if (auto v = integer(*x, 16, 1000)) limits.max_depth = int(*v);
      }
      if (const Entry* x = lm->find("max_string_length")) {
        if (auto v = integer(*x, 256, 16 << 20)) limits.max_string_length = std::size_t(*v);
      }
      if (const Entry* x = lm->find("max_occurs")) {
        if (auto v = integer(*x, 15, 100'000)) limits.max_occurs = int(*v);
      }
    }
  }

  // The timeouts_ms section every TLS listener has.
  void readTimeouts(const Entry& e, TimeoutsConfig& timeouts) {
    auto tm = map(e.value, e.line(), e.path,
                  {"handshake", "read_header", "read_body", "write", "idle"});
    if (!tm) return;
    for (auto [key, out] : {std::pair("handshake", &timeouts.handshake),
                            std::pair("read_header", &timeouts.read_header),
                            std::pair("read_body", &timeouts.read_body),
                            std::pair("write", &timeouts.write), std::pair("idle", &timeouts.idle)}) {
      if (const Entry* x = tm->find(key)) {
        if (auto v = integer(*x, 1, 3'600'000)) *out = std::chrono::milliseconds(*v);
      }
    }
  }

  // A non-empty list of fiscal codes of configured creditor institutions, each once.
  std::vector<std::string> readEcList(const Entry& e) {
    std::vector<std::string> out;
    auto items = list(e);
    if (!items) return out;
    if (items->empty()) fail(e, "must list at least one creditor institution");
    for (std::size_t i = 0; i < items->size(); ++i) {
      Entry item{e.key, (*items)[i], indexPath(e.path, i)};
      auto v = scalar(item);
      if (!v) continue;
      if (config_.findCreditorInstitution(*v) == nullptr) {
        fail(item, "no creditor institution \"" + *v + "\" is defined under creditor_institutions");
      } else if (std::find(out.begin(), out.end(), *v) != out.end()) {
        fail(item, "creditor institution " + *v + " is listed twice");
      } else {
        out.push_back(*v);
      }
    }
    return out;
  }

  void readApiTls(const Entry& e, ApiTlsConfig& tls) {
    auto m = map(e.value, e.line(), e.path,
                 {"certificate", "private_key", "client_ca", "require_client_certificate",
                  "client_certificates"});
    if (!m) return;
    for (auto [key, out] :
         {std::pair("certificate", &tls.certificate), std::pair("private_key", &tls.private_key)}) {
      if (const Entry* p = need(*m, key)) {
        if (auto v = path(*p)) *out = *v;
      }
    }
    if (const Entry* p = m->find("client_ca")) {
      if (auto v = path(*p)) tls.client_ca = *v;
    }
    if (const Entry* r = m->find("require_client_certificate")) {
      if (auto v = boolean(*r)) tls.require_client_certificate = *v;
    }
    if (const Entry* c = m->find("client_certificates")) {
      for (const MapView& cm : listOfMaps(*c, {"subject", "creditor_institutions"})) {
        ApiClientCertificateConfig cert;
        if (const Entry* s = need(cm, "subject")) {
          if (auto v = text(*s, 1, 1024)) {
            const bool taken =
                std::any_of(tls.client_certificates.begin(), tls.client_certificates.end(),
                            [&](const ApiClientCertificateConfig& x) { return x.subject == *v; });
            if (taken) fail(*s, "subject \"" + *v + "\" is mapped twice");
            cert.subject = *v;
          }
        }
        if (const Entry* l = need(cm, "creditor_institutions")) {
          cert.creditor_institutions = readEcList(*l);
        }
        tls.client_certificates.push_back(std::move(cert));
      }
    }
    if (tls.client_ca.empty() && (tls.require_client_certificate || !tls.client_certificates.empty())) {
      fail(m->line(), m->child("client_ca"),
           "is required to verify client certificates (require_client_certificate or "
           "client_certificates is set)");
    }
  }

  // An intermediary key's hash must differ from every other key, its own ECs' included: a key
  // names one credential.
  void readIntermediaryKeys(const Entry& e, ApiListenerConfig& al) {
    std::map<std::string, int> hash_line;
    for (const auto& ec : config_.creditor_institutions) {
      for (const auto& k : ec.api_keys) hash_line.emplace(k.sha256, 0);
    }
    for (const MapView& m : listOfMaps(e, {"name", "sha256", "creditor_institutions"})) {
      ApiIntermediaryKeyConfig key;
      if (const Entry* n = need(m, "name")) {
        if (auto v = text(*n, 1, 64)) {
          const bool taken =
              std::any_of(al.intermediary_keys.begin(), al.intermediary_keys.end(),
                          [&](const ApiIntermediaryKeyConfig& k) { return k.name == *v; });
          if (taken) fail(*n, "key name \"" + *v + "\" is used twice");
          key.name = *v;
        }
      }
      if (const Entry* h = need(m, "sha256")) {
        if (auto v = sha256Hex(*h)) {
          auto [it, fresh] = hash_line.emplace(*v, h->line());
          if (!fresh) {
            fail(*h, it->second == 0 ? "is the hash of a creditor institution's own key: every "
                                       "key must be different"
                                     : "the same key is configured at line " +
                                           std::to_string(it->second) +
                                           ": every key must be different");
          }
          key.sha256 = *v;
        }
      }
      if (const Entry* l = need(m, "creditor_institutions")) {
        key.creditor_institutions = readEcList(*l);
      }
      al.intermediary_keys.push_back(std::move(key));
    }
  }

  void readApiListener(const MapView& top) {
    const Entry* e = top.find("api_listener");
    if (!e) return;
    auto m = map(e->value, e->line(), e->path,
                 {"enabled", "address", "port", "threads", "tls", "timeouts_ms", "limits",
                  "intermediary_keys"});
    if (!m) return;
    ApiListenerConfig& al = config_.api_listener;
    if (const Entry* b = m->find("enabled")) {
      if (auto v = boolean(*b)) al.enabled = *v;
    }
    readAddressAndPort(*m, al.address, al.port);
    if (const Entry* t = m->find("threads")) {
      if (auto v = integer(*t, 1, 64)) al.threads = int(*v);
    }
    if (const Entry* t = m->find("tls")) {
      readApiTls(*t, al.tls);
    } else if (al.enabled) {
      fail(m->line(), m->child("tls"), "is required when the API listener is enabled");
    }
    if (const Entry* t = m->find("timeouts_ms")) readTimeouts(*t, al.timeouts);
    if (const Entry* l = m->find("limits")) {
      if (auto lm = map(l->value, l->line(), l->path,
                        {"max_body_bytes", "max_bulk_bytes", "bulk_batch"})) {
        if (const Entry* x = lm->find("max_body_bytes")) {
          if (auto v = integer(*x, 4096, 64 << 20)) al.limits.max_body_bytes = std::size_t(*v);
        }
        if (const Entry* x = lm->find("max_bulk_bytes")) {
          if (auto v = integer(*x, 4096, std::int64_t{4} << 30)) {
            al.limits.max_bulk_bytes = std::size_t(*v);
          }
        }
        if (const Entry* x = lm->find("bulk_batch")) {
          if (auto v = integer(*x, 1, 10000)) al.limits.bulk_batch = std::size_t(*v);
        }
      }
    }
    if (const Entry* k = m->find("intermediary_keys")) readIntermediaryKeys(*k, al);
  }

  void readStorage(const MapView& top) {
    const Entry* e = need(top, "storage");
    if (!e) return;
    auto m = map(e->value, e->line(), e->path,
                 {"engine", "path", "dsn", "password_file", "pool"});
    if (!m) return;
    if (const Entry* en = m->find("engine")) {
      if (auto v = scalar(*en)) {
        if (*v == "sqlite") {
          config_.storage.engine = StorageEngine::kSqlite;
        } else if (*v == "postgres") {
          config_.storage.engine = StorageEngine::kPostgres;
        } else {
          fail(*en, "must be sqlite or postgres");
        }
      }
    }
    // Each engine has its own keys; a key of the other one is a mistake worth reporting.
    const bool postgres = config_.storage.engine == StorageEngine::kPostgres;
    for (std::string_view key : {"path", "dsn", "password_file", "pool"}) {
      const bool sqlite_key = key == "path";
      if (m->has(std::string(key)) && sqlite_key == postgres) {
        fail(m->at(key), std::string("is a key of engine ") + (sqlite_key ? "sqlite" : "postgres") +
                             ", not of " + (postgres ? "postgres" : "sqlite"));
      }
    }
    if (!postgres) {
      if (const Entry* p = need(*m, "path")) {
        if (auto v = path(*p)) config_.storage.path = *v;
      }
      return;
    }
    if (const Entry* d = need(*m, "dsn")) {
      if (auto v = scalar(*d)) {
        std::string lower(*v);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto scheme = lower.find("://");
        const auto at = lower.find('@');
        const bool uri_password = scheme != std::string::npos && at != std::string::npos &&
                                  lower.find(':', scheme + 3) < at;
        if (v->empty()) {
          fail(*d, "must not be empty");
        } else if (lower.find("password") != std::string::npos || uri_password) {
          // Secrets are referenced by path, never written in the configuration.
          fail(*d, "must not hold a password: put it in a file named by password_file");
        } else {
          config_.storage.dsn = *v;
        }
      }
    }
    if (const Entry* p = m->find("password_file")) {
      if (auto v = path(*p)) config_.storage.password_file = *v;
    }
    if (const Entry* pe = m->find("pool")) {
      auto pm = map(pe->value, pe->line(), pe->path,
                    {"size", "connect_timeout_ms", "statement_timeout_ms"});
      if (!pm) return;
      StoragePoolConfig& pool = config_.storage.pool;
      if (const Entry* x = pm->find("size")) {
        if (auto v = integer(*x, 1, 256)) pool.size = int(*v);
      }
      if (const Entry* x = pm->find("connect_timeout_ms")) {
        if (auto v = integer(*x, 100, 60'000)) pool.connect_timeout_ms = int(*v);
      }
      if (const Entry* x = pm->find("statement_timeout_ms")) {
        if (auto v = integer(*x, 100, 600'000)) pool.statement_timeout_ms = int(*v);
      }
    }
  }

  // The address and port keys every listener has.
  void readAddressAndPort(const MapView& m, std::string& address, std::uint16_t& port) {
    if (const Entry* a = m.find("address")) {
      if (auto v = scalar(*a)) {
        unsigned char buf[16];
        if (inet_pton(AF_INET, v->c_str(), buf) == 1 || inet_pton(AF_INET6, v->c_str(), buf) == 1) {
          address = *v;
        } else {
          fail(*a, "must be an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::");
        }
      }
    }
    if (const Entry* p = m.find("port")) {
      if (auto v = integer(*p, 0, 65535)) port = std::uint16_t(*v);
    }
  }

  void readAdminListener(const MapView& top) {
    const Entry* e = top.find("admin_listener");
    if (!e) return;
    auto m = map(e->value, e->line(), e->path, {"enabled", "address", "port"});
    if (!m) return;
    AdminListenerConfig& al = config_.admin_listener;
    if (const Entry* b = m->find("enabled")) {
      if (auto v = boolean(*b)) al.enabled = *v;
    }
    readAddressAndPort(*m, al.address, al.port);
  }

  // A ledger name: what ledger_routes refer to, and a label in logs and metrics.
  static bool isLedgerName(std::string_view v) {
    return !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_' || c == '-' || c == '.';
    });
  }

  void readLedgers(const MapView& top) {
    const Entry* e = top.find("ledgers");
    if (!e) return;
    struct TypeKeys {
      LedgerType type;
      std::vector<std::string_view> keys;
    };
    static const std::vector<std::pair<std::string_view, TypeKeys>> kTypes = {
        {"webhook",
         {LedgerType::kWebhook,
          {"url", "secret_file", "timeout_ms", "client_certificate", "client_key", "ca_file"}}},
        {"spool", {LedgerType::kSpool, {"directory", "format"}}},
        {"journal", {LedgerType::kJournal, {"directory"}}},
        {"plugin", {LedgerType::kPlugin, {"path", "options"}}},
    };
    std::map<std::string, int> name_line;
    for (const MapView& m :
         listOfMaps(*e, {"name", "type", "url", "secret_file", "timeout_ms", "client_certificate",
                         "client_key", "ca_file", "directory", "format", "path", "options"})) {
      LedgerConfig ledger;
      bool named = false;
      if (const Entry* n = need(m, "name")) {
        if (auto v = scalar(*n)) {
          if (!isLedgerName(*v)) {
            fail(*n, "must be a ledger name of 1 to 64 letters, digits, '_', '-' or '.'");
          } else if (auto [it, fresh] = name_line.emplace(*v, n->line()); !fresh) {
            fail(*n, "ledger \"" + *v + "\" is already defined at line " +
                         std::to_string(it->second));
          } else {
            ledger.name = *v;
            named = true;
          }
        }
      }
      const TypeKeys* type = nullptr;
      if (const Entry* t = need(m, "type")) {
        if (auto v = scalar(*t)) {
          for (const auto& [word, keys] : kTypes) {
            if (*v == word) type = &keys;
          }
          if (type == nullptr) fail(*t, "must be webhook, spool, journal or plugin");
        }
      }
      if (type != nullptr) {
        ledger.type = type->type;
        readLedgerOptions(m, type->keys, ledger);
      }
      // Even a ledger with errors keeps its name, so routes naming it are not reported too.
      if (named) config_.ledgers.push_back(std::move(ledger));
    }
  }

  // The keys of one ledger's type, each checked, as the adapter's options.
  void readLedgerOptions(const MapView& m, const std::vector<std::string_view>& keys,
                         LedgerConfig& ledger) {
    const std::string type_name(toString(ledger.type));
    std::string allowed;
    for (std::string_view k : keys) allowed += (allowed.empty() ? "" : ", ") + std::string(k);
    for (std::string_view key : {"url", "secret_file", "timeout_ms", "client_certificate",
                                 "client_key", "ca_file", "directory", "format", "path",
                                 "options"}) {
      if (m.has(std::string(key)) &&
          std::find(keys.begin(), keys.end(), key) == keys.end()) {
        fail(m.at(key), "is not a key of " + type_name + " ledgers (they take: " + allowed + ")");
      }
    }
    const auto put = [&](const char* key, const std::string& value) {
      ledger.options.emplace_back(key, value);
    };
    const auto pathOption = [&](const char* key, bool required) {
      const Entry* p = required ? need(m, key) : m.find(key);
      if (p == nullptr) return;
      if (auto v = path(*p)) put(key, *v);
    };
    switch (ledger.type) {
      case LedgerType::kWebhook: {
        if (const Entry* u = need(m, "url")) {
          if (auto v = scalar(*u)) {
            const bool ok = (v->rfind("https://", 0) == 0 || v->rfind("http://", 0) == 0) &&
                            v->size() > 8 &&
                            std::none_of(v->begin(), v->end(), [](unsigned char c) {
                              return c <= ' ' || c == 0x7F;
                            });
            if (ok) {
              put("url", *v);
            } else {
              fail(*u, "must be an https:// (or http://) URL without spaces");
            }
          }
        }
        // The signing secret is never written in the configuration, only the file holding it.
        pathOption("secret_file", true);
        if (const Entry* t = m.find("timeout_ms")) {
          if (auto v = integer(*t, 100, 600'000)) put("timeout_ms", std::to_string(*v));
        }
        pathOption("client_certificate", false);
        pathOption("client_key", false);
        if (m.has("client_certificate") != m.has("client_key")) {
          fail(m.line(), m.child(m.has("client_key") ? "client_certificate" : "client_key"),
               "client_certificate and client_key go together");
        }
        pathOption("ca_file", false);
        break;
      }
      case LedgerType::kSpool:
        pathOption("directory", true);
        if (const Entry* f = m.find("format")) {
          if (auto v = scalar(*f)) {
            if (*v == "json" || *v == "xml") {
              put("format", *v);
            } else {
              fail(*f, "must be json (the canonical JSON) or xml (the receipt as received)");
            }
          }
        }
        break;
      case LedgerType::kJournal:
        pathOption("directory", true);
        break;
      case LedgerType::kPlugin: {
        if (const Entry* p = need(m, "path")) {
          if (auto v = path(*p)) ledger.plugin = *v;
        }
        const Entry* o = m.find("options");
        if (o == nullptr) break;
        if (!o->value.IsMap()) {
          fail(*o, "must be a mapping of option names to values");
          break;
        }
        for (auto it = o->value.begin(); it != o->value.end(); ++it) {
          const int line = markLine(it->first, o->line());
          const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
          const std::string key_path = o->path + "." + key;
          if (!isLedgerName(key)) {
            fail(line, o->path, "option names are 1 to 64 letters, digits, '_', '-' or '.'");
          } else if (!it->second.IsScalar()) {
            fail(line, key_path, "must be a single value (plugins receive options as text)");
          } else if (std::any_of(ledger.options.begin(), ledger.options.end(),
                                 [&](const auto& kv) { return kv.first == key; })) {
            fail(line, key_path, "repeated key: each key may appear once");
          } else {
            ledger.options.emplace_back(key, it->second.Scalar());
          }
        }
        break;
      }
    }
  }

  void readOutbox(const MapView& top) {
    const Entry* e = top.find("outbox");
    if (!e) return;
    auto m = map(e->value, e->line(), e->path,
                 {"workers", "initial_backoff_s", "max_backoff_s", "jitter", "alert_after_s",
                  "lease_s", "batch", "nice", "yield_to_node_ms"});
    if (!m) return;
    OutboxConfig& o = config_.outbox;
    for (auto [key, out, min, max] :
         {std::tuple("workers", &o.workers, 1, 64),
          std::tuple("initial_backoff_s", &o.initial_backoff_s, 1, 86'400),
          std::tuple("alert_after_s", &o.alert_after_s, 1, 604'800),
          std::tuple("lease_s", &o.lease_s, 1, 86'400), std::tuple("batch", &o.batch, 1, 1000),
          std::tuple("nice", &o.nice, 0, 19),
          std::tuple("yield_to_node_ms", &o.yield_to_node_ms, 0, 1000)}) {
      if (const Entry* x = m->find(key)) {
        if (auto v = integer(*x, min, max)) *out = int(*v);
      }
    }
    if (const Entry* x = m->find("max_backoff_s")) {
      if (auto v = integer(*x, o.initial_backoff_s, 604'800,
                           "must be between initial_backoff_s (" +
                               std::to_string(o.initial_backoff_s) + ") and 604800")) {
        o.max_backoff_s = int(*v);
      }
    } else if (o.max_backoff_s < o.initial_backoff_s) {
      fail(m->line(), m->child("max_backoff_s"),
           "must be set, at least initial_backoff_s, when initial_backoff_s is over 21600 (the "
           "default max_backoff_s)");
    }
    if (const Entry* x = m->find("jitter")) {
      if (auto v = scalar(*x)) {
        double d = -1;
        const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
        if (x->value.Tag() == "!" || ec != std::errc() || end != v->data() + v->size() || d < 0 ||
            d > 1) {
          fail(*x, "must be a number from 0 to 1, such as 0.2");
        } else {
          o.jitter = d;
        }
      }
    }
  }

  // An absolute http(s) URL without spaces; https_only refuses http.
  std::optional<std::string> url(const Entry& e, bool https_only) {
    auto v = scalar(e);
    if (!v) return std::nullopt;
    const bool https = v->rfind("https://", 0) == 0;
    const bool http = v->rfind("http://", 0) == 0;
    const bool ok = (https || (http && !https_only)) && v->size() > 8 && v->size() <= 2048 &&
                    std::none_of(v->begin(), v->end(),
                                 [](unsigned char c) { return c <= ' ' || c == 0x7F; });
    if (!ok) {
      fail(e, https_only ? "must be an https:// URL without spaces"
                         : "must be an https:// (or http://) URL without spaces");
      return std::nullopt;
    }
    return v;
  }

  void readReturnUrls(const Entry& e, CreditorInstitutionConfig& ec) {
    auto m = map(e.value, e.line(), e.path, {"ok", "cancel", "error", "waiting"});
    if (!m) return;
    ReturnUrlsConfig r;
    for (auto [key, out] : {std::pair("ok", &r.ok), std::pair("cancel", &r.cancel),
                            std::pair("error", &r.error)}) {
      if (const Entry* u = need(*m, key)) {
        if (auto v = url(*u, false)) *out = *v;
      }
    }
    if (const Entry* u = m->find("waiting")) {
      if (auto v = url(*u, false)) r.waiting = *v;
    }
    ec.return_urls = std::move(r);
  }

  // The base URL of an upstream service: http:// is accepted only on loopback (tests, a local
  // proxy); the subscription key's file is required.
  std::optional<std::string> upstreamUrl(const MapView& m) {
    const Entry* u = need(m, "base_url");
    if (!u) return std::nullopt;
    auto v = url(*u, false);
    if (!v) return std::nullopt;
    if (v->rfind("http://", 0) == 0 && v->rfind("http://127.0.0.1", 0) != 0 &&
        v->rfind("http://localhost", 0) != 0 && v->rfind("http://[::1]", 0) != 0) {
      fail(*u, "must be an https:// URL (http:// only to 127.0.0.1, localhost or [::1])");
      return std::nullopt;
    }
    while (!v->empty() && v->back() == '/') v->pop_back();
    return v;
  }

  void readCheckout(const MapView& top) {
    const Entry* e = top.find("checkout");
    if (!e) return;
    auto m = map(e->value, e->line(), e->path,
                 {"base_url", "version", "subscription_key_file", "timeout_ms", "ca_file"});
    if (!m) return;
    CheckoutConfig c;
    if (auto v = upstreamUrl(*m)) c.base_url = *v;
    if (const Entry* x = m->find("version")) {
      if (auto v = integer(*x, 1, 2, "must be 1 or 2 (Checkout's EC API version)")) {
        c.version = int(*v);
      }
    }
    if (const Entry* x = need(*m, "subscription_key_file")) {
      if (auto v = path(*x)) c.subscription_key_file = *v;
    }
    if (const Entry* x = m->find("timeout_ms")) {
      if (auto v = integer(*x, 100, 30'000)) c.timeout_ms = int(*v);
    }
    if (const Entry* x = m->find("ca_file")) {
      if (auto v = path(*x)) c.ca_file = *v;
    }
    config_.checkout = std::move(c);
  }

  void readFeeCalculator(const MapView& top) {
    const Entry* e = top.find("fee_calculator");
    if (!e) return;
    auto m = map(e->value, e->line(), e->path,
                 {"base_url", "subscription_key_file", "timeout_ms", "cache_ttl_s",
                  "stale_max_s", "ca_file"});
    if (!m) return;
    FeeCalculatorConfig f;
    if (auto v = upstreamUrl(*m)) f.base_url = *v;
    if (const Entry* x = need(*m, "subscription_key_file")) {
      if (auto v = path(*x)) f.subscription_key_file = *v;
    }
    if (const Entry* x = m->find("timeout_ms")) {
      if (auto v = integer(*x, 100, 2000,
                           "must be between 100 and 2000: a portal page waits for the fees")) {
        f.timeout_ms = int(*v);
      }
    }
    if (const Entry* x = m->find("cache_ttl_s")) {
      if (auto v = integer(*x, 0, 3600)) f.cache_ttl_s = int(*v);
    }
    if (const Entry* x = m->find("stale_max_s")) {
      if (auto v = integer(*x, 0, 86'400)) f.stale_max_s = int(*v);
    }
    if (const Entry* x = m->find("ca_file")) {
      if (auto v = path(*x)) f.ca_file = *v;
    }
    config_.fee_calculator = std::move(f);
  }

  void readAudit(const MapView& top) {
    const Entry* e = top.find("audit");
    if (!e) return;
    auto m = map(e->value, e->line(), e->path, {"retention_days"});
    if (!m) return;
    if (const Entry* r = m->find("retention_days")) {
      if (auto v = integer(*r, 1, 3650)) config_.audit.retention_days = int(*v);
    }
  }

  void readLogging(const MapView& top) {
    const Entry* e = top.find("logging");
    if (!e) return;
    auto m = map(e->value, e->line(), e->path, {"level"});
    if (!m) return;
    if (const Entry* l = m->find("level")) {
      if (auto v = scalar(*l)) {
        if (auto level = parseLogLevel(*v)) {
          config_.logging.level = *level;
        } else {
          fail(*l, "must be debug, info, warning or error");
        }
      }
    }
  }

  std::string file_;
  std::filesystem::path base_dir_;
  Config config_;
  std::vector<ConfigError> errors_;
};

std::filesystem::path directoryOf(const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(name).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(dir, ec);
  return (ec ? dir : abs).lexically_normal();
}

}  // namespace

bool isValidIban(std::string_view text) { return !ibanProblem(text).has_value(); }

ConfigResult parseConfigText(std::string_view text, const std::string& name) {
  Parser parser(name, directoryOf(name));
  ConfigResult result = parser.run(text);
  if (result.config) result.config->source = name;
  return result;
}

ConfigResult parseConfig(const std::string& path) {
  std::string text;
  int read_errno = 0;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[8192];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    if (std::ferror(f)) read_errno = errno != 0 ? errno : EIO;
    std::fclose(f);
  } else {
    read_errno = errno;
  }
  if (read_errno != 0) {
    ConfigResult result;
    result.errors.push_back(ConfigError{
        path, 0, "", "cannot read the file: " + std::string(std::strerror(read_errno))});
    return result;
  }
  return parseConfigText(text, path);
}

}  // namespace ponte::ops
