// What the hostile-input tests need around a real daemon: deadlines short enough for a fast
// suite, its resident memory, whether it is still alive, and the fault of a KO answer.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <string>

#include "ponte_process.h"

namespace ponte::hostile {

// The node listener's deadlines written into the daemon's configuration.
struct Deadlines {
  int handshake_ms = 1000;
  int read_header_ms = 2000;
  int read_body_ms = 2000;
  int write_ms = 2000;
  int idle_ms = 5000;
};

// Adds node_listener.timeouts_ms to the configuration of a daemon that is not started yet.
// Throws std::runtime_error when the configuration cannot be read or has no node_listener.
void setDeadlines(const e2e::PonteProcess& ponte, const Deadlines& deadlines);

// The resident set of process `pid` in KiB (VmRSS of /proc/<pid>/status); -1 when unreadable.
long residentKiB(pid_t pid);

// True while `pid` exists and is not a zombie: a crashed child of the test stays a zombie until
// reaped, so kill(pid, 0) alone would call it alive.
bool alive(pid_t pid);

// Raises this process's soft limit on open files to at least `wanted` (at most the hard limit),
// so that a test can hold many connections; a daemon started afterwards inherits it. Returns
// the soft limit now in force.
std::size_t raiseOpenFileLimit(std::size_t wanted);

// The text of the first <name>...</name> in a SOAP answer, "" when absent.
std::string element(const std::string& body, const std::string& name);

// The faultCode of a KO answer, "" when there is none.
inline std::string faultCode(const std::string& body) { return element(body, "faultCode"); }

// How many log lines of the daemon contain `text`.
std::size_t countLogLines(const e2e::PonteProcess& ponte, const std::string& text);

// The value of one sample of the daemon's /metrics (admin listener), e.g.
// `ponte_node_tls_handshake_failures_total{reason="protocol"}`; 0 when absent, -1 when the admin
// listener does not answer.
double metric(const e2e::PonteProcess& ponte, const std::string& sample);

// Asks `done` every 50 ms for up to 2 s; its last answer. For what the daemon counts or logs
// just after a client sees its connection closed: the stream closes the socket at a deadline,
// then the handler of the stalled operation counts and logs it.
bool settles(const std::function<bool()>& done);

// One verify of a notice the demo data holds, on a fresh connection: true when answered OK.
bool answersVerify(const e2e::PonteProcess& ponte);

}  // namespace ponte::hostile
