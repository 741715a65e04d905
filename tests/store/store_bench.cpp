// store_bench: durable receipts per second through the SQLite store's group commit, with T
// threads each keeping W receipts in flight; also the import rate and hot-path reads.
// Usage: store_bench [receipts=20000] [threads=4] [window=64] [dir=$TMPDIR]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_store.h"
#include "store_fixtures.h"

using namespace ponte;
using namespace ponte::store;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// At most `window` receipts of one thread waiting for their commit.
class Window {
 public:
  explicit Window(int size) : free_(size) {}
  void acquire() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void release() {
    std::lock_guard lock(mutex_);
    ++free_;
    cv_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int free_;
};

}  // namespace

int main(int argc, char** argv) {
  int receipts = argc > 1 ? std::atoi(argv[1]) : 20000;
  int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  int window = argc > 3 ? std::atoi(argv[3]) : 64;
  if (receipts < threads || threads < 1 || window < 1) {
    std::fprintf(stderr, "usage: store_bench [receipts] [threads] [window] [dir]\n");
    return 64;
  }
  std::unique_ptr<testing::TempDir> temp;
  std::string dir;
  if (argc > 4) {
    dir = argv[4];
  } else {
    temp = std::make_unique<testing::TempDir>();
    dir = temp->path().string();
  }
  SqliteOptions options;
  options.path = dir + "/bench.db";
  Error error;
  auto store = openSqliteStore(options, &error);
  if (!store) {
    std::fprintf(stderr, "store_bench: %s\n", error.message.c_str());
    return 69;
  }

  std::vector<core::DebtPosition> positions;
  positions.reserve(receipts);
  for (int i = 0; i < receipts; ++i) {
    positions.push_back(testing::singlePosition(testing::kEcA, "B-" + std::to_string(i), 1 + i));
  }
  auto t0 = Clock::now();
  for (const auto& r : store->upsertPositions(positions)) {
    if (!r.ok()) {
      std::fprintf(stderr, "store_bench: import: %s\n", r.error().message.c_str());
      return 70;
    }
  }
  double import_s = seconds(Clock::now() - t0);

  // Hot-path reads, one thread.
  t0 = Clock::now();
  int reads = std::min(receipts, 20000);
  for (int i = 0; i < reads; ++i) {
    if (!store->findByNotice(testing::kEcA, positions[i].options[0].nav).ok()) return 70;
  }
  double read_s = seconds(Clock::now() - t0);

  std::vector<double> latencies_ms(receipts);
  std::atomic<int> failed{0};
  std::vector<std::thread> workers;
  int per_thread = receipts / threads;
  t0 = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Window inflight(window);
      std::atomic<int> left{per_thread};
      std::mutex done_mutex;
      std::condition_variable done_cv;
      for (int k = 0; k < per_thread; ++k) {
        int i = t * per_thread + k;
        inflight.acquire();
        auto start = Clock::now();
        store->commitReceipt(
            testing::receiptFor(testing::kEcA, positions[i].options[0].nav,
                                "TOKEN-" + std::to_string(i), 1000 + i, {"ledger"}),
            [&, i, start](Result<ReceiptOutcome> r) {
              latencies_ms[i] = seconds(Clock::now() - start) * 1000;
              if (!r.ok() || r.value() != ReceiptOutcome::kStored) ++failed;
              inflight.release();
              if (left.fetch_sub(1) == 1) {
                std::lock_guard lock(done_mutex);
                done_cv.notify_all();
              }
            });
      }
      std::unique_lock lock(done_mutex);
      done_cv.wait(lock, [&] { return left.load() == 0; });
    });
  }
  for (auto& w : workers) w.join();
  double commit_s = seconds(Clock::now() - t0);
  int committed = per_thread * threads;
  latencies_ms.resize(committed);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) { return latencies_ms[static_cast<std::size_t>(p * (committed - 1))]; };

  std::printf("store_bench: SQLite WAL, synchronous=FULL, %d threads, window %d per thread\n",
              threads, window);
  std::printf("  import    %8d positions  %8.0f /s (upsertPositions)\n", receipts,
              receipts / import_s);
  std::printf("  read      %8d notices    %8.0f /s (findByNotice, 1 thread)\n", reads,
              reads / read_s);
  std::printf(
      "  receipts  %8d durable    %8.0f /s  latency p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
      committed, committed / commit_s, pct(0.5), pct(0.99), latencies_ms.back());
  std::printf("  failed    %8d\n", failed.load());
  return failed.load() == 0 ? 0 : 1;
}
