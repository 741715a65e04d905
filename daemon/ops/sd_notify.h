// The systemd notification protocol (sd_notify(3)): READY=1, STATUS=..., RELOADING=1,
// STOPPING=1, WATCHDOG=1 as datagrams to $NOTIFY_SOCKET. A no-op when the variable is unset, so
// the same binary runs under systemd, in a terminal and in tests (which bind their own socket).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ponte::ops {

class SystemdNotifier {
 public:
  // Reads NOTIFY_SOCKET (a path, or "@name" for an abstract socket) and WATCHDOG_USEC /
  // WATCHDOG_PID from the environment.
  static SystemdNotifier fromEnvironment();

  // Whether a notification socket is configured.
  bool enabled() const { return !socket_path_.empty(); }

  // Sends one notification ("READY=1", "STATUS=serving 3 ECs", ...; several lines allowed).
  // Returns false when it could not be sent (never throws); does nothing when not enabled.
  bool notify(std::string_view state) const;

  // How often WATCHDOG=1 must be sent: half of WatchdogSec, as sd_watchdog_enabled(3) advises;
  // nullopt when the service has no watchdog (or it is meant for another process).
  std::optional<std::chrono::microseconds> watchdogInterval() const { return watchdog_interval_; }

  // For RELOADING=1: systemd wants MONOTONIC_USEC with it (the time of the reload request).
  static std::string reloadingMessage();

 private:
  std::string socket_path_;
  std::optional<std::chrono::microseconds> watchdog_interval_;
};

}  // namespace ponte::ops
