// ponte-bench: drives ponte's node interface (or any SOAP server) and reports throughput and
// latency, or serves as the bare mTLS echo server every figure is compared with.
#include <iostream>
#include <string>

#include "echo_server.h"
#include "load_generator.h"
#include "options.h"
#include "report.h"

int main(int argc, char** argv) {
  using namespace ponte::bench;
  Options options;
  std::string error;
  switch (parseOptions(argc, argv, &options, &error)) {
    case ParseResult::kHelp:
      std::cout << kUsage;
      return 0;
    case ParseResult::kError:
      std::cerr << "ponte-bench: " << error << "\n(ponte-bench --help lists the options)\n";
      return 2;
    case ParseResult::kRun:
      break;
  }
  if (options.echo) return runEchoServer(options);

  LoadResult result;
  if (!runLoad(options, &result, &error)) {
    std::cerr << "ponte-bench: " << error << "\n";
    return 2;
  }
  std::cout << textReport(options, result) << std::endl;
  if (!options.json_out.empty() && !writeJsonReport(options, result, options.json_out, &error)) {
    std::cerr << "ponte-bench: " << error << "\n";
    return 2;
  }
  return result.failed == 0 && result.ok > 0 ? 0 : 3;
}
