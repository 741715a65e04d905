/* The ledger adapters built into ponte. They are linked statically but expose the same entry
 * function as a plugin (ponte_ledger_entry_fn), so the host loads them through the same checks.
 *
 *   webhook  HTTPS POST of the canonical JSON, signed with HMAC-SHA256 (options: url, secret_file,
 *            timeout_ms, client_certificate, client_key, ca_file)
 *   spool    one file per receipt, written atomically (options: directory, format json|xml)
 *   journal  one CSV line per receipt in a daily cash journal (options: directory)
 */
#ifndef PONTE_BUILTIN_LEDGERS_H
#define PONTE_BUILTIN_LEDGERS_H

#include "ponte/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

const ponte_ledger_plugin* ponte_ledger_webhook_entry(uint32_t host_abi_major,
                                                      uint32_t host_abi_minor);
const ponte_ledger_plugin* ponte_ledger_spool_entry(uint32_t host_abi_major,
                                                    uint32_t host_abi_minor);
const ponte_ledger_plugin* ponte_ledger_journal_entry(uint32_t host_abi_major,
                                                      uint32_t host_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* PONTE_BUILTIN_LEDGERS_H */
