// Recognising the node's stand-in probe.
#include "core/stand_in_probe.h"

namespace ponte::core {

bool isStandInProbe(std::string_view nav) { return nav == kStandInProbeNotice; }

}  // namespace ponte::core
