/* A test ledger steered through files: while the file named by option `fatal_while` exists,
 * deliver() answers FATAL; otherwise it appends the idempotency key to the file named by option
 * `out` and answers OK. Not thread-safe on purpose: the host must serialize its calls (checked by
 * counting calls in flight). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ponte/ledger.h"

typedef struct instance {
  char fatal_while[512];
  char out[512];
  int in_flight;
} instance;

static void copy_option(const ponte_ledger_config* c, const char* key, char* out, size_t size) {
  out[0] = '\0';
  for (size_t i = 0; i < c->option_count; ++i) {
    if (strcmp(c->option_keys[i].data, key) == 0) snprintf(out, size, "%s", c->option_values[i].data);
  }
}

static void* create(const ponte_ledger_host* h, const ponte_ledger_config* c, char* e, size_t n) {
  instance* s = calloc(1, sizeof *s);
  if (s == NULL) return NULL;
  copy_option(c, "fatal_while", s->fatal_while, sizeof s->fatal_while);
  copy_option(c, "out", s->out, sizeof s->out);
  if (s->out[0] == '\0') {
    snprintf(e, n, "option out is required");
    free(s);
    return NULL;
  }
  if (h->log != NULL) h->log(h->host_context, PONTE_LEDGER_LOG_INFO, "switch plugin created");
  return s;
}

static int32_t deliver(void* i, const ponte_ledger_receipt* r, char* m, size_t n) {
  instance* s = i;
  if (++s->in_flight != 1) {
    snprintf(m, n, "called concurrently although not thread-safe");
    --s->in_flight;
    return PONTE_LEDGER_REJECT;
  }
  int32_t status = PONTE_LEDGER_OK;
  if (s->fatal_while[0] != '\0' && access(s->fatal_while, F_OK) == 0) {
    snprintf(m, n, "credentials revoked");
    status = PONTE_LEDGER_FATAL;
  } else {
    FILE* f = fopen(s->out, "a");
    if (f == NULL) {
      snprintf(m, n, "cannot open out");
      status = PONTE_LEDGER_RETRY;
    } else {
      fprintf(f, "%.*s\n", (int)r->idempotency_key.size, r->idempotency_key.data);
      fclose(f);
    }
  }
  --s->in_flight;
  return status;
}

static void destroy(void* i) { free(i); }

static const ponte_ledger_plugin kPlugin = {sizeof(ponte_ledger_plugin), PONTE_LEDGER_ABI_MAJOR,
                                            PONTE_LEDGER_ABI_MINOR, "switch", 0, create, deliver,
                                            destroy};

const ponte_ledger_plugin* ponte_ledger_entry(uint32_t major, uint32_t minor) {
  (void)minor;
  return major == PONTE_LEDGER_ABI_MAJOR ? &kPlugin : NULL;
}
