// A real `ponte serve` process for end-to-end tests: its own folder with a generated config
// (port 0, the test certificates), the demo positions imported through the CLI, started and
// stopped or killed at will. Its log is collected in the background so the pipe never fills.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/tls_client.h"

namespace ponte::e2e {

class PonteProcess {
 public:
  // Makes a temporary folder with ponte.yaml and a database holding the demo positions of
  // 2026-11-22 (the days around it do not matter to these tests). Throws on failure.
  PonteProcess();
  ~PonteProcess();  // kills the process if running, removes the folder

  // Starts `ponte serve` and waits (up to 20 s) for its ponte.ready line. Throws on failure.
  void start();
  // Sends sig and waits for the exit; returns the exit status (or 128+signal).
  int stop(int sig);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  std::uint16_t adminPort() const { return admin_port_; }
  // Environment variables ("NAME=value") set for the daemon at the next start().
  std::vector<std::string> environment;
  const std::string& dir() const { return dir_; }
  std::string database() const { return dir_ + "/ponte.db"; }
  // The log lines collected so far.
  std::vector<std::string> logLines() const;

  // A client to the node listener with the node's certificate (or the given one).
  test::ClientOptions nodeClient() const;

  // Runs the ponte binary with these arguments and the test config; returns its exit status
  // and fills *output with stdout+stderr.
  int runCli(const std::vector<std::string>& args, std::string* output) const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t admin_port_ = 0;
  int log_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// A SOAP request body for the operation, from tests/golden/<op>/<case>.request.xml.
std::string goldenRequest(const std::string& op, const std::string& kase);

// POSTs a SOAP body on an open connection.
std::optional<test::ClientResponse> postSoap(test::TlsClient& client, const std::string& action,
                                             const std::string& body);

}  // namespace ponte::e2e
