// GPD status names of debt positions and payment options.
#include "core/position.h"

#include <array>
#include <utility>

namespace ponte::core {
namespace {

constexpr std::array<std::pair<PositionStatus, std::string_view>, 8> kPositionStatuses{{
    {PositionStatus::kDraft, "DRAFT"},
    {PositionStatus::kPublished, "PUBLISHED"},
    {PositionStatus::kValid, "VALID"},
    {PositionStatus::kInvalid, "INVALID"},
    {PositionStatus::kExpired, "EXPIRED"},
    {PositionStatus::kPartiallyPaid, "PARTIALLY_PAID"},
    {PositionStatus::kPaid, "PAID"},
    {PositionStatus::kReported, "REPORTED"},
}};

constexpr std::array<std::pair<OptionStatus, std::string_view>, 4> kOptionStatuses{{
    {OptionStatus::kUnpaid, "PO_UNPAID"},
    {OptionStatus::kPaid, "PO_PAID"},
    {OptionStatus::kPartiallyReported, "PO_PARTIALLY_REPORTED"},
    {OptionStatus::kReported, "PO_REPORTED"},
}};

template <class Enum, std::size_t N>
std::string_view nameOf(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [known, name] : table) {
    if (known == value) return name;
  }
  return {};
}

template <class Enum, std::size_t N>
std::optional<Enum> valueOf(const std::array<std::pair<Enum, std::string_view>, N>& table,
                            std::string_view name) {
  for (const auto& [value, known] : table) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view toString(PositionStatus status) { return nameOf(kPositionStatuses, status); }
std::string_view toString(OptionStatus status) { return nameOf(kOptionStatuses, status); }

std::optional<PositionStatus> parsePositionStatus(std::string_view name) {
  return valueOf(kPositionStatuses, name);
}

std::optional<OptionStatus> parseOptionStatus(std::string_view name) {
  return valueOf(kOptionStatuses, name);
}

}  // namespace ponte::core
