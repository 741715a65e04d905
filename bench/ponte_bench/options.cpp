// Parsing and checking the command line of ponte-bench.
#include "options.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace ponte::bench {

const char* const kUsage =
    R"(ponte-bench: load generator for ponte's node interface (SOAP over HTTP/1.1, mutual TLS)

Usage:
  ponte-bench --port N --scenario S --notices FILE [options]    drive a server, report latency
  ponte-bench --echo-server --certs DIR [--port N] [options]      serve a fixed SOAP answer

Load. Each of --connections kept-alive connections sends one request at a time. Closed loop
(default): the next request leaves when the previous answer arrives. Open loop (--rate): requests
are due at a fixed total rate, spread evenly over the connections, and latency is counted from
the time a request was due, so a server that falls behind is charged for the queue it causes.
Every answer is checked: HTTP 200 and <outcome>OK</outcome>; anything else is counted as an
error by kind (connect, tls, io, timeout, http_NNN, the PAA_* faultCode...). The exit status is
0 when every request got OK, 3 when some failed, 2 on a usage error.

Scenarios:
  verify     paVerifyPaymentNotice on the notices of --notices, in turn
  getv2      paGetPaymentV2 on the notices of --notices, in turn (each position's 5 transfers)
  sendrtv2   paSendRTV2, a receipt with a unique receiptId paying the next notice of
             --pay-notices (after the last one it starts again: a double payment, still OK)
  mix        verify : getv2 : sendrtv2 = 3 : 2 : 1, on the same connections

Server:
  --host ADDR          server address (default 127.0.0.1)
  --port N             server port (required to drive a server)
  --path PATH          SOAP path (default /nodo/paForNode)
  --certs DIR          certificates as certs/make-dev-certs.sh makes them: ca.crt checks the
                       server, node-client.crt/.key is presented (required unless --plain)
  --server-name NAME   name checked in the server certificate (default localhost)
  --plain              plain HTTP, to measure servers without TLS

Requests:
  --scenario S         verify, getv2, sendrtv2 or mix (default verify)
  --notices FILE       one notice a line: "EC_FISCAL_CODE NOTICE_NUMBER AMOUNT_IN_CENTS"
  --pay-notices FILE   the notices sendrtv2 pays (default: --notices)
  --pay-start N        pay from line N (0-based) of --pay-notices on (default 0), so runs
                       one after another pay notices that are still unpaid
  --transfers N        transfers in each receipt, 1..5 (default 5), sharing its amount
  --receipt-prefix S   receiptIds are S followed by a counter (default: one made of the time
                       and the process id, so two runs never repeat a receiptId)
  --broker ID          idBrokerPA (default 15376371009)
  --station ID         idStation (default 15376371009_01)

Load shape:
  --connections N      kept-alive connections (default 8)
  --threads N          client event-loop threads (default 2); the connections are shared
  --seconds X          measure for X seconds (default 10)
  --warmup X           run X seconds before measuring; those answers are not counted (default 0)
  --requests N         instead of --seconds: stop after N requests (no warm-up)
  --rate R             open loop at R requests per second in all (default: closed loop)
  --timeout-ms N       an answer not complete after N ms is an error; the connection is
                       closed and opened again (default 10000)

Output (a line of text on stdout always):
  --json FILE          write the results as JSON: counts, errors by kind, throughput, latency
                       percentiles (p50, p90, p99, p99.9, max) overall and per operation
  --label TEXT         a name for this run in the text and the JSON
  --receipts-out FILE  append the receiptId of every paSendRTV2 answered OK, one a line,
                       written (write(2)) as each answer arrives: the file survives a crash of
                       either side and lists exactly what the server acknowledged

Echo server (the transport limit: the same listener as ponte, no SOAP work):
  --echo-server        serve a fixed SOAP answer on every POST until SIGINT or SIGTERM; prints
                       "echo-server listening on ADDR:PORT" once it accepts connections.
                       Uses --host, --port (0: any free port), --certs (server.crt/.key,
                       and ca.crt to check client certificates) or --plain
  --body-bytes N       size of the answer's body (default 688, ponte's verify answer)
  --server-threads N   event-loop threads (default: one per core, as ponte)

  -h, --help           this text
SIGINT or SIGTERM during a load run stops it early; the results so far are reported.
)";

