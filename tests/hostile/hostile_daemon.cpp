// Helpers of the hostile-input suite around the daemon process.
#include "hostile_daemon.h"

#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ponte::hostile {

void setDeadlines(const e2e::PonteProcess& ponte, const Deadlines& deadlines) {
  const std::string path = ponte.dir() + "/ponte.yaml";
  std::ostringstream text;
  {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    text << in.rdbuf();
  }
  std::string config = text.str();
  const std::string anchor = "\nnode_listener:\n";
  const auto at = config.find(anchor);
  if (at == std::string::npos) throw std::runtime_error(path + " has no node_listener");
  const std::string block = "  timeouts_ms:\n    handshake: " +
                            std::to_string(deadlines.handshake_ms) +
                            "\n    read_header: " + std::to_string(deadlines.read_header_ms) +
                            "\n    read_body: " + std::to_string(deadlines.read_body_ms) +
                            "\n    write: " + std::to_string(deadlines.write_ms) +
                            "\n    idle: " + std::to_string(deadlines.idle_ms) + "\n";
  config.insert(at + anchor.size(), block);
  std::ofstream out(path, std::ios::trunc);
  out << config;
  if (!out) throw std::runtime_error("cannot write " + path);
}

long residentKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

bool alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("State:", 0) == 0) return line.find('Z') == std::string::npos;
  }
  return false;
}

std::size_t raiseOpenFileLimit(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY || limit.rlim_max > wanted
                         ? static_cast<rlim_t>(wanted)
                         : limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

std::string element(const std::string& body, const std::string& name) {
  const std::string open = "<" + name + ">";
  const auto start = body.find(open);
  if (start == std::string::npos) return "";
  const auto end = body.find("</" + name + ">", start);
  if (end == std::string::npos) return "";
  return body.substr(start + open.size(), end - start - open.size());
}

std::size_t countLogLines(const e2e::PonteProcess& ponte, const std::string& text) {
  std::size_t n = 0;
  for (const auto& line : ponte.logLines()) {
    if (line.find(text) != std::string::npos) ++n;
  }
  return n;
}

bool settles(const std::function<bool()>& done) {
  for (int i = 0; i < 40; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

double metric(const e2e::PonteProcess& ponte, const std::string& sample) {
  test::ClientOptions options;
  options.tls = false;
  options.port = ponte.adminPort();
  auto client = test::TlsClient::connect(options);
  if (!client) return -1;
  auto r = client->request("GET", "/metrics");
  if (!r || r->status != 200) return -1;
  const std::string prefix = sample + " ";
  std::istringstream lines(r->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size()));
  }
  return 0;
}

bool answersVerify(const e2e::PonteProcess& ponte) {
  auto client = test::TlsClient::connect(ponte.nodeClient());
  if (!client) return false;
  auto r = e2e::postSoap(*client, "paVerifyPaymentNotice",
                         e2e::goldenRequest("paVerifyPaymentNotice", "ok"));
  return r && r->status == 200 && r->body.find("<outcome>OK</outcome>") != std::string::npos;
}

}  // namespace ponte::hostile
