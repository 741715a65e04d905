/* A plugin whose entry function refuses every host (returns no descriptor). */
#include <stddef.h>

#include "ponte/ledger.h"

const ponte_ledger_plugin* ponte_ledger_entry(uint32_t major, uint32_t minor) {
  (void)major, (void)minor;
  return NULL;
}
