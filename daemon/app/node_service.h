// The node's SOAP endpoint: HTTP request in, SOAP response out. Decodes with the soap codec,
// decides with NodeOperations, encodes the answer, and logs one line per request.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "app/node_operations.h"
#include "net/http_exchange.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "soap/codec.h"

namespace ponte::app {

struct NodeServiceOptions {
  std::string soap_path = "/";
  soap::Limits limits;
};

class NodeService {
 public:
  // operations, log and metrics (when given) must outlive this object. With metrics, every
  // request counts in ponte_node_requests_total{op,ec,outcome} and its latency in
  // ponte_node_request_duration_seconds{op}.
  NodeService(NodeOperations& operations, NodeServiceOptions options, ops::Logger& log,
              ops::Metrics* metrics = nullptr);

  // The net::HttpHandler of the node listener.
  void handle(net::HttpRequest&& request, net::Reply reply);

 private:
  soap::Codec& codec();
  void answer(const net::Reply& reply, core::Operation op, const core::NodeAnswer& answer,
              const std::string& fault_id, const std::string& ec, const std::string& notice,
              std::int64_t started_ns);

  NodeOperations& operations_;
  NodeServiceOptions options_;
  ops::Logger& log_;
  ops::Metrics* metrics_;
};

}  // namespace ponte::app
