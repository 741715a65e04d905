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
};

// A thread usually reads through one pool; tests open many, so the list is pruned of dead pools
// whenever a slot is added.
struct ThreadSlots {
  std::vector<Slot> slots;
  ~ThreadSlots() {
    for (auto& slot : slots) {
      if (auto shared = slot.shared.lock()) {
        std::lock_guard lock(shared->mutex);
        if (!shared->closed) shared->idle.push_back(slot.conn);
      }
    }
  }
};

thread_local ThreadSlots thread_slots;

}  // namespace

ReaderPool::ReaderPool(std::string path, OpenOptions options)
    : path_(std::move(path)),
      options_(options),
      id_(next_pool_id.fetch_add(1)),
      shared_(std::make_shared<Shared>()) {}

ReaderPool::~ReaderPool() {
  std::lock_guard lock(shared_->mutex);
  shared_->closed = true;
  shared_->idle.clear();
  shared_->all.clear();
}

Result<Connection*> ReaderPool::forThisThread() {
  auto& slots = thread_slots.slots;
  for (const auto& slot : slots) {
    if (slot.pool_id == id_) return slot.conn;
  }
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

std::size_t ReaderPool::size() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->all.size();
}

}  // namespace ponte::store::sqlite
