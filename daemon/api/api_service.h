// The back-office API of the municipalities behind one HTTPS listener of its own: routing,
// authentication (API keys, client certificates), the per-EC isolation, and the work threads
// of bulk imports and of the publication lifecycle. JSON in and out, errors as problem+json.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "api/access.h"
#include "core/clock.h"
#include "core/directory.h"
#include "net/http_exchange.h"
#include "ops/config.h"
#include "ops/log.h"
#include "store/store.h"

namespace ponte::api {

struct ApiServiceOptions {
  ops::ApiLimitsConfig limits;
  // How often PUBLISHED positions whose validity date has come are made VALID; zero: never in
  // the background (tests call promoteDuePositions).
  std::chrono::milliseconds promote_every{60'000};
};

class ApiService {
 public:
  // store, clock and log must outlive the service; log may be null. Starts the bulk worker
  // and, when options.promote_every is not zero, the lifecycle thread.
  ApiService(std::shared_ptr<const core::Directory> directory,
             std::shared_ptr<const AccessTable> access, store::Store& store,
             const core::Clock& clock, ApiServiceOptions options, ops::Logger* log);
  // Waits for a bulk import in progress to finish (it is answered), then joins the threads.
  // Stop the listener first, so no request arrives meanwhile.
  ~ApiService();
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;

  // The listener's handler. Most routes answer on the calling thread; a bulk import runs on the
  // bulk worker (one at a time: another is answered 429), a spontaneous payment answers from a
  // store thread once durable.
  void handle(net::HttpRequest&& request, net::Reply reply);

  // Configuration reload: who is served, and the keys and certificates admitted.
  void setDirectory(std::shared_ptr<const core::Directory> directory);
  void setAccess(std::shared_ptr<const AccessTable> access);

  // Makes VALID every PUBLISHED position whose validity date is today or earlier (Rome day of
  // the clock). Returns how many; failures are logged.
  std::size_t promoteDuePositions();

  // The largest request body the listener must let through (a bulk import's).
  std::size_t maxBodyBytes() const;

  // Every route, as "METHOD /path/{param}", for the OpenAPI document's test.
  struct RouteInfo {
    std::string_view method;
    std::string_view path;
  };
  static std::vector<RouteInfo> routes();

  // The OpenAPI 3 document of the API (served at /openapi.json).
  static std::string_view openApiDocument();

 private:
  struct Route;
  static const std::vector<Route>& table();
  std::shared_ptr<const core::Directory> directory() const;
  std::shared_ptr<const AccessTable> access() const;
  // Queues a bulk import for the worker; false when one is already running or queued.
  bool submitBulk(std::function<void()> job);
  void bulkLoop();
  void lifecycleLoop();

  std::shared_ptr<const core::Directory> directory_;  // atomic_load / atomic_store
  std::shared_ptr<const AccessTable> access_;         // atomic_load / atomic_store
  store::Store& store_;
  const core::Clock& clock_;
  const ApiServiceOptions options_;
  ops::Logger* log_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::function<void()> bulk_job_;
  bool bulk_busy_ = false;
  bool stopping_ = false;
  std::thread bulk_thread_;
  std::thread lifecycle_thread_;
};

}  // namespace ponte::api
