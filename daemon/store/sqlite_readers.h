// One read connection per calling thread, found without a lock: the hot path (paVerify,
// paGetPayment on the event loops) never waits for another thread or for the writer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite_connection.h"

namespace ponte::store::sqlite {

class ReaderPool {
 public:
  // Connections are opened lazily with these options (read-write handle, only used for reads:
  // a read-only handle cannot recover a WAL left by a crashed writer). `commits` tells how many
  // transactions this process has committed (see shareReads).
  ReaderPool(std::string path, OpenOptions options, std::function<std::uint64_t()> commits);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;
  // Closes every connection. No thread may be reading through this pool any more.
  ~ReaderPool();

  // The calling thread's connection, opened on its first call (the only call that takes the
  // pool's mutex). The pointer stays valid while the pool lives and must only be used by the
  // calling thread. Error when the connection cannot be opened (it is retried on the next call).
  Result<Connection*> forThisThread();

  // Shared reads, for the calling thread (Store::beginSharedReads). While it shares, each
  // connection handed out by forThisThread is inside one read transaction: opened by the first
  // read, kept across reads, and renewed by forThisThread when `commits` has moved since it
  // began. endSharedReads ends the transaction and the sharing.
  void beginSharedReads();
  void endSharedReads();

  // How many connections are open (tests, metrics).
  std::size_t size() const;

  // What the pool and the threads that used it share. A thread that exits gives its connection
  // back through a weak_ptr to this, so it never touches a pool that is already gone.
  struct Shared {
    std::mutex mutex;
    bool closed = false;
    std::vector<std::unique_ptr<Connection>> all;
    std::vector<Connection*> idle;  // left by exited threads, handed to new ones
  };

 private:
  std::string path_;
  OpenOptions options_;
  std::function<std::uint64_t()> commits_;
  std::uint64_t id_;  // unique per pool in this process, never reused
  std::shared_ptr<Shared> shared_;
};

}  // namespace ponte::store::sqlite
