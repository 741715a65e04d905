// The compact binary document a debt position is stored as: one blob per position, decoded on
// every hot-path read (paVerify, paGetPayment), so it is built for speed and bounded checks.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/position.h"

namespace ponte::store {

// Serializes the whole position (every field, options, transfers, schedules, metadata).
// Deterministic: equal positions give equal bytes, so the store compares blobs to detect an
// unchanged upsert. The first byte is a format version; later versions only append fields.
std::string encodePosition(const core::DebtPosition& position);

// Parses a blob made by encodePosition. nullopt when the bytes are truncated, carry an unknown
// format version, an out-of-range enum or trailing garbage: the caller treats that as corruption.
// Never reads outside `blob`.
std::optional<core::DebtPosition> decodePosition(std::string_view blob);

}  // namespace ponte::store
