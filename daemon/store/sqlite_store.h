// The embedded SQLite engine of store::Store: WAL, lock-free per-thread readers, one writer
// thread that group-commits receipts (many per fsync), numbered schema migrations.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "store/store.h"

namespace ponte::store {

struct SqliteOptions {
  std::string path;  // the database file; created (and migrated) when missing
  // Page cache of the writer connection and of each reader connection (one per thread that
  // reads). RSS grows with writer + readers x reader cache, so keep them modest.
  int writer_cache_kib = 8192;
  int reader_cache_kib = 2048;
  // How long a write or a read waits for a lock held by another process (a `ponte positions
  // import` running next to the daemon) before failing with kUnavailable.
  int busy_timeout_ms = 5000;
  // At most this many jobs (receipts, upserts, spontaneous positions, outbox updates) share one
  // transaction.
  std::size_t max_batch = 1000;
  // Jobs waiting for the writer beyond this are refused at once with kUnavailable (the node
  // retries a receipt): memory stays bounded when the disk stalls.
  std::size_t max_pending = 100000;
  // Payment attempts waiting beyond this are dropped: they are a record, not a fact.
  std::size_t max_pending_attempts = 100000;
  // The name of a registered sqlite3_vfs to open the database with; empty for SQLite's
  // default. For fault-injection tests (a VFS that fails writes or fsyncs on demand).
  std::string vfs;
};

// Opens the database at options.path, applying every pending migration first (see migrate), and
// starts the writer thread. Returns nullptr and fills *error (when error is not null) on failure:
// kFatal for a database newer than this binary, not a ponte database, corrupt or read-only;
// kUnavailable when it cannot be opened or is locked past the busy timeout.
// The store is thread-safe and must outlive every call into it. Reads run on the calling
// thread's own connection (opened on its first read, handed to a new thread when it exits).
// Writes are jobs of the writer thread; the callback-style ones (commitReceipt,
// createWithSequence) are answered from it, or at once on the calling thread with kUnavailable
// when max_pending jobs are waiting. Callbacks must not block or throw (an exception from one is
// swallowed); a synchronous write (upsertPosition, the outbox calls) made from a callback
// returns kInvalid instead of waiting for itself. Destroying the store drains the writer queue:
// every job accepted before is committed and answered, then the thread is joined.
std::unique_ptr<Store> openSqliteStore(const SqliteOptions& options, Error* error);

// Creates the database when missing and applies pending migrations, each in its own
// transaction; returns the schema version reached (== schemaVersion()). Errors as for
// openSqliteStore. Safe to run while a daemon uses the database.
Result<int> migrate(const std::string& path);

// The schema version this binary creates and expects: the number of the last migration.
int schemaVersion();

}  // namespace ponte::store
