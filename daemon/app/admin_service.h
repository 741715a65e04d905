// The operators' endpoint: /healthz (the process answers), /readyz (the database answers) and
// /metrics (Prometheus text). Plain HTTP on the admin listener, never on the node's.
#pragma once

#include "net/http_exchange.h"
#include "ops/metrics.h"
#include "store/store.h"

namespace ponte::app {

class AdminService {
 public:
  // store and metrics must outlive this object.
  AdminService(store::Store& store, ops::Metrics& metrics) : store_(store), metrics_(metrics) {}

  // The net::HttpHandler of the admin listener.
  void handle(net::HttpRequest&& request, net::Reply reply);

 private:
  store::Store& store_;
  ops::Metrics& metrics_;
};

}  // namespace ponte::app
