// A few threads for the portal's requests, which wait on pagoPA's services (blocking libcurl
// calls) and so must never run on the listener's event loops. The queue is bounded: when it is
// full the caller answers 503 at once instead of piling up work.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ponte::portal {

class WorkQueue {
 public:
  // Starts `threads` (>= 1) workers; at most max_waiting jobs wait for one.
  WorkQueue(int threads, std::size_t max_waiting);
  // Runs every job already accepted, then joins the workers.
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues the job; false (the job dropped) when max_waiting jobs already wait. Jobs must not
  // throw (an exception is swallowed, so a worker never dies).
  bool submit(std::function<void()> job);

 private:
  void loop();

  std::size_t max_waiting_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ponte::portal
