// sd_notify without libsystemd: one sendto(2) on an AF_UNIX datagram socket.
#include "ops/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace ponte::ops {

SystemdNotifier SystemdNotifier::fromEnvironment() {
  SystemdNotifier n;
  if (const char* socket = std::getenv("NOTIFY_SOCKET"); socket && *socket) n.socket_path_ = socket;
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  const bool for_us = !pid || !*pid || std::strtol(pid, nullptr, 10) == static_cast<long>(getpid());
  if (usec && *usec && for_us) {
    const long long value = std::strtoll(usec, nullptr, 10);
    if (value > 0) n.watchdog_interval_ = std::chrono::microseconds(value / 2);
  }
  return n;
}

bool SystemdNotifier::notify(std::string_view state) const {
  if (!enabled()) return true;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof(address.sun_path)) return false;
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  if (socket_path_[0] == '@') {
    address.sun_path[0] = '\0';  // an abstract socket: the name follows a NUL, unterminated
  } else {
    length += 1;
  }
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                              reinterpret_cast<const sockaddr*>(&address), length);
  close(fd);
  return sent == static_cast<ssize_t>(state.size());
}

std::string SystemdNotifier::reloadingMessage() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
  return "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
}

}  // namespace ponte::ops
