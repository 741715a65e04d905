/* The ledger adapter ABI of ponte: how a municipality's accounting system (a "ledger") receives
 * every receipt ponte confirmed to the pagoPA node. Built-in adapters and plugins loaded with
 * dlopen(3) use this same interface.
 *
 * Pure C, only <stdint.h> and <stddef.h>. Versioning follows SQLite's sqlite3_vfs.iVersion and
 * PostgreSQL's Pg_magic_struct:
 *   - PONTE_LEDGER_ABI_MAJOR changes only when something incompatible changes; the host refuses a
 *     plugin built for another major.
 *   - PONTE_LEDGER_ABI_MINOR grows when fields are appended; a plugin built for an older minor
 *     works with a newer host, which never reads past the plugin's struct_size.
 *   - Every struct starts with struct_size (sizeof as the side that filled it saw it) and only
 *     ever grows at its end. Read a field only when struct_size covers it
 *     (PONTE_LEDGER_HAS_FIELD).
 *
 * A plugin exports exactly one symbol, the entry function named by PONTE_LEDGER_ENTRY_SYMBOL.
 *
 * Ownership: every pointer the host passes stays valid only for the duration of the call that
 * received it, and belongs to the host; copy what must outlive the call. Pointers a plugin
 * returns (its descriptor, its name) must stay valid until the host unloads the plugin. Strings
 * are UTF-8; ponte_ledger_str gives their length, and data is also NUL-terminated for
 * convenience (a string may itself contain no NUL).
 *
 * Threads: the host may call deliver() from several threads at once only when the plugin sets
 * PONTE_LEDGER_THREAD_SAFE; otherwise it serializes all calls to one instance. No call may throw
 * a C++ exception across this boundary, and none should block for longer than the route's
 * delivery timeout: a slow ledger is answered RETRY, not waited for.
 */
#ifndef PONTE_LEDGER_H
#define PONTE_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PONTE_LEDGER_ABI_MAJOR 1u
#define PONTE_LEDGER_ABI_MINOR 0u

/* The symbol every plugin exports, of type ponte_ledger_entry_fn. */
#define PONTE_LEDGER_ENTRY_SYMBOL "ponte_ledger_entry"

/* Whether a struct filled by the other side holds `field` (it may be older than this header). */
#define PONTE_LEDGER_HAS_FIELD(ptr, type, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

/* What a delivery came to. */
typedef enum ponte_ledger_status {
  PONTE_LEDGER_OK = 0,     /* the ledger has the receipt (or had it already: same idempotency key) */
  PONTE_LEDGER_RETRY = 1,  /* not now (ledger down, slow, busy): the host tries again later */
  PONTE_LEDGER_REJECT = 2, /* the ledger refuses this receipt for good: dead-lettered for an operator */
  PONTE_LEDGER_FATAL = 3   /* the adapter cannot work any more (bad credentials, broken setup): the
                              host disables this route, reports it, and delivers nothing to it until
                              an operator fixes it; other routes go on */
} ponte_ledger_status;

/* Log levels passed to the host's log callback (syslog priorities). */
#define PONTE_LEDGER_LOG_ERROR 3
#define PONTE_LEDGER_LOG_WARNING 4
#define PONTE_LEDGER_LOG_INFO 6
#define PONTE_LEDGER_LOG_DEBUG 7

/* Flags of a plugin descriptor. */
#define PONTE_LEDGER_THREAD_SAFE 0x1u /* deliver() may run on several threads at once */

/* A string: `size` bytes at `data`, followed by a NUL. Empty when absent. Borrowed (see above). */
typedef struct ponte_ledger_str {
  const char* data;
  size_t size;
} ponte_ledger_str;

/* A natural ('F') or legal ('G') person: the debtor of the notice or the payer. */
typedef struct ponte_ledger_party {
  size_t struct_size;
  ponte_ledger_str type;        /* "F" or "G" */
  ponte_ledger_str fiscal_code; /* entityUniqueIdentifierValue */
  ponte_ledger_str full_name;
  ponte_ledger_str email;
} ponte_ledger_party;

