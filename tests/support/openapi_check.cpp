// A small JSON Schema checker for the subset the pagoPA OpenAPI documents use.
#include "support/openapi_check.h"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace ponte::test {
namespace {

const nlohmann::json& resolve(const nlohmann::json& schema, const nlohmann::json& document) {
  auto ref = schema.find("$ref");
  if (ref == schema.end()) return schema;
  const std::string pointer = ref->get<std::string>();
  if (pointer.rfind("#/", 0) != 0) throw std::runtime_error("unsupported $ref " + pointer);
  return resolve(document.at(nlohmann::json::json_pointer(pointer.substr(1))), document);
}

bool hasType(const nlohmann::json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  return true;
}

}  // namespace

std::vector<std::string> checkAgainstSchema(const nlohmann::json& value, const nlohmann::json& raw,
                                            const nlohmann::json& document,
                                            const std::string& path) {
  std::vector<std::string> errors;
  const nlohmann::json& schema = resolve(raw, document);
  auto fail = [&](const std::string& what) { errors.push_back(path + ": " + what); };
  if (auto all = schema.find("allOf"); all != schema.end()) {
    for (const auto& part : *all) {
      auto more = checkAgainstSchema(value, part, document, path);
      errors.insert(errors.end(), more.begin(), more.end());
    }
  }
  if (auto type = schema.find("type");
      type != schema.end() && !hasType(value, type->get<std::string>())) {
    fail("must be of type " + type->get<std::string>());
    return errors;
  }
  if (auto e = schema.find("enum"); e != schema.end()) {
    bool found = false;
    for (const auto& option : *e) found = found || option == value;
    if (!found) fail("is not one of " + e->dump());
  }
  if (value.is_object()) {
    if (auto required = schema.find("required"); required != schema.end()) {
      for (const auto& name : *required) {
        if (!value.contains(name.get<std::string>()))
          fail("lacks required " + name.get<std::string>());
      }
    }
    if (auto props = schema.find("properties"); props != schema.end()) {
      for (const auto& [name, sub] : props->items()) {
        if (value.contains(name)) {
          auto more = checkAgainstSchema(value.at(name), sub, document, path + "." + name);
          errors.insert(errors.end(), more.begin(), more.end());
        }
      }
      auto extra = schema.find("additionalProperties");
      if (extra != schema.end() && extra->is_boolean() && !extra->get<bool>()) {
        for (const auto& [name, sub] : value.items()) {
          if (!props->contains(name)) fail("has unexpected property " + name);
        }
      }
    }
  }
  if (value.is_array()) {
    if (auto min = schema.find("minItems");
        min != schema.end() && value.size() < min->get<std::size_t>()) {
      fail("has fewer than " + min->dump() + " items");
    }
    if (auto max = schema.find("maxItems");
        max != schema.end() && value.size() > max->get<std::size_t>()) {
      fail("has more than " + max->dump() + " items");
    }
    if (auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        auto more =
            checkAgainstSchema(value[i], *items, document, path + "[" + std::to_string(i) + "]");
        errors.insert(errors.end(), more.begin(), more.end());
      }
    }
  }
  if (value.is_string()) {
    const std::string s = value.get<std::string>();
    if (auto min = schema.find("minLength");
        min != schema.end() && s.size() < min->get<std::size_t>()) {
      fail("is shorter than " + min->dump());
    }
    if (auto max = schema.find("maxLength");
        max != schema.end() && s.size() > max->get<std::size_t>()) {
      fail("is longer than " + max->dump());
    }
    if (auto pattern = schema.find("pattern"); pattern != schema.end()) {
      if (!std::regex_search(s, std::regex(pattern->get<std::string>())))
        fail("does not match " + pattern->dump());
    }
  }
  if (value.is_number()) {
    const double v = value.get<double>();
    if (auto min = schema.find("minimum"); min != schema.end()) {
      const bool exclusive = schema.value("exclusiveMinimum", false);
      if (exclusive ? v <= min->get<double>() : v < min->get<double>())
        fail("is below the minimum " + min->dump());
    }
    if (auto max = schema.find("maximum"); max != schema.end()) {
      const bool exclusive = schema.value("exclusiveMaximum", false);
      if (exclusive ? v >= max->get<double>() : v > max->get<double>())
        fail("is above the maximum " + max->dump());
    }
  }
  return errors;
}

nlohmann::json loadOpenApi(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file);
  return nlohmann::json::parse(in);
}

}  // namespace ponte::test
