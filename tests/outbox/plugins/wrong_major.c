/* A plugin built for another major version of the ledger ABI. */
#include <stddef.h>

#include "ponte/ledger.h"

static void* create(const ponte_ledger_host* h, const ponte_ledger_config* c, char* e, size_t n) {
  (void)h, (void)c, (void)e, (void)n;
  return NULL;
}
static int32_t deliver(void* i, const ponte_ledger_receipt* r, char* m, size_t n) {
  (void)i, (void)r, (void)m, (void)n;
  return PONTE_LEDGER_OK;
}
static void destroy(void* i) { (void)i; }

static const ponte_ledger_plugin kPlugin = {sizeof(ponte_ledger_plugin), PONTE_LEDGER_ABI_MAJOR + 1,
                                            0, "wrong-major", 0, create, deliver, destroy};

const ponte_ledger_plugin* ponte_ledger_entry(uint32_t major, uint32_t minor) {
  (void)major, (void)minor;
  return &kPlugin;
}
