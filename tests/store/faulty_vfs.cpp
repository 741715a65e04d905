// The fault-injecting VFS: a shim file object in front of the default VFS's own, delegating every
// method and failing xSync/xWrite on demand.
#include "faulty_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace ponte::store::testing {
namespace {

std::atomic<bool> fail_syncs{false};
std::atomic<bool> fail_writes{false};
std::atomic<long> sync_count{0};
std::atomic<long> wal_write_count{0};

// Our file object; the default VFS's file object follows it in the same allocation.
struct ShimFile {
  sqlite3_file base;
  bool wal;
  sqlite3_file* inner() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

sqlite3_file* inner(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->inner(); }

int shimClose(sqlite3_file* f) { return inner(f)->pMethods->xClose(inner(f)); }
int shimRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return inner(f)->pMethods->xRead(inner(f), buf, n, off);
}
int shimWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (fail_writes.load()) return SQLITE_IOERR_WRITE;
  if (reinterpret_cast<ShimFile*>(f)->wal) ++wal_write_count;
  return inner(f)->pMethods->xWrite(inner(f), buf, n, off);
}
int shimTruncate(sqlite3_file* f, sqlite3_int64 size) {
  return inner(f)->pMethods->xTruncate(inner(f), size);
}
int shimSync(sqlite3_file* f, int flags) {
  if (fail_syncs.load()) return SQLITE_IOERR_FSYNC;
  ++sync_count;
  return inner(f)->pMethods->xSync(inner(f), flags);
}
int shimFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return inner(f)->pMethods->xFileSize(inner(f), size);
}
int shimLock(sqlite3_file* f, int level) { return inner(f)->pMethods->xLock(inner(f), level); }
int shimUnlock(sqlite3_file* f, int level) { return inner(f)->pMethods->xUnlock(inner(f), level); }
int shimCheckReservedLock(sqlite3_file* f, int* out) {
  return inner(f)->pMethods->xCheckReservedLock(inner(f), out);
}
int shimFileControl(sqlite3_file* f, int op, void* arg) {
  return inner(f)->pMethods->xFileControl(inner(f), op, arg);
}
int shimSectorSize(sqlite3_file* f) { return inner(f)->pMethods->xSectorSize(inner(f)); }
int shimDeviceCharacteristics(sqlite3_file* f) {
  return inner(f)->pMethods->xDeviceCharacteristics(inner(f));
}
int shimShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return inner(f)->pMethods->xShmMap(inner(f), region, size, extend, out);
}
int shimShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return inner(f)->pMethods->xShmLock(inner(f), offset, n, flags);
}
void shimShmBarrier(sqlite3_file* f) { inner(f)->pMethods->xShmBarrier(inner(f)); }
int shimShmUnmap(sqlite3_file* f, int remove) {
  return inner(f)->pMethods->xShmUnmap(inner(f), remove);
}

// Version 2 (shared memory for WAL) without xFetch: memory-mapped I/O stays off, so every page
// goes through xRead/xWrite where the faults are injected.
const sqlite3_io_methods kShimMethods = {
    2,
    shimClose,
    shimRead,
    shimWrite,
    shimTruncate,
    shimSync,
    shimFileSize,
    shimLock,
    shimUnlock,
    shimCheckReservedLock,
    shimFileControl,
    shimSectorSize,
    shimDeviceCharacteristics,
    shimShmMap,
    shimShmLock,
    shimShmBarrier,
    shimShmUnmap,
    nullptr,
    nullptr,
};

sqlite3_vfs* defaultVfs = nullptr;
sqlite3_vfs shimVfs;

int shimOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* shim = reinterpret_cast<ShimFile*>(f);
  shim->wal = (flags & SQLITE_OPEN_WAL) != 0;
  int rc = defaultVfs->xOpen(defaultVfs, name, shim->inner(), flags, out_flags);
  // SQLite calls xClose only when pMethods is set: mirror the inner file's state.
  shim->base.pMethods = shim->inner()->pMethods ? &kShimMethods : nullptr;
  return rc;
}

}  // namespace

const char* FaultyVfs::name() {
  static std::once_flag once;
  std::call_once(once, [] {
    defaultVfs = sqlite3_vfs_find(nullptr);
    shimVfs = *defaultVfs;
    shimVfs.zName = "ponte-faulty";
    shimVfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + defaultVfs->szOsFile;
    shimVfs.xOpen = shimOpen;
    shimVfs.pNext = nullptr;
    sqlite3_vfs_register(&shimVfs, 0);
  });
  return "ponte-faulty";
}

void FaultyVfs::failSyncs(bool on) { fail_syncs.store(on); }
void FaultyVfs::failWrites(bool on) { fail_writes.store(on); }
long FaultyVfs::syncs() { return sync_count.load(); }
long FaultyVfs::walWrites() { return wal_write_count.load(); }

}  // namespace ponte::store::testing
