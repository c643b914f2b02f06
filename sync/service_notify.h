// systemd's service notifications (sd_notify, libsystemd) for the daemons run
// as Type=notify units: ready, stopping, a status line, and the watchdog.
//
// Every call is a no-op when NOTIFY_SOCKET is unset (a daemon started by hand,
// or by a test that does not listen), so the daemons call them unconditionally.
// Thread-safe: sd_notify sends one datagram per call and keeps no state.
#pragma once

#include <chrono>
#include <string_view>

namespace outpost {

// READY=1: the daemon has bound its sockets and entered its loop.
void NotifyReady();
// STOPPING=1: a stop signal was received; the daemon is winding down.
void NotifyStopping();
// STATUS=<text>: one line `systemctl status` shows.
void NotifyStatus(std::string_view text);

// The watchdog (WatchdogSec= in the unit: systemd sets WATCHDOG_USEC and
// WATCHDOG_PID). A daemon's loop calls MaybePing() each turn; it sends
// WATCHDOG=1 when half the interval has passed since the last ping, so a loop
// that stalls for the whole interval gets the daemon restarted.
// Thread-compatible: one loop owns it.
class Watchdog {
 public:
  // Reads the interval once (sd_watchdog_enabled); disabled when unset.
  Watchdog();
  bool enabled() const { return half_interval_.count() > 0; }
  void MaybePing();

 private:
  std::chrono::microseconds half_interval_{0};
  std::chrono::steady_clock::time_point last_ping_{};
};

}  // namespace outpost
