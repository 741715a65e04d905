/* A plugin whose descriptor says it is shorter than ABI 1.0's: it ends before its functions. */
#include <stddef.h>

#include "ponte/ledger.h"

static const ponte_ledger_plugin kPlugin = {offsetof(ponte_ledger_plugin, create),
                                            PONTE_LEDGER_ABI_MAJOR, 0, "short", 0, NULL, NULL, NULL};

const ponte_ledger_plugin* ponte_ledger_entry(uint32_t major, uint32_t minor) {
  (void)major, (void)minor;
  return &kPlugin;
}
