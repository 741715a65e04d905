// The load generator: kept-alive HTTP/1.1 connections (mutual TLS or plain) on a few Asio event
// loops, closed or open loop, every answer checked and its latency counted. Boost stays out of
// this header.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "latency_histogram.h"
#include "options.h"

namespace ponte::bench {

struct OperationResult {
  std::uint64_t ok = 0;
  LatencyHistogram latency;
};

struct LoadResult {
  double seconds = 0;        // the measured window (after the warm-up)
  std::uint64_t ok = 0;      // answered 200 with <outcome>OK</outcome> in the window
  std::uint64_t failed = 0;  // every error of the run, warm-up included
  std::map<std::string, std::uint64_t> errors;          // failed, by kind
  LatencyHistogram latency;                             // of the OK answers in the window
  std::map<std::string, OperationResult> by_operation;  // "verify", "getv2", "sendrtv2"
  std::uint64_t connects = 0;                           // connections opened (TLS: handshakes)
  std::uint64_t receipts_sent = 0;  // paSendRTV2 requests made, warm-up included: the notices
                                    // of --pay-notices used, for the next run's --pay-start
  bool interrupted = false;         // stopped early by SIGINT/SIGTERM

  double throughput() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
};

// Runs the load the options describe and returns what it measured. Returns false with *error
// set when it cannot start (notices unreadable, certificates unusable, address unresolvable);
// failures once running are counted in the result instead. SIGINT and SIGTERM are blocked in
// the calling thread for the run and stop it early.
bool runLoad(const Options& options, LoadResult* result, std::string* error);

}  // namespace ponte::bench
