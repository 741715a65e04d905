// The operators' endpoint: /healthz (the process answers), /readyz (the database answers and no
// receipt waits too long for its ledger) and /metrics (Prometheus text). Plain HTTP on the admin
// listener, never on the node's.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "net/http_exchange.h"
#include "ops/metrics.h"
#include "store/store.h"

namespace ponte::app {

class AdminService {
 public:
  // What keeps the service from being ready besides the database, one line each (e.g. an EC
  // whose oldest delivery is older than outbox.alert_after_s); empty when nothing does. Called
  // on the admin listener's thread for each /readyz.
  using ReadinessCheck = std::function<std::vector<std::string>()>;

  // store and metrics must outlive this object; `check` may be empty.
  AdminService(store::Store& store, ops::Metrics& metrics, ReadinessCheck check = {})
      : store_(store), metrics_(metrics), check_(std::move(check)) {}

  // The net::HttpHandler of the admin listener.
  void handle(net::HttpRequest&& request, net::Reply reply);

 private:
  store::Store& store_;
  ops::Metrics& metrics_;
  ReadinessCheck check_;
};

}  // namespace ponte::app