/* One transfer of the payment: who receives how much, on which account, for what. */
typedef struct ponte_ledger_transfer {
  size_t struct_size;
  int32_t id_transfer;                  /* 1..5 */
  int64_t amount_cents;
  ponte_ledger_str beneficiary_fiscal_code;
  ponte_ledger_str beneficiary_name;    /* empty when the receipt does not say */
  ponte_ledger_str iban;                /* empty for a digital stamp */
  ponte_ledger_str category;            /* taxonomy code, e.g. "9/0101100IM/" */
  ponte_ledger_str remittance_information;
} ponte_ledger_transfer;

/* A receipt, as parsed fields, as canonical JSON and as the original XML the node sent. */
typedef struct ponte_ledger_receipt {
  size_t struct_size;
  ponte_ledger_str ec_fiscal_code;    /* the EC whose ledger this is */
  ponte_ledger_str idempotency_key;   /* "<ec_fiscal_code>:<receipt_id>": the same on every retry */
  ponte_ledger_str notice_number;     /* 18 digits */
  ponte_ledger_str iuv;               /* creditorReferenceId */
  ponte_ledger_str receipt_id;        /* the node's payment token */
  int64_t amount_cents;
  int64_t fee_cents;                  /* the payer's commission; -1 when the receipt has none */
  ponte_ledger_str payment_date_time; /* as received, e.g. "2026-11-22T10:59:00" */
  const ponte_ledger_party* debtor;   /* never NULL */
  const ponte_ledger_party* payer;    /* NULL when the receipt names no payer */
  const ponte_ledger_transfer* transfers;
  size_t transfer_count;              /* 1..5 */
  ponte_ledger_str psp_id;
  ponte_ledger_str psp_name;
  int32_t double_payment;             /* 1: a second payment of a notice already paid (refund it) */
  int32_t stand_in;                   /* 1: paid while the node was in stand-in */
  ponte_ledger_str json;              /* the receipt as ponte's canonical JSON */
  ponte_ledger_str xml;               /* the SOAP message exactly as received */
} ponte_ledger_receipt;

/* What the host gives a plugin: its versions and a log callback. */
typedef void (*ponte_ledger_log_fn)(void* host_context, int level, const char* message);

typedef struct ponte_ledger_host {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  void* host_context;      /* pass back to log(); owned by the host */
  ponte_ledger_log_fn log; /* thread-safe; message is a NUL-terminated line, copied by the host */
} ponte_ledger_host;

/* A route's configuration: its name and the options under it in ponte's config file. */
typedef struct ponte_ledger_config {
  size_t struct_size;
  ponte_ledger_str route_name;
  const ponte_ledger_str* option_keys;   /* option_count keys ... */
  const ponte_ledger_str* option_values; /* ... and their values, as text */
  size_t option_count;
} ponte_ledger_config;

/* The plugin's descriptor, returned by its entry function. */
typedef struct ponte_ledger_plugin {
  size_t struct_size;
  uint32_t abi_major; /* PONTE_LEDGER_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor; /* PONTE_LEDGER_ABI_MINOR the plugin was built with */
  const char* name;   /* e.g. "webhook"; owned by the plugin */
  uint32_t flags;     /* PONTE_LEDGER_THREAD_SAFE or 0 */

  /* Makes an instance for one route. Returns it (owned by the plugin until destroy()), or NULL
   * with a NUL-terminated reason written into error (at most error_size bytes, NUL included). */
  void* (*create)(const ponte_ledger_host* host, const ponte_ledger_config* config, char* error,
                  size_t error_size);

  /* Delivers one receipt. Returns a ponte_ledger_status; for anything but OK writes a short
   * NUL-terminated reason into message (at most message_size bytes). Must be idempotent on
   * receipt->idempotency_key: the same receipt may come again after a crash or a RETRY. */
  int32_t (*deliver)(void* instance, const ponte_ledger_receipt* receipt, char* message,
                     size_t message_size);

  /* Releases an instance made by create(). */
  void (*destroy)(void* instance);
} ponte_ledger_plugin;

/* The entry function: given the host's ABI version, returns the plugin's descriptor (static,
 * owned by the plugin), or NULL when the plugin cannot work with that host. */
typedef const ponte_ledger_plugin* (*ponte_ledger_entry_fn)(uint32_t host_abi_major,
                                                            uint32_t host_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* PONTE_LEDGER_H */
