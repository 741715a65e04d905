// store_bench: durable receipts per second through the SQLite store's group commit, with T
// threads each keeping W receipts in flight, each receipt routed to R ledgers; the writer
// thread's CPU time per receipt, and then the time to queue their deliveries (the outbox rows
// the store writes after the receipts); also the import rate and hot-path reads.
// Usage: store_bench [receipts=20000] [threads=4] [window=64] [routes=1] [dir=$TMPDIR]
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
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

// CPU seconds (user + system) used so far by this process's threads named `name`.
double threadCpuSeconds(const std::string& name) {
  double total = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string thread_name;
    if (!std::getline(comm, thread_name) || thread_name != name) continue;
    std::ifstream stat(task.path() / "stat");
    std::string line((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the ")" closing the name: state is the 3rd field, utime and stime the 14th
    // and 15th.
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; fields >> field && i <= 15; ++i) {
      if (i >= 14) ticks += std::stod(field);
    }
    total += ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return total;
}

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
  int route_count = argc > 4 ? std::atoi(argv[4]) : 1;
  if (receipts < threads || threads < 1 || window < 1 || route_count < 0) {
    std::fprintf(stderr, "usage: store_bench [receipts] [threads] [window] [routes] [dir]\n");
    return 64;
  }
  std::vector<std::string> routes;
  for (int r = 0; r < route_count; ++r) routes.push_back("ledger-" + std::to_string(r + 1));
  std::unique_ptr<testing::TempDir> temp;
  std::string dir;
  if (argc > 5) {
    dir = argv[5];
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
  const double writer_cpu_before = threadCpuSeconds("ponte-writer");
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
        store->commitReceipt(testing::receiptFor(testing::kEcA, positions[i].options[0].nav,
                                                 "TOKEN-" + std::to_string(i), 1000 + i, routes),
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
  const double writer_us = (threadCpuSeconds("ponte-writer") - writer_cpu_before) * 1e6 / committed;
  // The deliveries the receipts owe, queued as the outbox's reads queue them.
  t0 = Clock::now();
  auto pending = store->countDeliveries(testing::kEcA, DeliveryState::kPending);
  double queue_s = seconds(Clock::now() - t0);
  if (!pending.ok() || pending.value() != std::int64_t{committed} * route_count) {
    std::fprintf(stderr, "store_bench: %lld pending deliveries, expected %lld\n",
                 pending.ok() ? static_cast<long long>(pending.value()) : -1LL,
                 static_cast<long long>(committed) * route_count);
    return 70;
  }
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
  std::printf("  writer    %8.1f us of CPU per receipt, %d route(s) each\n", writer_us,
              route_count);
  std::printf("  queue     %8lld deliveries %8.0f /s (after the receipts)\n",
              static_cast<long long>(pending.value()),
              pending.value() > 0 ? static_cast<double>(pending.value()) / queue_s : 0.0);
  std::printf("  failed    %8d\n", failed.load());
  return failed.load() == 0 ? 0 : 1;
}
