// UTF-8 scanning for the configuration and the log: the core's functions, under ops' names.
#pragma once

#include "core/utf8.h"

namespace ponte::ops {

using core::utf8CharBytes;
using core::utf8Length;

}  // namespace ponte::ops
