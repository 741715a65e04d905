// Starting, watching and killing a real ponte daemon for the end-to-end tests.
#include "ponte_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ponte::e2e {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs argv, waits, returns the exit status with stdout+stderr in *output.
int runCapture(const std::vector<std::string>& argv, std::string* output) {
  int pipefd[2];
  if (pipe(pipefd) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipefd[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

PonteProcess::PonteProcess() {
  char tmpl[] = "/tmp/ponte-e2e-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  const std::string certs = test::testCertificatesDir();
  std::string config = readFile(fs::path(PONTE_SOURCE_DIR) / "config" / "demo.yaml");
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = config.find(from);
    if (at == std::string::npos) throw std::runtime_error("demo.yaml has no " + from);
    config.replace(at, from.size(), to);
  };
  replace("port: 8443", "port: 0");
  replace("port: 9464", "port: 0");
  replace("\"../certs/dev/server.crt\"", "\"" + certs + "/server.crt\"");
  replace("\"../certs/dev/server.key\"", "\"" + certs + "/server.key\"");
  replace("\"../certs/dev/ca.crt\"", "\"" + certs + "/ca.crt\"");
  replace("\"../build/demo/ponte.db\"", "\"" + database() + "\"");
  replace("soap_path: \"/nodo/paForNode\"", "soap_path: \"/nodo\"");
  replace("level: info", "level: info\n  # e2e: every request is logged at info");
  std::ofstream(dir_ + "/ponte.yaml") << config;

  std::string out;
  if (runCapture(
          {"/usr/bin/python3", std::string(PONTE_SOURCE_DIR) + "/config/make-demo-positions.py",
           dir_ + "/positions", "--today", "2026-11-22"},
          &out) != 0) {
    throw std::runtime_error("make-demo-positions.py failed: " + out);
  }
  for (const char* ec : {"80015010723", "83000390019"}) {
    if (runCli({"positions", "import", "--ec", ec, "--with-status",
                dir_ + "/positions/" + ec + ".json"},
               &out) != 0) {
      throw std::runtime_error("positions import failed: " + out);
    }
  }
}

PonteProcess::~PonteProcess() {
  if (pid_ > 0) stop(SIGKILL);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

int PonteProcess::runCli(const std::vector<std::string>& args, std::string* output) const {
  std::vector<std::string> argv = {PONTE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--config");
  argv.push_back(dir_ + "/ponte.yaml");
  return runCapture(argv, output);
}

void PonteProcess::start() {
  int pipefd[2];
  if (pipe(pipefd) != 0) throw std::runtime_error("pipe failed");
  const std::string config = dir_ + "/ponte.yaml";
  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    for (const auto& variable : environment) putenv(const_cast<char*>(variable.c_str()));
    execl(PONTE_BINARY, PONTE_BINARY, "serve", "--config", config.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipefd[1]);
  log_fd_ = pipefd[0];

  // Read lines until ponte.ready (or the process dies, or 20 s pass).
  std::string pending;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (port_ == 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{log_fd_, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      throw std::runtime_error("ponte did not become ready: " + pending);
    }
    char buf[4096];
    const ssize_t n = read(log_fd_, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("ponte exited before ready: " + pending);
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t eol;
    while ((eol = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, eol);
      pending.erase(0, eol + 1);
      if (line.find("ponte.ready") != std::string::npos) {
        const auto at = line.find("node_listener=127.0.0.1:");
        if (at != std::string::npos)
          port_ = static_cast<std::uint16_t>(std::stoi(line.substr(at + 24)));
        const auto admin = line.find("admin_listener=127.0.0.1:");
        if (admin != std::string::npos) {
          admin_port_ = static_cast<std::uint16_t>(std::stoi(line.substr(admin + 25)));
        }
      }
      std::lock_guard lock(mutex_);
      lines_.push_back(std::move(line));
    }
  }
  reader_ = std::thread([this, pending]() mutable {
    char buf[4096];
    ssize_t n;
    while ((n = read(log_fd_, buf, sizeof buf)) > 0) {
      pending.append(buf, static_cast<std::size_t>(n));
      std::size_t eol;
      while ((eol = pending.find('\n')) != std::string::npos) {
        std::lock_guard lock(mutex_);
        if (lines_.size() < 100000) lines_.push_back(pending.substr(0, eol));
        pending.erase(0, eol + 1);
      }
    }
  });
}

int PonteProcess::stop(int sig) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  port_ = 0;
  admin_port_ = 0;
  if (reader_.joinable()) reader_.join();
  if (log_fd_ >= 0) close(log_fd_);
  log_fd_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> PonteProcess::logLines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

test::ClientOptions PonteProcess::nodeClient() const {
  const std::string certs = test::testCertificatesDir();
  test::ClientOptions o;
  o.port = port_;
  o.ca_file = certs + "/ca.crt";
  o.certificate_file = certs + "/node-client.crt";
  o.private_key_file = certs + "/node-client.key";
  return o;
}

std::string goldenRequest(const std::string& op, const std::string& kase) {
  return readFile(fs::path(PONTE_SOURCE_DIR) / "tests" / "golden" / op / (kase + ".request.xml"));
}

std::optional<test::ClientResponse> postSoap(test::TlsClient& client, const std::string& action,
                                             const std::string& body) {
  return client.request(
      "POST", "/nodo", body,
      {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"" + action + "\""}});
}

}  // namespace ponte::e2e
