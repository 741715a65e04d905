// The fault-injecting VFS: a shim file object in front of the default VFS's own, delegating every
// method and failing xSync/xWrite on demand.
#include "faulty_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <mutex>

#include "store/sqlite_file_shim.h"

namespace ponte::store::testing {
namespace {

std::atomic<bool> fail_syncs{false};
std::atomic<bool> fail_writes{false};
std::atomic<long> sync_count{0};
std::atomic<long> wal_write_count{0};

// Our file object; the default VFS's file object follows it in the same allocation. Its statics
// replace the forwarding methods of store/sqlite_file_shim.h.
struct ShimFile {
  sqlite3_file base;
  bool wal;

  static sqlite3_file* in(sqlite3_file* f) { return sqlite::innerFile<ShimFile>(f); }
  static int write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    if (fail_writes.load()) return SQLITE_IOERR_WRITE;
    if (reinterpret_cast<ShimFile*>(f)->wal) ++wal_write_count;
    return in(f)->pMethods->xWrite(in(f), buf, n, off);
  }
  static int sync(sqlite3_file* f, int flags) {
    if (fail_syncs.load()) return SQLITE_IOERR_FSYNC;
    ++sync_count;
    return in(f)->pMethods->xSync(in(f), flags);
  }
};

// Version 2 (shared memory for WAL) without xFetch: memory-mapped I/O stays off, so every page
// goes through xRead/xWrite where the faults are injected.
const sqlite3_io_methods kShimMethods = sqlite::shimMethods<ShimFile>(2);

sqlite3_vfs* defaultVfs = nullptr;
sqlite3_vfs shimVfs;

int shimOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* shim = reinterpret_cast<ShimFile*>(f);
  shim->wal = (flags & SQLITE_OPEN_WAL) != 0;
  int rc = defaultVfs->xOpen(defaultVfs, name, ShimFile::in(f), flags, out_flags);
  // SQLite calls xClose only when pMethods is set: mirror the inner file's state.
  shim->base.pMethods = ShimFile::in(f)->pMethods ? &kShimMethods : nullptr;
  return rc;
}

}  // namespace

const char* FaultyVfs::name() {
  static std::once_flag once;
  std::call_once(once, [] {
    defaultVfs = sqlite3_vfs_find(nullptr);
    shimVfs = sqlite::shimVfs<ShimFile>(*defaultVfs, "ponte-faulty", shimOpen);
    sqlite3_vfs_register(&shimVfs, 0);
  });
  return "ponte-faulty";
}

void FaultyVfs::failSyncs(bool on) { fail_syncs.store(on); }
void FaultyVfs::failWrites(bool on) { fail_writes.store(on); }
long FaultyVfs::syncs() { return sync_count.load(); }
long FaultyVfs::walWrites() { return wal_write_count.load(); }

}  // namespace ponte::store::testing
