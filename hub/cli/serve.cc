// outpost-hub serve: the daemon, and the upkeep of unified customers it runs between turns.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <optional>
#include <ostream>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "hub/identity.h"
#include "hub/segments.h"
#include "hub/server.h"

namespace outpost::hub::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

// Links new customer records and rebuilds the profiles the stores hold, at
// most once per `every_ms` and never more than a tenth of the daemon's time
// (a full resolution over a million records takes tens of seconds).
class ProfileUpkeep {
 public:
  ProfileUpkeep(Hub& hub, int64_t every_ms) : hub_(hub), every_ms_(every_ms) {}
  void MaybeRun(std::ostream& err) {
    const auto now = std::chrono::steady_clock::now();
    if (every_ms_ <= 0 || now < next_) return;
    Identity identity = hub_.MakeIdentity();
    auto resolved = identity.Resolve(false);
    // Segments move as days pass: on a new head-office day every customer's
    // is recomputed into the profiles (hub/segments.h), else only the changed.
    auto today = HeadOfficeToday(hub_.clock());
    const bool new_day = today.ok() && today.value().ToString() != segments_day_;
    Status refreshed = resolved.status();
    if (refreshed.ok()) {
      refreshed = new_day ? hub_.RefreshSegments().status() : hub_.RefreshProfiles().status();
    }
    if (refreshed.ok() && new_day) segments_day_ = today.value().ToString();
    if (!refreshed.ok()) {
      err << "outpost-hub: unified profiles: " << refreshed.ToString() << "\n";
    }
    const auto took = std::chrono::steady_clock::now() - now;
    next_ = std::chrono::steady_clock::now() + std::max<std::chrono::steady_clock::duration>(
                                                   std::chrono::milliseconds(every_ms_), took * 10);
  }

 private:
  Hub& hub_;
  int64_t every_ms_;
  std::chrono::steady_clock::time_point next_{};
  // The head-office day (YYYY-MM-DD) the segments were last recomputed on;
  // empty before the first. (Text: GCC 12 -O3 misreads an optional date here.)
  std::string segments_day_;
};

}  // namespace

ServeCommand::ServeCommand(CLI::App& app) {
  serve_ = app.add_subcommand("serve", "receive and apply the stores' change logs");
  serve_->add_option("--bind", bind_)->capture_default_str();
  serve_
      ->add_option("--resolve-every-ms", resolve_every_ms_,
                   "link new customer records and refresh the stores' unified profiles this"
                   " often (0: never; `customers resolve` by hand)")
      ->capture_default_str();
}

bool ServeCommand::parsed() const { return serve_->parsed(); }

int ServeCommand::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  ProfileUpkeep upkeep(hub, resolve_every_ms_);
  auto server = Server::Bind(hub, bind_);
  if (!server.ok()) return Fail(server.status(), err);
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  out << "outpost-hub: listening on " << bind_ << "\n" << std::flush;
  while (!g_stop.load()) {
    upkeep.MaybeRun(err);
    server.value()->Turn(err);
  }
  out << "outpost-hub: stopped\n";
  return 0;
}

}  // namespace outpost::hub::cli
