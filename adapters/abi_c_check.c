/* Compiles the ledger ABI header as strict C99: a plugin written in C must be able to use it. */
#include "ponte/ledger.h"

/* Every struct starts with its size, so a side can tell how much of it the other side filled. */
typedef char ponte_ledger_receipt_starts_with_size[offsetof(ponte_ledger_receipt, struct_size) == 0 ? 1 : -1];
typedef char ponte_ledger_plugin_starts_with_size[offsetof(ponte_ledger_plugin, struct_size) == 0 ? 1 : -1];
typedef char ponte_ledger_host_starts_with_size[offsetof(ponte_ledger_host, struct_size) == 0 ? 1 : -1];

int ponte_ledger_abi_c_check(const ponte_ledger_receipt* receipt) {
  return PONTE_LEDGER_HAS_FIELD(receipt, ponte_ledger_receipt, xml) ? (int)receipt->transfer_count : -1;
}
