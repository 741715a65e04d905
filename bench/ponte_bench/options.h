// The command line of ponte-bench: what to drive (or serve), how hard and for how long, and
// where the results go. Parsed once into plain values; --help prints kUsage.
#pragma once

#include <string>

namespace ponte::bench {

enum class Scenario { kVerify, kGetV2, kSendRtV2, kMix };

struct Options {
  // Where the server is and how to reach it.
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/nodo/paForNode";
  bool plain = false;     // plain HTTP instead of mutual TLS
  std::string certs_dir;  // ca.crt, node-client.crt/.key (load); server.crt/.key, ca.crt (echo)
  std::string server_name = "localhost";

  // What the requests say.
  Scenario scenario = Scenario::kVerify;
  std::string broker = "15376371009";
  std::string station = "15376371009_01";
  std::string notices_file;      // verify, getv2: "EC NOTICE CENTS" lines
  std::string pay_notices_file;  // sendrtv2: the same format; empty: notices_file
  long pay_start = 0;            // first line of pay_notices_file to pay
  int transfers = 5;             // transfers in each receipt (the positions' own count)
  std::string receipt_prefix;    // empty: one made of the time and the process id

  // How hard and how long.
  int connections = 8;
  int threads = 2;
  double seconds = 10;
  double warmup_seconds = 0;
  long requests = 0;  // > 0: stop after this many requests instead of after `seconds`
  double rate = 0;    // > 0: open loop at this many requests per second in all
  int timeout_ms = 10000;

  // Results.
  std::string receipts_out;
  std::string json_out;
  std::string label;

  // --echo-server
  bool echo = false;
  int body_bytes = 0;  // 0: the size of ponte's verify answer
  int server_threads = 0;
};

enum class ParseResult { kRun, kHelp, kError };

// Fills *options from argv. kError sets *error to a message naming the option; kHelp means
// --help was given (print kUsage).
ParseResult parseOptions(int argc, char** argv, Options* options, std::string* error);

const char* scenarioName(Scenario s);

extern const char* const kUsage;

}  // namespace ponte::bench
