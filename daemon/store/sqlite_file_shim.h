// A SQLite file object in front of another VFS's own: the method table that hands every call on
// to the inner file, except those the shim defines itself. Used by the gathering VFS
// (store/sqlite_wal_gather.cpp) and by the tests' fault-injecting VFS.
//
// A shim is a struct whose first member is the sqlite3_file SQLite sees; the inner VFS's file
// object follows it in the same allocation (the shim's VFS asks for sizeof(Shim) plus the inner
// szOsFile). The shim may define any of these static members, which replace the forwarding ones:
//   close, read, write, truncate, sync, fileSize, fileControl, fetch
// with the signatures of the sqlite3_io_methods they stand for.
#pragma once

#include <sqlite3.h>

namespace ponte::store::sqlite {

template <class Shim>
sqlite3_file* innerFile(sqlite3_file* f) {
  static_assert(sizeof(Shim) % 8 == 0, "the inner VFS's file object follows the shim, aligned");
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<Shim*>(f) + 1);
}

template <class Shim>
struct ForwardingFile {
  static sqlite3_file* in(sqlite3_file* f) { return innerFile<Shim>(f); }
  static const sqlite3_io_methods& m(sqlite3_file* f) { return *in(f)->pMethods; }

  static int close(sqlite3_file* f) { return m(f).xClose(in(f)); }
  static int read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
    return m(f).xRead(in(f), buf, n, off);
  }
  static int write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    return m(f).xWrite(in(f), buf, n, off);
  }
  static int truncate(sqlite3_file* f, sqlite3_int64 size) { return m(f).xTruncate(in(f), size); }
  static int sync(sqlite3_file* f, int flags) { return m(f).xSync(in(f), flags); }
  static int fileSize(sqlite3_file* f, sqlite3_int64* size) { return m(f).xFileSize(in(f), size); }
  static int lock(sqlite3_file* f, int level) { return m(f).xLock(in(f), level); }
  static int unlock(sqlite3_file* f, int level) { return m(f).xUnlock(in(f), level); }
  static int checkReservedLock(sqlite3_file* f, int* out) {
    return m(f).xCheckReservedLock(in(f), out);
  }
  static int fileControl(sqlite3_file* f, int op, void* arg) {
    return m(f).xFileControl(in(f), op, arg);
  }
  static int sectorSize(sqlite3_file* f) { return m(f).xSectorSize(in(f)); }
  static int deviceCharacteristics(sqlite3_file* f) { return m(f).xDeviceCharacteristics(in(f)); }
  // Shared memory and memory mapping, when the inner file's methods have them.
  static int shmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    if (m(f).iVersion < 2) return SQLITE_IOERR_SHMMAP;
    return m(f).xShmMap(in(f), region, size, extend, out);
  }
  static int shmLock(sqlite3_file* f, int offset, int n, int flags) {
    if (m(f).iVersion < 2) return SQLITE_IOERR_SHMLOCK;
    return m(f).xShmLock(in(f), offset, n, flags);
  }
  static void shmBarrier(sqlite3_file* f) {
    if (m(f).iVersion >= 2) m(f).xShmBarrier(in(f));
  }
  static int shmUnmap(sqlite3_file* f, int remove) {
    if (m(f).iVersion < 2) return SQLITE_OK;
    return m(f).xShmUnmap(in(f), remove);
  }
  static int fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
    *out = nullptr;
    if (m(f).iVersion < 3) return SQLITE_OK;
    return m(f).xFetch(in(f), off, n, out);
  }
  static int unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
    if (m(f).iVersion < 3) return SQLITE_OK;
    return m(f).xUnfetch(in(f), off, p);
  }
};

// The method table of Shim, version 1 to 3 (version 2 and lower leave memory mapping off, so that
// every page goes through xRead and xWrite).
template <class Shim>
constexpr sqlite3_io_methods shimMethods(int version) {
  using F = ForwardingFile<Shim>;
  sqlite3_io_methods t{};
  t.iVersion = version;
  t.xClose = F::close;
  t.xRead = F::read;
  t.xWrite = F::write;
  t.xTruncate = F::truncate;
  t.xSync = F::sync;
  t.xFileSize = F::fileSize;
  t.xFileControl = F::fileControl;
  if constexpr (requires { Shim::close; }) t.xClose = Shim::close;
  if constexpr (requires { Shim::read; }) t.xRead = Shim::read;
  if constexpr (requires { Shim::write; }) t.xWrite = Shim::write;
  if constexpr (requires { Shim::truncate; }) t.xTruncate = Shim::truncate;
  if constexpr (requires { Shim::sync; }) t.xSync = Shim::sync;
  if constexpr (requires { Shim::fileSize; }) t.xFileSize = Shim::fileSize;
  if constexpr (requires { Shim::fileControl; }) t.xFileControl = Shim::fileControl;
  t.xLock = F::lock;
  t.xUnlock = F::unlock;
  t.xCheckReservedLock = F::checkReservedLock;
  t.xSectorSize = F::sectorSize;
  t.xDeviceCharacteristics = F::deviceCharacteristics;
  if (version >= 2) {
    t.xShmMap = F::shmMap;
    t.xShmLock = F::shmLock;
    t.xShmBarrier = F::shmBarrier;
    t.xShmUnmap = F::shmUnmap;
  }
  if (version >= 3) {
    t.xFetch = F::fetch;
    if constexpr (requires { Shim::fetch; }) t.xFetch = Shim::fetch;
    t.xUnfetch = F::unfetch;
  }
  return t;
}

// A copy of `base` named `name` whose xOpen is `open` and whose file objects have room for a
// Shim in front of the base's own. Register it with sqlite3_vfs_register.
template <class Shim>
sqlite3_vfs shimVfs(const sqlite3_vfs& base, const char* name,
                    int (*open)(sqlite3_vfs*, sqlite3_filename, sqlite3_file*, int, int*)) {
  sqlite3_vfs vfs = base;
  vfs.zName = name;
  vfs.szOsFile = static_cast<int>(sizeof(Shim)) + base.szOsFile;
  vfs.xOpen = open;
  vfs.pNext = nullptr;
  return vfs;
}

}  // namespace ponte::store::sqlite
