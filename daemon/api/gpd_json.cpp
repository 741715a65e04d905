// GPD PaymentPositionModel <-> core::DebtPosition, with the validation rules of GPD and of the wire.
#include "api/gpd_json.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/amount_schedule.h"
#include "core/notice_number.h"
#include "core/utf8.h"
#include "ops/config.h"

namespace ponte::api {
namespace {

using nlohmann::json;

// Collects errors while reading one object; every accessor records what it rejects.
class Reader {
 public:
  explicit Reader(std::vector<FieldError>& errors) : errors_(errors) {}

  void fail(const std::string& path, std::string message) {
    errors_.push_back({path, std::move(message)});
  }

  // A string field of length min..max; absent is an error only when required.
  std::string text(const json& obj, const std::string& base, const char* key, bool required,
                   std::size_t min, std::size_t max) {
    const std::string path = join(base, key);
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) fail(path, "is required");
      return {};
    }
    if (!it->is_string()) {
      fail(path, "must be a string");
      return {};
    }
    std::string value = it->get<std::string>();
    const std::size_t length = core::utf8CountChars(value);
    if (length < min || length > max) {
      fail(path, "must be " + std::to_string(min) + " to " + std::to_string(max) + " characters long");
    }
    return value;
  }

  std::optional<std::int64_t> integer(const json& obj, const std::string& base, const char* key,
                                      bool required, std::int64_t min, std::int64_t max) {
    const std::string path = join(base, key);
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) fail(path, "is required");
      return std::nullopt;
    }
    if (!it->is_number_integer()) {
      fail(path, "must be an integer (euro cents)");
      return std::nullopt;
    }
    const std::int64_t value = it->get<std::int64_t>();
    if (value < min || value > max) {
      fail(path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return std::nullopt;
    }
    return value;
  }

  std::optional<bool> boolean(const json& obj, const std::string& base, const char* key,
                              bool required) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) fail(join(base, key), "is required");
      return std::nullopt;
    }
    if (!it->is_boolean()) {
      fail(join(base, key), "must be true or false");
      return std::nullopt;
    }
    return it->get<bool>();
  }

  // A date or date-time ("2025-12-31" or "2025-12-31T23:59:59.999Z"): its calendar day.
  std::optional<core::Date> date(const json& obj, const std::string& base, const char* key,
                                 bool required) {
    const std::string value = text(obj, base, key, required, 10, 40);
    if (value.empty()) return std::nullopt;
    auto day = core::Date::parse(std::string_view(value).substr(0, 10));
    if (!day || (value.size() > 10 && value[10] != 'T')) {
      fail(join(base, key), "must be a date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ss)");
      return std::nullopt;
    }
    return day;
  }

  const json* array(const json& obj, const std::string& base, const char* key, bool required,
                    std::size_t min, std::size_t max) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) fail(join(base, key), "is required");
      return nullptr;
    }
    if (!it->is_array()) {
      fail(join(base, key), "must be an array");
      return nullptr;
    }
    if (it->size() < min || it->size() > max) {
      fail(join(base, key),
           "must have " + std::to_string(min) + " to " + std::to_string(max) + " elements");
      return nullptr;
    }
    return &*it;
  }

  static std::string join(const std::string& base, const std::string& key) {
    return base.empty() ? key : base + "." + key;
  }
  static std::string index(const std::string& base, std::size_t i) {
    return base + "[" + std::to_string(i) + "]";
  }

 private:
  std::vector<FieldError>& errors_;
};

constexpr const char* kBadIban =
    "is not a valid IBAN (2 letters, 2 check digits, the account; the check digits do not "
    "match): look for a typing error";

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool isAlnum(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c); });
}
bool isDigits(const std::string& s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}
bool isTwoCapitals(const std::string& s) {
  return s.size() == 2 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::isupper(static_cast<unsigned char>(s[1]));
}
bool isEmail(const std::string& s) {
  static const std::regex pattern(R"([a-zA-Z0-9_\.\+\-]+@[a-zA-Z0-9\-]+(\.[a-zA-Z0-9\-]+)*)");
  return s.size() <= 256 && std::regex_match(s, pattern);
}

