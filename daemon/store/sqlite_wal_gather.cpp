// The gathering VFS: a file object in front of the base VFS's own for WAL files; every other file
// is the base VFS's own file object, unchanged.
#include "store/sqlite_wal_gather.h"

#include <sqlite3.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace ponte::store::sqlite {
namespace {

// What one write hands on at most: 29 frames of 4 KiB pages. SQLite's unix VFS writes at most
// 128 KiB - 1 bytes per call (it masks the length with 0x1ffff) and reports a longer write as a
// full disk; a larger group commit is handed on in pieces.
constexpr int kCapacity = 120 * 1024;

// Our file object for a WAL file; the base VFS's file object follows it in the same allocation.
struct GatherFile {
  sqlite3_file file;  // first: SQLite sees this
  bool gathering;
  char* data;  // kCapacity bytes once gathering first writes, else null
  int used;    // bytes gathered, to be written at `start`
  sqlite3_int64 start;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
static_assert(sizeof(GatherFile) % 8 == 0, "the base VFS's file object follows ours, aligned");

GatherFile* gather(sqlite3_file* f) { return reinterpret_cast<GatherFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return gather(f)->real(); }

// Hands on what was gathered, in one write.
int handOn(GatherFile* g) {
  if (g->used == 0) return SQLITE_OK;
  const int rc = g->real()->pMethods->xWrite(g->real(), g->data, g->used, g->start);
  g->used = 0;
  return rc;
}

int gatherClose(sqlite3_file* f) {
  GatherFile* g = gather(f);
  const int handed = handOn(g);
  sqlite3_free(g->data);
  g->data = nullptr;
  const int rc = g->real()->pMethods->xClose(g->real());
  return handed != SQLITE_OK ? handed : rc;
}

int gatherRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  if (const int rc = handOn(gather(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}

int gatherWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  GatherFile* g = gather(f);
  const bool follows = g->used > 0 && off == g->start + g->used && g->used + n <= kCapacity;
  if (g->used > 0 && !follows) {
    if (const int rc = handOn(g); rc != SQLITE_OK) return rc;
  }
  if (g->gathering && n <= kCapacity && g->data == nullptr) {
    g->data = static_cast<char*>(sqlite3_malloc(kCapacity));
  }
  if (!g->gathering || n > kCapacity || g->data == nullptr) {
    return real(f)->pMethods->xWrite(real(f), buf, n, off);
  }
  if (g->used == 0) g->start = off;
  std::memcpy(g->data + g->used, buf, static_cast<std::size_t>(n));
  g->used += n;
  return SQLITE_OK;
}

int gatherTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (const int rc = handOn(gather(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xTruncate(real(f), size);
}

int gatherSync(sqlite3_file* f, int flags) {
  if (const int rc = handOn(gather(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xSync(real(f), flags);
}

int gatherFileSize(sqlite3_file* f, sqlite3_int64* size) {
  if (const int rc = handOn(gather(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xFileSize(real(f), size);
}

int gatherLock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int gatherUnlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int gatherCheckReservedLock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}

int gatherFileControl(sqlite3_file* f, int op, void* arg) {
  if (const int rc = handOn(gather(f)); rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}

int gatherSectorSize(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int gatherDeviceCharacteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}

// A WAL file has no shared memory and is not memory-mapped; these only keep the method table
// complete, for a base VFS that would use them.
int gatherShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  if (real(f)->pMethods->iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int gatherShmLock(sqlite3_file* f, int offset, int n, int flags) {
  if (real(f)->pMethods->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void gatherShmBarrier(sqlite3_file* f) {
  if (real(f)->pMethods->iVersion >= 2) real(f)->pMethods->xShmBarrier(real(f));
}
int gatherShmUnmap(sqlite3_file* f, int remove) {
  if (real(f)->pMethods->iVersion < 2) return SQLITE_OK;
  return real(f)->pMethods->xShmUnmap(real(f), remove);
}
int gatherFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  *out = nullptr;
  if (const int rc = handOn(gather(f)); rc != SQLITE_OK) return rc;
  if (real(f)->pMethods->iVersion < 3) return SQLITE_OK;
  return real(f)->pMethods->xFetch(real(f), off, n, out);
}
int gatherUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  if (real(f)->pMethods->iVersion < 3) return SQLITE_OK;
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

const sqlite3_io_methods kGatherMethods = {
    3,
    gatherClose,
    gatherRead,
    gatherWrite,
    gatherTruncate,
    gatherSync,
    gatherFileSize,
    gatherLock,
    gatherUnlock,
    gatherCheckReservedLock,
    gatherFileControl,
    gatherSectorSize,
    gatherDeviceCharacteristics,
    gatherShmMap,
    gatherShmLock,
    gatherShmBarrier,
    gatherShmUnmap,
    gatherFetch,
    gatherUnfetch,
};

// A registered gathering VFS: a copy of its base with our xOpen and room for our file object.
struct Registered {
  sqlite3_vfs vfs;  // first: SQLite passes &vfs back to gatherOpen
  sqlite3_vfs* base;
  std::string name;
};

int gatherOpen(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags,
               int* out_flags) {
  sqlite3_vfs* base = reinterpret_cast<Registered*>(vfs)->base;
  // Every other file is the base VFS's own object, in the room made for ours.
  if ((flags & SQLITE_OPEN_WAL) == 0) return base->xOpen(base, name, f, flags, out_flags);
  GatherFile* g = gather(f);
  g->file.pMethods = nullptr;
  g->gathering = false;
  g->data = nullptr;
  g->used = 0;
  g->start = 0;
  const int rc = base->xOpen(base, name, g->real(), flags, out_flags);
  // SQLite calls xClose only when pMethods is set: mirror the base file's state.
  if (g->real()->pMethods != nullptr) g->file.pMethods = &kGatherMethods;
  return rc;
}

}  // namespace

std::string gatheringVfs(const std::string& base) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Registered>> registered;
  std::lock_guard lock(mutex);
  if (auto it = registered.find(base); it != registered.end()) return it->second->name;
  sqlite3_vfs* found = sqlite3_vfs_find(base.empty() ? nullptr : base.c_str());
  if (found == nullptr) return {};
  auto r = std::make_unique<Registered>();
  r->base = found;
  r->name = std::string("ponte-gather-") + found->zName;
  r->vfs = *found;
  r->vfs.zName = r->name.c_str();
  r->vfs.szOsFile = static_cast<int>(sizeof(GatherFile)) + found->szOsFile;
  r->vfs.xOpen = gatherOpen;
  r->vfs.pNext = nullptr;
  if (sqlite3_vfs_register(&r->vfs, 0) != SQLITE_OK) return {};
  std::string name = r->name;
  registered.emplace(base, std::move(r));
  return name;
}

int gatherWalWrites(sqlite3* db, bool on) {
  sqlite3_file* wal = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK ||
      wal == nullptr || wal->pMethods != &kGatherMethods) {
    return SQLITE_OK;
  }
  GatherFile* g = gather(wal);
  g->gathering = on;
  return on ? SQLITE_OK : handOn(g);
}

}  // namespace ponte::store::sqlite
