// Per-thread read connections: a thread-local list of (pool id, connection) looked up without a
// lock, filled under the pool's mutex on a thread's first read.
#include "store/sqlite_readers.h"

#include <algorithm>
#include <atomic>

namespace ponte::store::sqlite {
namespace {

std::atomic<std::uint64_t> next_pool_id{1};

struct Slot {
  std::uint64_t pool_id;
  Connection* conn;
  std::weak_ptr<ReaderPool::Shared> shared;
  bool sharing = false;           // between beginSharedReads and endSharedReads
  bool in_snapshot = false;       // a BEGIN of ours is open on conn
  std::uint64_t snapshot_of = 0;  // the writer's commits when it began
};

// Ends the slot's read transaction, if one of ours is open. A failed COMMIT of a read
// transaction leaves nothing to keep: it is rolled back.
void endSnapshot(Slot& slot) {
  if (!slot.in_snapshot) return;
  slot.in_snapshot = false;
  if (!slot.conn->inTransaction()) return;  // SQLite ended it itself after an error
  if (!slot.conn->run("COMMIT")) slot.conn->run("ROLLBACK");
}

// A thread usually reads through one pool; tests open many, so the list is pruned of dead pools
// whenever a slot is added.
struct ThreadSlots {
  std::vector<Slot> slots;
  ~ThreadSlots() {
    for (auto& slot : slots) {
      if (auto shared = slot.shared.lock()) {
        std::lock_guard lock(shared->mutex);
        if (shared->closed) continue;
        endSnapshot(slot);
        shared->idle.push_back(slot.conn);
      }
    }
  }
};

thread_local ThreadSlots thread_slots;

}  // namespace

ReaderPool::ReaderPool(std::string path, OpenOptions options,
                       std::function<std::uint64_t()> commits)
    : path_(std::move(path)),
      options_(options),
      commits_(std::move(commits)),
      id_(next_pool_id.fetch_add(1)),
      shared_(std::make_shared<Shared>()) {}

ReaderPool::~ReaderPool() {
  std::lock_guard lock(shared_->mutex);
  shared_->closed = true;
  shared_->idle.clear();
  shared_->all.clear();
}

namespace {

Slot* findSlot(std::uint64_t pool_id) {
  for (auto& slot : thread_slots.slots) {
    if (slot.pool_id == pool_id) return &slot;
  }
  return nullptr;
}

}  // namespace

Result<Connection*> ReaderPool::forThisThread() {
  if (Slot* slot = findSlot(id_)) {
    if (!slot->sharing) return slot->conn;
    const std::uint64_t commits = commits_();
    if (slot->in_snapshot && (slot->snapshot_of != commits || !slot->conn->inTransaction())) {
      endSnapshot(*slot);
    }
    if (!slot->in_snapshot) {
      // Deferred: the snapshot is taken by the first read, after `commits` was read, so it
      // holds at least every commit counted there.
      if (auto r = slot->conn->run("BEGIN"); !r) return r.error();
      slot->in_snapshot = true;
      slot->snapshot_of = commits;
    }
    return slot->conn;
  }
  auto& slots = thread_slots.slots;
  std::erase_if(slots, [](const Slot& s) { return s.shared.expired(); });

  Connection* conn = nullptr;
  {
    std::lock_guard lock(shared_->mutex);
    if (!shared_->idle.empty()) {
      conn = shared_->idle.back();
      shared_->idle.pop_back();
    }
  }
  if (conn == nullptr) {
    // Opening takes milliseconds at worst; done outside the lock so other threads' first reads
    // do not queue behind it.
    auto opened = Connection::open(path_, options_);
    if (!opened) return opened.error();
    if (auto r = opened.value()->exec("PRAGMA query_only=ON", "configure reader"); !r) {
      return r.error();
    }
    conn = opened.value().get();
    std::lock_guard lock(shared_->mutex);
    shared_->all.push_back(std::move(opened.value()));
  }
  slots.push_back(Slot{id_, conn, shared_});
  return conn;
}

void ReaderPool::beginSharedReads() {
  if (!findSlot(id_) && !forThisThread()) return;  // no connection: reads will say why
  findSlot(id_)->sharing = true;
}

void ReaderPool::endSharedReads() {
  Slot* slot = findSlot(id_);
  if (!slot) return;
  endSnapshot(*slot);
  slot->sharing = false;
}

std::size_t ReaderPool::size() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->all.size();
}

}  // namespace ponte::store::sqlite