std::vector<core::MapEntry> readMetadata(Reader& r, const json& obj, const std::string& base,
                                         const char* key) {
  std::vector<core::MapEntry> out;
  const json* list = r.array(obj, base, key, false, 0, 10);
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = Reader::index(Reader::join(base, key), i);
    const json& entry = (*list)[i];
    if (!entry.is_object()) {
      r.fail(path, "must be an object with key and value");
      continue;
    }
    out.push_back({r.text(entry, path, "key", true, 1, 140), r.text(entry, path, "value", true, 1, 140)});
  }
  return out;
}

core::Transfer readTransfer(Reader& r, const json& obj, const std::string& base,
                            const GpdContext& context) {
  core::Transfer t;
  const std::string id = r.text(obj, base, "idTransfer", true, 1, 1);
  if (!id.empty()) {
    if (id[0] < '1' || id[0] > '5') r.fail(Reader::join(base, "idTransfer"), "must be \"1\" to \"5\"");
    t.id_transfer = id[0] - '0';
  }
  t.amount = r.integer(obj, base, "amount", true, 1, core::kMaxCents).value_or(0);
  t.organization_fiscal_code = r.text(obj, base, "organizationFiscalCode", false, 11, 11);
  if (t.organization_fiscal_code.empty()) {
    t.organization_fiscal_code = context.ec_fiscal_code;
  } else if (!isDigits(t.organization_fiscal_code, 11)) {
    r.fail(Reader::join(base, "organizationFiscalCode"), "must be 11 digits");
  }
  t.remittance_information = r.text(obj, base, "remittanceInformation", true, 1, 140);
  t.category = r.text(obj, base, "category", true, 1, 140);
  t.company_name = r.text(obj, base, "companyName", false, 0, 140);
  t.iban = r.text(obj, base, "iban", false, 1, 35);
  t.postal_iban = r.text(obj, base, "postalIban", false, 0, 35);
  if (!t.iban.empty() && !isAlnum(t.iban)) {
    r.fail(Reader::join(base, "iban"), "must be letters and digits only");
  } else if (!t.iban.empty() && !ops::isValidIban(upper(t.iban))) {
    r.fail(Reader::join(base, "iban"), kBadIban);
  }
  if (!t.postal_iban.empty() && !isAlnum(t.postal_iban)) {
    r.fail(Reader::join(base, "postalIban"), "must be letters and digits only");
  } else if (!t.postal_iban.empty() && !ops::isValidIban(upper(t.postal_iban))) {
    r.fail(Reader::join(base, "postalIban"), kBadIban);
  }
  if (auto it = obj.find("stamp"); it != obj.end() && !it->is_null()) {
    const std::string path = Reader::join(base, "stamp");
    if (!it->is_object()) {
      r.fail(path, "must be an object");
    } else {
      core::StampRequest stamp;
      stamp.hash_document = r.text(*it, path, "hashDocument", true, 4, 72);
      stamp.stamp_type = r.text(*it, path, "stampType", true, 2, 2);
      stamp.provincial_residence = r.text(*it, path, "provincialResidence", true, 2, 2);
      if (!stamp.provincial_residence.empty() && !isTwoCapitals(stamp.provincial_residence)) {
        r.fail(Reader::join(path, "provincialResidence"), "must be two capital letters");
      }
      t.stamp = stamp;
    }
  }
  if (t.stamp && !t.iban.empty()) r.fail(Reader::join(base, "iban"), "iban and stamp are mutually exclusive");
  if (t.stamp && !t.postal_iban.empty()) {
    r.fail(Reader::join(base, "postalIban"), "postalIban cannot be combined with a stamp");
  }
  if (!t.stamp && t.iban.empty() && t.postal_iban.empty()) {
    r.fail(Reader::join(base, "iban"), "is required (or postalIban, or stamp)");
  }
  t.metadata = readMetadata(r, obj, base, "transferMetadata");
  return t;
}

