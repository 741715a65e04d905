// The portals' services on the back-office listener, for a municipal portal's backend:
//   POST /ponte/v1/carts        up to 5 notices checked payable today, sent to pagoPA Checkout;
//                               answers the URL the citizen's browser goes to, and records the cart
//   GET  /ponte/v1/carts/{id}   the cart's state (open, partly_paid, paid) and each notice's
//   GET|POST /ponte/v1/fees     the PSPs' fees for one notice, an amount or a cart, cheapest first
// Same authentication and per-EC isolation as the back-office API (api/access.h). The work runs
// on the service's own threads, never on the listener's event loops: Checkout and the fee
// calculator are blocking libcurl calls, each bounded by its timeout.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "api/access.h"
#include "core/clock.h"
#include "core/directory.h"
#include "net/http_exchange.h"
#include "ops/log.h"
#include "portal/cart_request.h"
#include "portal/fee_source.h"
#include "portal/portal_options.h"
#include "portal/work_queue.h"
#include "store/store.h"

namespace ponte::portal {

class PortalService {
 public:
  // store, clock and log must outlive the service; log may be null. Starts the worker threads.
  PortalService(std::shared_ptr<const core::Directory> directory,
                std::shared_ptr<const api::AccessTable> access,
                std::map<std::string, ReturnUrls> return_urls, store::Store& store,
                const core::Clock& clock, PortalOptions options, ops::Logger* log);
  // Answers every request already accepted, then joins the threads. Stop the listener first.
  ~PortalService();
  PortalService(const PortalService&) = delete;
  PortalService& operator=(const PortalService&) = delete;

  // Whether a request target ("/ponte/v1/fees?amount=100") belongs to this service.
  static bool handles(std::string_view target);

  // The listener's handler for the targets of handles(). Authenticates on the calling thread,
  // then queues the work; 503 at once when the queue is full.
  void handle(net::HttpRequest&& request, net::Reply reply);

  // Configuration reload: who is served, the keys admitted, the ECs' return URLs. The upstream
  // settings stay those of the start.
  void reload(std::shared_ptr<const core::Directory> directory,
              std::shared_ptr<const api::AccessTable> access,
              std::map<std::string, ReturnUrls> return_urls);

 private:
  struct Settings {
    std::shared_ptr<const core::Directory> directory;
    std::shared_ptr<const api::AccessTable> access;
    std::map<std::string, ReturnUrls> return_urls;
  };
  struct Call;

  std::shared_ptr<const Settings> settings() const;
  net::HttpResponse route(const Call& call);
  net::HttpResponse postCart(const Call& call);
  net::HttpResponse getCart(const Call& call, const std::string& id);
  net::HttpResponse fees(const Call& call);
  void logEvent(ops::LogLevel level, std::string_view event, std::string_view detail);

  store::Store& store_;
  const core::Clock& clock_;
  ops::Logger* log_;
  PortalOptions options_;
  bool carts_recorded_ = false;  // the storage engine records carts
  FeeSource fee_source_;
  mutable std::mutex settings_mutex_;
  std::shared_ptr<const Settings> settings_;
  // Last member: destroyed first, so the jobs it still runs see every other member alive.
  std::unique_ptr<WorkQueue> queue_;
};

}  // namespace ponte::portal
