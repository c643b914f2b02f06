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
#include "hub/queries/stores.h"
#include "hub/segments.h"
#include "hub/server.h"
#include "sync/log.h"
#include "sync/metrics.h"
#include "sync/service_notify.h"

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
  void MaybeRun(const Logger& log) {
    const auto now = std::chrono::steady_clock::now();
    if (every_ms_ <= 0 || now < next_) return;
    if (!Claimed(log)) {
      next_ = now + std::chrono::milliseconds(every_ms_);
      return;
    }
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
      log.Error("unified profiles", {{"error", refreshed.ToString()}});
    }
    const auto took = std::chrono::steady_clock::now() - now;
    next_ = std::chrono::steady_clock::now() + std::max<std::chrono::steady_clock::duration>(
                                                   std::chrono::milliseconds(every_ms_), took * 10);
  }

 private:
  // Whether this process keeps the profiles: of several hub processes on one
  // database one does (storage::HubStorage::TryClaimWork), the others stand
  // by and take over when it stops. Said in the log when it changes.
  bool Claimed(const Logger& log) {
    if (claim_) {
      auto held = claim_->StillHeld();
      if (held.ok() && held.value()) return true;
      claim_.reset();
      log.Info("unified profiles: lost the claim on them; claiming again");
    }
    auto claimed = hub_.storage().TryClaimWork("profiles");
    if (!claimed.ok()) {
      log.Error("unified profiles", {{"error", claimed.status().ToString()}});
      return false;
    }
    claim_ = std::move(claimed).value();
    if (claim_ == nullptr) {
      if (!standing_by_) {
        log.Info("unified profiles: another hub process keeps them; standing by");
      }
      standing_by_ = true;
      return false;
    }
    if (standing_by_) log.Info("unified profiles: this process keeps them now");
    standing_by_ = false;
    return true;
  }

  Hub& hub_;
  int64_t every_ms_;
  std::unique_ptr<storage::WorkClaim> claim_;
  bool standing_by_ = false;
  std::chrono::steady_clock::time_point next_{};
  // The head-office day (YYYY-MM-DD) the segments were last recomputed on;
  // empty before the first. (Text: GCC 12 -O3 misreads an optional date here.)
  std::string segments_day_;
};

// The per-store gauges (lag, changes behind, pending requests) from the hub's
// database, read by the daemon's thread (the Hub is used by one thread at a
// time), at most once a second: a scrape only reads what this left.
void RefreshStoreMetrics(Hub& hub, Metrics& metrics, const Logger& log) {
  auto stores = queries::ListStores(queries::HubReader(hub));
  if (!stores.ok()) {
    log.Error("store metrics", {{"error", stores.status().ToString()}});
    return;
  }
  for (const char* name :
       {"outpost_hub_store_last_contact_age_seconds", "outpost_hub_store_changes_behind",
        "outpost_hub_store_pending_requests"}) {
    metrics.Clear(name);
  }
  for (const queries::StoreState& store : stores.value()) {
    if (store.last_contact) {
      if (auto at = ParseUtcMs(*store.last_contact); at.ok()) {
        metrics.SetSince("outpost_hub_store_last_contact_age_seconds", at.value(), store.site_id);
      }
    }
    metrics.Set("outpost_hub_store_changes_behind", static_cast<double>(store.pending()),
                store.site_id);
    metrics.Set("outpost_hub_store_pending_requests",
                static_cast<double>(store.queued_requests - store.applied_requests), store.site_id);
  }
}

}  // namespace

ServeCommand::ServeCommand(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  serve_ = app.add_subcommand("serve", "receive and apply the stores' change logs");
  serve_->add_option("--bind", bind_)->capture_default_str();
  serve_
      ->add_option("--resolve-every-ms", resolve_every_ms_,
                   "link new customer records and refresh the stores' unified profiles this"
                   " often (0: never; `customers resolve` by hand)")
      ->capture_default_str();
  serve_->add_option("--metrics", metrics_.bind,
                     "serve /metrics and /health on HOST:PORT (loopback; docs/MONITORING.md)");
  serve_->add_flag("--metrics-public", metrics_.allow_public,
                   "allow --metrics on an address other machines reach");
}

bool ServeCommand::parsed() const { return serve_->parsed(); }

int ServeCommand::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  auto log_format = ResolveLogFormat(flags_.log_format);
  if (!log_format.ok()) return Fail(log_format.status(), err);
  LogSink sink(err, hub.clock(), log_format.value());
  const Logger log(sink, "serve");
  // Healthy while turns run; a resolution of many records may hold a turn for tens of seconds.
  Metrics metrics(hub.clock(), std::chrono::seconds(120));
  DefineServeMetrics(metrics);
  ProfileUpkeep upkeep(hub, resolve_every_ms_);
  auto server = Server::Bind(hub, bind_, {.log = &log, .metrics = &metrics});
  if (!server.ok()) return Fail(server.status(), err);
  auto metrics_server = StartMetricsServer(metrics_, metrics, Logger(sink, "metrics"));
  if (!metrics_server.ok()) return Fail(metrics_server.status(), err);
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  out << "outpost-hub: listening on " << bind_ << "\n" << std::flush;
  log.Info("listening", {{"bind", bind_}});
  Watchdog watchdog;
  NotifyReady();
  NotifyStatus("receiving the stores' changes on " + bind_);
  auto next_refresh = std::chrono::steady_clock::now();
  while (!g_stop.load()) {
    metrics.Beat();
    watchdog.MaybePing();
    if (metrics_server.value() && std::chrono::steady_clock::now() >= next_refresh) {
      RefreshStoreMetrics(hub, metrics, log);
      next_refresh = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
    upkeep.MaybeRun(log);
    server.value()->Turn();
  }
  NotifyStopping();
  log.Info("stopped");
  out << "outpost-hub: stopped\n";
  return 0;
}

}  // namespace outpost::hub::cli
