// The node's SOAP endpoint: HTTP request in, SOAP response out. Decodes with the soap codec,
// decides with NodeOperations, encodes the answer, and logs one line per request.
#pragma once

#include <cstdint>
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

// Where each answered request is also reported; every pointer may be null.
struct NodeServiceSinks {
  // Counts ponte_node_requests_total{op,ec,outcome} and ponte_node_request_duration_seconds.
  ops::Metrics* metrics = nullptr;
  // Records an audit journal entry (needs the clock for its time).
  store::Store* audit = nullptr;
  const Clock* clock = nullptr;
};

class NodeService {
 public:
  // operations, log and whatever sinks point to must outlive this object.
  NodeService(NodeOperations& operations, NodeServiceOptions options, ops::Logger& log,
              NodeServiceSinks sinks = {});

  // The net::HttpHandler of the node listener.
  void handle(net::HttpRequest&& request, net::Reply reply);

 private:
  soap::Codec& codec();
  // Lets the notice lookups of this turn of the calling event loop share one read snapshot.
  void shareReadsThisTurn();
  // What the answer to one request is logged, counted and audited with.
  struct Context {
    std::string fault_id;
    std::string ec;
    std::string notice;
    std::string client_subject;
    std::int64_t started_ns = 0;
  };
  void answer(const net::Reply& reply, core::Operation op, const core::NodeAnswer& answer,
              const Context& context);
  // Counts one answer in ponte_node_requests_total and ponte_node_request_duration_seconds.
  void count(core::Operation op, std::string_view ec_label, std::string_view outcome,
             double seconds);

  NodeOperations& operations_;
  NodeServiceOptions options_;
  ops::Logger& log_;
  NodeServiceSinks sinks_;
  ops::Metrics* metrics_;
  // Tells this object's per-thread caches from those of one destroyed before it at its address.
  std::uint64_t instance_;
};

}  // namespace ponte::app
