// The gathering VFS: a file object in front of the base VFS's own for WAL files; every other file
// is the base VFS's own file object, unchanged.
#include "store/sqlite_wal_gather.h"

#include <sqlite3.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite_file_shim.h"

namespace ponte::store::sqlite {
namespace {

// What one write hands on at most: 29 frames of 4 KiB pages. SQLite's unix VFS writes at most
// 128 KiB - 1 bytes per call (it masks the length with 0x1ffff) and reports a longer write as a
// full disk; a larger group commit is handed on in pieces.
constexpr int kCapacity = 120 * 1024;

int handOn(struct GatherFile* g);

// Our file object for a WAL file; the base VFS's file object follows it in the same allocation.
// Its statics replace the forwarding methods of store/sqlite_file_shim.h.
struct GatherFile {
  sqlite3_file file;  // first: SQLite sees this
  bool gathering;
  char* data;  // kCapacity bytes once gathering first writes, else null
  int used;    // bytes gathered, to be written at `start`
  sqlite3_int64 start;

  static GatherFile* of(sqlite3_file* f) { return reinterpret_cast<GatherFile*>(f); }
  static sqlite3_file* in(sqlite3_file* f) { return innerFile<GatherFile>(f); }

  static int close(sqlite3_file* f) {
    GatherFile* g = of(f);
    const int handed = handOn(g);
    sqlite3_free(g->data);
    g->data = nullptr;
    const int rc = in(f)->pMethods->xClose(in(f));
    return handed != SQLITE_OK ? handed : rc;
  }
  static int write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    GatherFile* g = of(f);
    const bool follows = g->used > 0 && off == g->start + g->used && g->used + n <= kCapacity;
    if (g->used > 0 && !follows) {
      if (const int rc = handOn(g); rc != SQLITE_OK) return rc;
    }
    if (g->gathering && n <= kCapacity && g->data == nullptr) {
      g->data = static_cast<char*>(sqlite3_malloc(kCapacity));
    }
    if (!g->gathering || n > kCapacity || g->data == nullptr) {
      return in(f)->pMethods->xWrite(in(f), buf, n, off);
    }
    if (g->used == 0) g->start = off;
    std::memcpy(g->data + g->used, buf, static_cast<std::size_t>(n));
    g->used += n;
    return SQLITE_OK;
  }
  // Whatever else SQLite does with the file sees what was gathered first.
  static int read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
    return after(f, &ForwardingFile<GatherFile>::read, buf, n, off);
  }
  static int truncate(sqlite3_file* f, sqlite3_int64 size) {
    return after(f, &ForwardingFile<GatherFile>::truncate, size);
  }
  static int sync(sqlite3_file* f, int flags) {
    return after(f, &ForwardingFile<GatherFile>::sync, flags);
  }
  static int fileSize(sqlite3_file* f, sqlite3_int64* size) {
    return after(f, &ForwardingFile<GatherFile>::fileSize, size);
  }
  static int fileControl(sqlite3_file* f, int op, void* arg) {
    return after(f, &ForwardingFile<GatherFile>::fileControl, op, arg);
  }
  static int fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
    *out = nullptr;
    return after(f, &ForwardingFile<GatherFile>::fetch, off, n, out);
  }

  // Hands on what was gathered, then forwards the call.
  template <class... Args>
  static int after(sqlite3_file* f, int (*forward)(sqlite3_file*, Args...), Args... args) {
    if (const int rc = handOn(of(f)); rc != SQLITE_OK) return rc;
    return forward(f, args...);
  }
};

// Hands on what was gathered, in one write.
int handOn(GatherFile* g) {
  if (g->used == 0) return SQLITE_OK;
  sqlite3_file* inner = GatherFile::in(&g->file);
  const int rc = inner->pMethods->xWrite(inner, g->data, g->used, g->start);
  g->used = 0;
  return rc;
}

const sqlite3_io_methods kGatherMethods = shimMethods<GatherFile>(3);

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
  GatherFile* g = GatherFile::of(f);
  g->file.pMethods = nullptr;
  g->gathering = false;
  g->data = nullptr;
  g->used = 0;
  g->start = 0;
  sqlite3_file* inner = GatherFile::in(f);
  const int rc = base->xOpen(base, name, inner, flags, out_flags);
  // SQLite calls xClose only when pMethods is set: mirror the base file's state.
  if (inner->pMethods != nullptr) g->file.pMethods = &kGatherMethods;
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
  r->vfs = shimVfs<GatherFile>(*found, r->name.c_str(), gatherOpen);
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
  GatherFile* g = GatherFile::of(wal);
  g->gathering = on;
  return on ? SQLITE_OK : handOn(g);
}

}  // namespace ponte::store::sqlite
