// The notice number the node uses to probe a station during stand-in.
#pragma once

#include <string_view>

namespace ponte::core {

// The probe's notice number: eighteen zeros.
inline constexpr std::string_view kStandInProbeNotice = "000000000000000000";

// True when `nav` is the stand-in probe, which must be answered PAA_PAGAMENTO_SCONOSCIUTO at
// once, without a store lookup. The probe is a well-formed aux-0 notice (application code 00, its
// check digits 0 mod 93 = 00), so parseNoticeNumber accepts it: test for it before parsing.
bool isStandInProbe(std::string_view nav);

}  // namespace ponte::core
