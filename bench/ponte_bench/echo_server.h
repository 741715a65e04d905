// The echo server: ponte's own listener (ponte_net's HttpsServer, mutual TLS) answering every
// request with a fixed SOAP body, so a load run against it measures the transport alone.
#pragma once

#include "options.h"

namespace ponte::bench {

// Serves until SIGINT or SIGTERM, printing "echo-server listening on ADDR:PORT" once ready.
// Returns the process exit status: 0 after a signal, 1 when the listener cannot start.
int runEchoServer(const Options& options);

}  // namespace ponte::bench
