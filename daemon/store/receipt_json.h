// The JSON form of a parsed receipt: stored next to the raw XML of every receipt, so ledgers, the
// CLI and reconciliation read its fields without parsing SOAP again.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/node_messages.h"

namespace ponte::store {

// One JSON object with snake_case keys named after core::Receipt's fields; amounts are integer
// cents ("payment_amount_cents"), absent optionals are omitted. Never fails.
std::string receiptToJson(const core::Receipt& receipt);

// Reads what receiptToJson wrote. nullopt when the text is not JSON or a field has the wrong
// type; unknown keys are ignored so later versions may add fields.
std::optional<core::Receipt> receiptFromJson(std::string_view json);

}  // namespace ponte::store