// The steps of an amountSchedule list found at `path`.
std::vector<core::AmountStep> readSteps(Reader& r, const json& list, const std::string& path) {
  std::vector<core::AmountStep> steps;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string step_path = Reader::index(path, i);
    const json& item = list[i];
    if (!item.is_object()) {
      r.fail(step_path, "must be an object");
      continue;
    }
    core::AmountStep step;
    step.until = r.date(item, step_path, "until", false);
    step.amount = r.integer(item, step_path, "amount", true, 1, core::kMaxCents).value_or(0);
    step.label = r.text(item, step_path, "label", false, 0, 35);
    if (const json* amounts = r.array(item, step_path, "transferAmounts", true, 1, 5)) {
      for (const json& a : *amounts) {
        if (!a.is_number_integer() || a.get<std::int64_t>() < 1) {
          r.fail(Reader::join(step_path, "transferAmounts"), "must be positive integers (euro cents)");
          break;
        }
        step.transfer_amounts.push_back(a.get<std::int64_t>());
      }
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

std::vector<core::AmountStep> readSchedule(Reader& r, const json& obj, const std::string& base) {
  const json* list = r.array(obj, base, "amountSchedule", false, 1, 10);
  if (!list) return {};
  return readSteps(r, *list, Reader::join(base, "amountSchedule"));
}

// Installments pay the same debt as the single payment, in parts: a plan that adds up to less
// than the single payment would let the debt be settled for less by choosing the plan.
void checkPlans(Reader& r, const std::vector<core::PaymentOption>& options) {
  const auto single = std::find_if(options.begin(), options.end(),
                                   [](const core::PaymentOption& o) { return !o.is_partial_payment; });
  if (single == options.end()) return;
  std::map<std::string, core::Cents> plans;
  for (const auto& o : options) {
    if (o.is_partial_payment) plans[o.payment_plan_id] += o.amount;
  }
  for (const auto& [plan, total] : plans) {
    if (total < single->amount) {
      r.fail("paymentOption", "the installments" + (plan.empty() ? std::string() : " of plan " + plan) +
                                  " add up to " + std::to_string(total) +
                                  " cents, less than the single payment of " + std::to_string(single->amount));
    }
  }
}

core::PaymentOption readOption(Reader& r, const json& obj, const std::string& base,
                               const GpdContext& context, std::optional<core::Date> validity) {
  core::PaymentOption o;
  o.iuv = r.text(obj, base, "iuv", true, 1, 35);
  o.nav = r.text(obj, base, "nav", false, 18, 18);
  o.amount = r.integer(obj, base, "amount", true, 1, core::kMaxCents).value_or(0);
  o.description = r.text(obj, base, "description", true, 1, 140);
  o.is_partial_payment = r.boolean(obj, base, "isPartialPayment", true).value_or(false);
  o.payment_plan_id = r.text(obj, base, "paymentPlanId", false, 0, 70);
  if (auto due = r.date(obj, base, "dueDate", true)) o.due_date = *due;
  o.retention_date = r.date(obj, base, "retentionDate", false);
  o.fee = r.integer(obj, base, "fee", false, 0, core::kMaxCents).value_or(0);
  o.metadata = readMetadata(r, obj, base, "paymentOptionMetadata");
  if (context.accept_status) {
    const std::string status = r.text(obj, base, "status", false, 0, 30);
    if (!status.empty()) {
      if (auto s = core::parseOptionStatus(status)) {
        o.status = *s;
      } else {
        r.fail(Reader::join(base, "status"), "is not an option status (PO_UNPAID, PO_PAID, ...)");
      }
    }
  }

  // The notice number: given, or built from the IUV the way the EC's station numbers notices.
  if (!o.iuv.empty()) {
    if (o.nav.empty()) {
      auto nav = core::noticeFromIuv(context.aux_digit, context.application_code, o.iuv);
      if (nav) {
        o.nav = *nav;
      } else {
        r.fail(Reader::join(base, "iuv"),
               "does not fit this EC's notice numbers (aux digit " + std::to_string(context.aux_digit) +
                   ") or its check digits are wrong");
      }
    } else {
      auto parsed = core::parseNoticeNumber(o.nav);
      if (!parsed) {
        r.fail(Reader::join(base, "nav"), "is not a valid notice number (18 digits, mod-93 check digits)");
      } else if (parsed->iuv != o.iuv) {
        r.fail(Reader::join(base, "nav"), "does not contain the option's iuv");
      }
    }
  }

  const std::string tpath = Reader::join(base, "transfer");
  if (const json* transfers = r.array(obj, base, "transfer", true, 1, 5)) {
    std::set<int> ids;
    core::Cents sum = 0;
    for (std::size_t i = 0; i < transfers->size(); ++i) {
      const std::string path = Reader::index(tpath, i);
      if (!(*transfers)[i].is_object()) {
        r.fail(path, "must be an object");
        continue;
      }
      core::Transfer t = readTransfer(r, (*transfers)[i], path, context);
      if (!ids.insert(t.id_transfer).second) r.fail(Reader::join(path, "idTransfer"), "is repeated");
      sum += t.amount;
      o.transfers.push_back(std::move(t));
    }
    if (o.amount > 0 && sum != o.amount) {
      r.fail(tpath, "transfer amounts sum to " + std::to_string(sum) + " cents, not the option amount " +
                        std::to_string(o.amount));
    }
    std::sort(o.transfers.begin(), o.transfers.end(),
              [](const core::Transfer& a, const core::Transfer& b) { return a.id_transfer < b.id_transfer; });
  }
  o.schedule = readSchedule(r, obj, base);
  if (!o.schedule.empty()) {
    if (auto problem = core::checkSchedule(o)) r.fail(Reader::join(base, "amountSchedule"), *problem);
  }
  if (validity && o.due_date < *validity) {
    r.fail(Reader::join(base, "dueDate"), "is before the position's validityDate");
  }
  return o;
}

}  // namespace

std::variant<core::DebtPosition, std::vector<FieldError>> positionFromGpd(const json& obj,
                                                                          const GpdContext& context) {
  std::vector<FieldError> errors;
  Reader r(errors);
  if (!obj.is_object()) return std::vector<FieldError>{{"", "must be a JSON object (a debt position)"}};

  core::DebtPosition p;
  p.ec_fiscal_code = context.ec_fiscal_code;
  p.iupd = r.text(obj, "", "iupd", true, 1, 256);
  const std::string type = r.text(obj, "", "type", true, 1, 1);
  if (!type.empty()) {
    if (type != "F" && type != "G") r.fail("type", "must be F (natural person) or G (legal person)");
    p.debtor.type = type[0];
  }
  // Debtor fields are bounded by what the node accepts in ctSubject, not only by GPD.
  p.debtor.fiscal_code = r.text(obj, "", "fiscalCode", true, 2, 16);
  p.debtor.full_name = r.text(obj, "", "fullName", true, 1, 70);
  p.debtor.street_name = r.text(obj, "", "streetName", false, 0, 70);
  p.debtor.civic_number = r.text(obj, "", "civicNumber", false, 0, 16);
  p.debtor.postal_code = r.text(obj, "", "postalCode", false, 0, 16);
  p.debtor.city = r.text(obj, "", "city", false, 0, 35);
  p.debtor.province = r.text(obj, "", "province", false, 0, 35);
  p.debtor.country = r.text(obj, "", "country", false, 0, 2);
  if (!p.debtor.country.empty() && !isTwoCapitals(p.debtor.country)) r.fail("country", "must be two capital letters");
  p.debtor.email = r.text(obj, "", "email", false, 0, 256);
  if (!p.debtor.email.empty() && !isEmail(p.debtor.email)) r.fail("email", "is not an e-mail address");
  p.debtor.phone = r.text(obj, "", "phone", false, 0, 19);
  p.company_name = r.text(obj, "", "companyName", true, 0, 140);
  if (p.company_name.empty()) p.company_name = context.default_company_name;
  p.office_name = r.text(obj, "", "officeName", false, 0, 140);
  p.switch_to_expired = r.boolean(obj, "", "switchToExpired", true).value_or(false);
  p.pay_stand_in = r.boolean(obj, "", "payStandIn", false).value_or(true);
  p.validity_date = r.date(obj, "", "validityDate", false);
  p.status = core::PositionStatus::kValid;
  if (context.accept_status) {
    const std::string status = r.text(obj, "", "status", false, 0, 30);
    if (!status.empty()) {
      if (auto s = core::parsePositionStatus(status)) {
        p.status = *s;
      } else {
        r.fail("status", "is not a position status (DRAFT, PUBLISHED, VALID, ...)");
      }
    }
  }
  if (auto it = obj.find("coerciveCollection"); it != obj.end() && !it->is_null()) {
    if (!it->is_object()) {
      r.fail("coerciveCollection", "must be an object with reference and url");
    } else {
      p.coercive.sent = true;
      p.coercive.collector_reference = r.text(*it, "coerciveCollection", "reference", true, 1, 70);
      p.coercive.collector_url = r.text(*it, "coerciveCollection", "url", false, 0, 256);
    }
  }
  if (const json* options = r.array(obj, "", "paymentOption", true, 1, 100)) {
    std::set<std::string> iuvs;
    for (std::size_t i = 0; i < options->size(); ++i) {
      const std::string path = Reader::index("paymentOption", i);
      if (!(*options)[i].is_object()) {
        r.fail(path, "must be an object");
        continue;
      }
      core::PaymentOption o = readOption(r, (*options)[i], path, context, p.validity_date);
      if (!o.iuv.empty() && !iuvs.insert(o.iuv).second) r.fail(Reader::join(path, "iuv"), "is repeated in this position");
      p.options.push_back(std::move(o));
    }
    const auto singles = std::count_if(p.options.begin(), p.options.end(),
                                       [](const core::PaymentOption& o) { return !o.is_partial_payment; });
    if (singles > 1) r.fail("paymentOption", "has more than one single payment (isPartialPayment=false)");
    checkPlans(r, p.options);
  }
  if (!errors.empty()) return errors;
  return p;
}

GpdContext gpdContextFor(const core::Directory& directory, const std::string& ec_fiscal_code) {
  GpdContext context;
  context.ec_fiscal_code = ec_fiscal_code;
  if (const core::EcInfo* ec = directory.ec(ec_fiscal_code)) {
    context.default_company_name = ec->name;
    if (const core::StationInfo* station = directory.station(ec->station_id)) {
      context.aux_digit = station->aux_digit;
      if (station->aux_digit == 0) context.application_code = station->code;
    }
  }
  return context;
}

std::vector<FieldError> scheduleFromGpd(const json& list, const std::string& path,
                                        core::PaymentOption& option) {
  std::vector<FieldError> errors;
  Reader r(errors);
  if (!list.is_array() || list.size() > 10) {
    r.fail(path, "must be an array of 0 to 10 steps");
    return errors;
  }
  std::vector<core::AmountStep> steps = readSteps(r, list, path);
  if (!errors.empty()) return errors;
  core::PaymentOption candidate = option;
  candidate.schedule = std::move(steps);
  if (!candidate.schedule.empty()) {
    if (auto problem = core::checkSchedule(candidate)) {
      r.fail(path, *problem);
      return errors;
    }
  }
  option = std::move(candidate);
  return errors;
}

namespace {

std::string isoDateTime(core::Date d) { return d.iso() + "T23:59:59"; }

json metadataJson(const std::vector<core::MapEntry>& entries) {
  json out = json::array();
  for (const auto& e : entries) out.push_back({{"key", e.key}, {"value", e.value}});
  return out;
}

void putIfNotEmpty(json& obj, const char* key, const std::string& value) {
  if (!value.empty()) obj[key] = value;
}

}  // namespace

json positionToGpd(const core::DebtPosition& p) {
  json obj = {{"iupd", p.iupd},
              {"organizationFiscalCode", p.ec_fiscal_code},
              {"type", std::string(1, p.debtor.type)},
              {"fiscalCode", p.debtor.fiscal_code},
              {"fullName", p.debtor.full_name},
              {"companyName", p.company_name},
              {"switchToExpired", p.switch_to_expired},
              {"payStandIn", p.pay_stand_in},
              {"status", std::string(core::toString(p.status))}};
  putIfNotEmpty(obj, "streetName", p.debtor.street_name);
  putIfNotEmpty(obj, "civicNumber", p.debtor.civic_number);
  putIfNotEmpty(obj, "postalCode", p.debtor.postal_code);
  putIfNotEmpty(obj, "city", p.debtor.city);
  putIfNotEmpty(obj, "province", p.debtor.province);
  putIfNotEmpty(obj, "country", p.debtor.country);
  putIfNotEmpty(obj, "email", p.debtor.email);
  putIfNotEmpty(obj, "phone", p.debtor.phone);
  putIfNotEmpty(obj, "officeName", p.office_name);
  if (p.validity_date) obj["validityDate"] = p.validity_date->iso() + "T00:00:00";
  if (p.coercive.sent) {
    obj["coerciveCollection"] = {{"reference", p.coercive.collector_reference},
                                 {"url", p.coercive.collector_url}};
  }
  json options = json::array();
  for (const auto& o : p.options) {
    json oj = {{"iuv", o.iuv},
               {"nav", o.nav},
               {"amount", o.amount},
               {"description", o.description},
               {"isPartialPayment", o.is_partial_payment},
               {"dueDate", isoDateTime(o.due_date)},
               {"fee", o.fee},
               {"status", std::string(core::toString(o.status))},
               {"paymentOptionMetadata", metadataJson(o.metadata)}};
    putIfNotEmpty(oj, "paymentPlanId", o.payment_plan_id);
    if (o.retention_date) oj["retentionDate"] = isoDateTime(*o.retention_date);
    json transfers = json::array();
    for (const auto& t : o.transfers) {
      json tj = {{"idTransfer", std::to_string(t.id_transfer)},
                 {"amount", t.amount},
                 {"organizationFiscalCode", t.organization_fiscal_code},
                 {"remittanceInformation", t.remittance_information},
                 {"category", t.category},
                 {"transferMetadata", metadataJson(t.metadata)}};
      putIfNotEmpty(tj, "iban", t.iban);
      putIfNotEmpty(tj, "postalIban", t.postal_iban);
      putIfNotEmpty(tj, "companyName", t.company_name);
      if (t.stamp) {
        tj["stamp"] = {{"hashDocument", t.stamp->hash_document},
                       {"stampType", t.stamp->stamp_type},
                       {"provincialResidence", t.stamp->provincial_residence}};
      }
      transfers.push_back(std::move(tj));
    }
    oj["transfer"] = std::move(transfers);
    if (!o.schedule.empty()) {
      json steps = json::array();
      for (const auto& s : o.schedule) {
        json sj = {{"amount", s.amount}, {"transferAmounts", s.transfer_amounts}};
        if (s.until) sj["until"] = s.until->iso();
        putIfNotEmpty(sj, "label", s.label);
        steps.push_back(std::move(sj));
      }
      oj["amountSchedule"] = std::move(steps);
    }
    options.push_back(std::move(oj));
  }
  obj["paymentOption"] = std::move(options);
  return obj;
}

}  // namespace ponte::api
