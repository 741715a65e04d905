/* A sample ledger plugin for ponte, in plain C: appends one JSON line per receipt to a file.
 * Build it as a shared object against ponte/ledger.h only; see README.md next to it.
 *
 * Options (under the ledger's `options:` in ponte's configuration):
 *   file   the file to append to (required)
 * Idempotent: the keys already in the file are read at create(), a key seen again is OK. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ponte/ledger.h"

/* One instance per route. The host serializes calls (no PONTE_LEDGER_THREAD_SAFE flag), so the
 * instance needs no lock. */
typedef struct sample_ledger {
  ponte_ledger_log_fn log; /* copied from the host at create(): the host struct is borrowed */
  void* log_context;
  char* path;  /* owned */
  char** keys; /* owned: idempotency keys already in the file */
  size_t key_count;
  size_t key_capacity;
} sample_ledger;

static void say(sample_ledger* s, int level, const char* message) {
  if (s->log != NULL) s->log(s->log_context, level, message);
}

static void set_message(char* buffer, size_t size, const char* text) {
  if (buffer == NULL || size == 0) return;
  snprintf(buffer, size, "%s", text);
}

static int remember(sample_ledger* s, const char* key, size_t length) {
  if (s->key_count == s->key_capacity) {
    size_t capacity = s->key_capacity ? s->key_capacity * 2 : 64;
    char** keys = realloc(s->keys, capacity * sizeof *keys);
    if (keys == NULL) return 0;
    s->keys = keys;
    s->key_capacity = capacity;
  }
  char* copy = malloc(length + 1);
  if (copy == NULL) return 0;
  memcpy(copy, key, length);
  copy[length] = '\0';
  s->keys[s->key_count++] = copy;
  return 1;
}

static int known(const sample_ledger* s, const ponte_ledger_str* key) {
  for (size_t i = 0; i < s->key_count; ++i) {
    if (strlen(s->keys[i]) == key->size && memcmp(s->keys[i], key->data, key->size) == 0) return 1;
  }
  return 0;
}

/* Writes text as a JSON string (quotes and escapes included). */
static void put_json_string(FILE* f, ponte_ledger_str text) {
  fputc('"', f);
  for (size_t i = 0; i < text.size; ++i) {
    unsigned char c = (unsigned char)text.data[i];
    if (c == '"' || c == '\\') {
      fputc('\\', f);
      fputc(c, f);
    } else if (c < 0x20) {
      fprintf(f, "\\u%04x", c);
    } else {
      fputc(c, f);
    }
  }
  fputc('"', f);
}

static void sample_destroy(void* instance) {
  sample_ledger* s = instance;
  if (s == NULL) return;
  for (size_t i = 0; i < s->key_count; ++i) free(s->keys[i]);
  free(s->keys);
  free(s->path);
  free(s);
}

static void* sample_create(const ponte_ledger_host* host, const ponte_ledger_config* config,
                           char* error, size_t error_size) {
  const char* file = NULL;
  for (size_t i = 0; i < config->option_count; ++i) {
    const ponte_ledger_str key = config->option_keys[i];
    if (key.size == 4 && memcmp(key.data, "file", 4) == 0) file = config->option_values[i].data;
  }
  if (file == NULL || *file == '\0') {
    set_message(error, error_size, "option file is required (the file receipts are appended to)");
    return NULL;
  }
  sample_ledger* s = calloc(1, sizeof *s);
  if (s == NULL || (s->path = strdup(file)) == NULL) {
    free(s);
    set_message(error, error_size, "out of memory");
    return NULL;
  }
  /* The log callback may be missing in a host older than this plugin: check the struct size. */
  if (PONTE_LEDGER_HAS_FIELD(host, ponte_ledger_host, log)) {
    s->log = host->log;
    s->log_context = host->host_context;
  }
  /* Read back the keys of the lines already written: each line starts {"key":"...". */
  FILE* f = fopen(s->path, "r");
  if (f != NULL) {
    char line[4096];
    while (fgets(line, sizeof line, f) != NULL) {
      const char* start = strstr(line, "{\"key\":\"");
      if (start == NULL) continue;
      start += 8;
      const char* end = strchr(start, '"');
      if (end != NULL && !remember(s, start, (size_t)(end - start))) {
        fclose(f);
        sample_destroy(s);
        set_message(error, error_size, "out of memory");
        return NULL;
      }
    }
    fclose(f);
  } else if (errno != ENOENT) {
    char why[512];
    snprintf(why, sizeof why, "cannot read %s: %s", s->path, strerror(errno));
    set_message(error, error_size, why);
    sample_destroy(s);
    return NULL;
  }
  say(s, PONTE_LEDGER_LOG_INFO, "sample ledger ready");
  return s;
}

static int32_t sample_deliver(void* instance, const ponte_ledger_receipt* receipt, char* message,
                              size_t message_size) {
  sample_ledger* s = instance;
  if (known(s, &receipt->idempotency_key)) return PONTE_LEDGER_OK;
  if (receipt->amount_cents <= 0) {
    set_message(message, message_size, "a receipt of no amount is not booked");
    return PONTE_LEDGER_REJECT;
  }
  FILE* f = fopen(s->path, "a");
  if (f == NULL) {
    char why[512];
    snprintf(why, sizeof why, "cannot open %s: %s", s->path, strerror(errno));
    set_message(message, message_size, why);
    /* A file that may never be written (permissions, read-only disk) needs an operator. */
    return (errno == EACCES || errno == EROFS) ? PONTE_LEDGER_FATAL : PONTE_LEDGER_RETRY;
  }
  fputs("{\"key\":", f);
  put_json_string(f, receipt->idempotency_key);
  fputs(",\"notice\":", f);
  put_json_string(f, receipt->notice_number);
  fprintf(f, ",\"amount_cents\":%lld,\"transfers\":%zu}\n", (long long)receipt->amount_cents,
          receipt->transfer_count);
  if (fclose(f) != 0) {
    set_message(message, message_size, "cannot write the line");
    return PONTE_LEDGER_RETRY;
  }
  if (!remember(s, receipt->idempotency_key.data, receipt->idempotency_key.size)) {
    say(s, PONTE_LEDGER_LOG_WARNING, "out of memory: a repeated receipt may be written twice");
  }
  return PONTE_LEDGER_OK;
}

static const ponte_ledger_plugin kSamplePlugin = {
    sizeof(ponte_ledger_plugin),
    PONTE_LEDGER_ABI_MAJOR,
    PONTE_LEDGER_ABI_MINOR,
    "sample-jsonl",
    0, /* not thread-safe: the host serializes calls */
    sample_create,
    sample_deliver,
    sample_destroy,
};

/* The one exported symbol. Refuses a host of another major version. */
__attribute__((visibility("default"))) const ponte_ledger_plugin* ponte_ledger_entry(
    uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_minor;
  if (host_abi_major != PONTE_LEDGER_ABI_MAJOR) return NULL;
  return &kSamplePlugin;
}
