// sd_notify over a datagram socket the test binds itself, as systemd would.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "ops/sd_notify.h"

using ponte::ops::SystemdNotifier;

namespace {

// A bound AF_UNIX datagram socket at a fresh path; receives one message at a time.
class NotifySocket {
 public:
  NotifySocket() {
    char tmpl[] = "/tmp/ponte-notify-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/notify.sock";
    fd_ = socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path_.c_str(), sizeof a.sun_path - 1);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    timeval tv{2, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NotifySocket() {
    close(fd_);
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }
  std::string receive() {
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  std::string dir_, path_;
  int fd_ = -1;
};

}  // namespace

TEST_CASE("notifications reach the socket named by NOTIFY_SOCKET", "[unit]") {
  NotifySocket socket;
  setenv("NOTIFY_SOCKET", socket.path().c_str(), 1);
  setenv("WATCHDOG_USEC", "20000000", 1);
  unsetenv("WATCHDOG_PID");
  const SystemdNotifier n = SystemdNotifier::fromEnvironment();
  REQUIRE(n.enabled());
  CHECK(n.watchdogInterval() == std::chrono::microseconds(10'000'000));
  CHECK(n.notify("READY=1\nSTATUS=serving"));
  CHECK(socket.receive() == "READY=1\nSTATUS=serving");
  CHECK(n.notify(SystemdNotifier::reloadingMessage()));
  CHECK(socket.receive().rfind("RELOADING=1\nMONOTONIC_USEC=", 0) == 0);

  setenv("WATCHDOG_PID", "1", 1);  // the watchdog is meant for another process
  CHECK_FALSE(SystemdNotifier::fromEnvironment().watchdogInterval());
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
  const SystemdNotifier off = SystemdNotifier::fromEnvironment();
  CHECK_FALSE(off.enabled());
  CHECK(off.notify("READY=1"));  // a no-op outside systemd
}
