// Who ponte serves, as the node operations name it: the types live in core, where the API
// reads them too.
#pragma once

#include "core/directory.h"

namespace ponte::app {

using core::Directory;
using core::EcInfo;
using core::ServiceInfo;
using core::StationInfo;

}  // namespace ponte::app
