// The node's SOAP endpoint: HTTP request in, SOAP response out. Decodes with the soap codec,
// decides with NodeOperations, encodes the answer, and logs one line per request.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "app/node_operations.h"
#include "net/http_exchange.h"
#include "ops/log.h"
#include "soap/codec.h"

namespace ponte::app {

struct NodeServiceOptions {
  std::string soap_path = "/";
  soap::Limits limits;
};

class NodeService {
 public:
  // operations and log must outlive this object.
  NodeService(NodeOperations& operations, NodeServiceOptions options, ops::Logger& log);

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
};

}  // namespace ponte::app
