#include "sync/service_notify.h"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <string>

namespace outpost {

// sd_notify returns 0 when NOTIFY_SOCKET is unset and a negative errno when the
// socket cannot be reached; neither stops a daemon, so the result is ignored.
void NotifyReady() { (void)sd_notify(0, "READY=1"); }

void NotifyStopping() { (void)sd_notify(0, "STOPPING=1"); }

void NotifyStatus(std::string_view text) {
  std::string message = "STATUS=";
  for (char c : text) message += c == '\n' ? ' ' : c;  // one line: a newline ends the field
  (void)sd_notify(0, message.c_str());
}

Watchdog::Watchdog() {
  uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set (and WATCHDOG_PID, if set, is ours).
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    half_interval_ = std::chrono::microseconds(usec / 2);
  }
}

void Watchdog::MaybePing() {
  if (!enabled()) return;
  const auto now = std::chrono::steady_clock::now();
  if (last_ping_ != std::chrono::steady_clock::time_point{} && now - last_ping_ < half_interval_) {
    return;
  }
  last_ping_ = now;
  (void)sd_notify(0, "WATCHDOG=1");
}

}  // namespace outpost