const char* scenarioName(Scenario s) {
  switch (s) {
    case Scenario::kVerify:
      return "verify";
    case Scenario::kGetV2:
      return "getv2";
    case Scenario::kSendRtV2:
      return "sendrtv2";
    case Scenario::kMix:
      return "mix";
  }
  return "?";
}

namespace {

template <typename T>
bool parseNumber(std::string_view text, T* out) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && p == end;
}

bool parseDouble(const std::string& text, double* out) {
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && *out >= 0;
}

}  // namespace

ParseResult parseOptions(int argc, char** argv, Options* o, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") return ParseResult::kHelp;
    if (a == "--plain") {
      o->plain = true;
      continue;
    }
    if (a == "--echo-server") {
      o->echo = true;
      continue;
    }
    if (i + 1 >= argc) {
      *error = a.rfind("--", 0) == 0 ? a + " needs a value" : "unexpected argument " + a;
      return ParseResult::kError;
    }
    const std::string v = argv[++i];
    bool ok = true;
    auto positive = [&](int* out) { ok = parseNumber(v, out) && *out > 0; };
    if (a == "--host") {
      o->host = v;
    } else if (a == "--port") {
      ok = parseNumber(v, &o->port) && o->port >= 0 && o->port <= 65535;
    } else if (a == "--path") {
      o->path = v;
      ok = !v.empty() && v[0] == '/';
    } else if (a == "--certs") {
      o->certs_dir = v;
    } else if (a == "--server-name") {
      o->server_name = v;
    } else if (a == "--scenario") {
      if (v == "verify") {
        o->scenario = Scenario::kVerify;
      } else if (v == "getv2") {
        o->scenario = Scenario::kGetV2;
      } else if (v == "sendrtv2") {
        o->scenario = Scenario::kSendRtV2;
      } else if (v == "mix") {
        o->scenario = Scenario::kMix;
      } else {
        ok = false;
      }
    } else if (a == "--notices") {
      o->notices_file = v;
    } else if (a == "--pay-notices") {
      o->pay_notices_file = v;
    } else if (a == "--pay-start") {
      ok = parseNumber(v, &o->pay_start) && o->pay_start >= 0;
    } else if (a == "--transfers") {
      ok = parseNumber(v, &o->transfers) && o->transfers >= 1 && o->transfers <= 5;
    } else if (a == "--receipt-prefix") {
      o->receipt_prefix = v;
      ok = !v.empty() && v.size() <= 20;
    } else if (a == "--broker") {
      o->broker = v;
    } else if (a == "--station") {
      o->station = v;
    } else if (a == "--connections") {
      positive(&o->connections);
    } else if (a == "--threads") {
      positive(&o->threads);
    } else if (a == "--seconds") {
      ok = parseDouble(v, &o->seconds) && o->seconds > 0;
    } else if (a == "--warmup") {
      ok = parseDouble(v, &o->warmup_seconds);
    } else if (a == "--requests") {
      ok = parseNumber(v, &o->requests) && o->requests > 0;
    } else if (a == "--rate") {
      ok = parseDouble(v, &o->rate) && o->rate > 0;
    } else if (a == "--timeout-ms") {
      positive(&o->timeout_ms);
    } else if (a == "--receipts-out") {
      o->receipts_out = v;
    } else if (a == "--json") {
      o->json_out = v;
    } else if (a == "--label") {
      o->label = v;
    } else if (a == "--body-bytes") {
      positive(&o->body_bytes);
    } else if (a == "--server-threads") {
      positive(&o->server_threads);
    } else {
      *error = "unknown option " + a;
      return ParseResult::kError;
    }
    if (!ok) {
      *error = "bad value for " + a + ": " + v;
      return ParseResult::kError;
    }
  }
  if (!o->plain && o->certs_dir.empty()) {
    *error = "--certs DIR is required (or --plain)";
    return ParseResult::kError;
  }
  if (o->echo) return ParseResult::kRun;
  if (o->port == 0) {
    *error = "--port is required to drive a server";
    return ParseResult::kError;
  }
  if (o->notices_file.empty() && o->pay_notices_file.empty()) {
    *error = "--notices FILE is required";
    return ParseResult::kError;
  }
  if (o->notices_file.empty() && o->scenario != Scenario::kSendRtV2) {
    *error = "--notices FILE is required for this scenario";
    return ParseResult::kError;
  }
  if (o->requests > 0) o->warmup_seconds = 0;
  return ParseResult::kRun;
}

}  // namespace ponte::bench
