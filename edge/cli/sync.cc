// outpost-edge sync: the store's sync process (never the desk's): sends the
// change log to the hub, once or until stopped.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <thread>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "edge/profiles.h"
#include "edge/sync_client.h"
#include "sync/cli/progress.h"
#include "sync/keys.h"
#include "sync/log.h"
#include "sync/metrics.h"
#include "sync/service_notify.h"

namespace outpost::edge::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.string();
}

}  // namespace

SyncCommand::SyncCommand(CLI::App& app) {
  sync_ = app.add_subcommand("sync", "send this store's changes to the hub (runs until stopped)");
  sync_
      ->add_option("--hub", hub_endpoint_,
                   "hub endpoint, e.g. tcp://127.0.0.1:7700; several, comma-separated, are tried in"
                   " turn (hub processes on one database)")
      ->required();
  sync_->add_option("--hub-key", hub_key_path_, "the hub's public key file (HUB.pub)")->required();
  sync_->add_option("--key", key_path_, "this store's secret key file (SITE.key)")->required();
  sync_->add_flag("--once", once_, "one exchange, then exit (0 if the hub answered)");
  sync_->add_option("--seconds", seconds_, "stop after this many seconds");
  sync_
      ->add_option("--reply-timeout-ms", reply_timeout_ms_, "how long to wait for the hub's answer")
      ->capture_default_str();
  sync_->add_option("--metrics", metrics_.bind,
                    "serve /metrics and /health on HOST:PORT (loopback; docs/MONITORING.md)");
  sync_->add_flag("--metrics-public", metrics_.allow_public,
                  "allow --metrics on an address other machines reach");
}

bool SyncCommand::parsed() const { return sync_->parsed(); }

int SyncCommand::Run(const DeskRun& run) {
  auto log_format = ResolveLogFormat(run.flags.log_format);
  if (!log_format.ok()) return Fail(run, log_format.status());
  auto keys = LoadSecretKeys(key_path_);
  if (!keys.ok()) return Fail(run, keys.status());
  auto hub_key = LoadPublicKeys(hub_key_path_);
  if (!hub_key.ok()) return Fail(run, hub_key.status());
  auto client = SyncClient::Create(run.flags.db_path, hub_endpoint_, keys.value(), hub_key.value(),
                                   run.clock, reply_timeout_ms_);
  if (!client.ok()) return Fail(run, client.status());
  {
    // The desk's walk-in look-ups ask the same hub with the same keys.
    auto store = OpenStore(run);
    Status remembered =
        store.ok() ? store.value()->SaveHubLink(
                         {hub_endpoint_, AbsolutePath(hub_key_path_), AbsolutePath(key_path_)})
                   : store.status();
    if (!remembered.ok()) return Fail(run, remembered);
  }
  if (once_) {
    Status st = client.value()->RunOnce();
    return st.ok() ? kExitOk : Fail(run, st);
  }
  // The sync process's log: each change of state, once (docs/MONITORING.md).
  LogSink sink(run.err, run.clock, log_format.value());
  const Logger log(sink, "sync");
  // Healthy while rounds run: a round takes at most the reply timeout, a pause 5 s.
  Metrics metrics(run.clock, std::chrono::milliseconds(3 * (5000 + reply_timeout_ms_)));
  DefineSyncMetrics(metrics);
  auto metrics_server = StartMetricsServer(metrics_, metrics, Logger(sink, "metrics"));
  if (!metrics_server.ok()) return Fail(run, metrics_server.status());
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  std::thread timer;
  if (seconds_ > 0) {
    timer = std::thread([seconds = seconds_] {
      for (int i = 0; i < seconds * 10 && !g_stop.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      g_stop.store(true);
    });
  }
  Watchdog watchdog;
  log.Info("started", {{"hub", hub_endpoint_}});
  NotifyReady();
  NotifyStatus("sending this store's changes to " + hub_endpoint_);
  // A store far behind (back from an outage) catching up: a bar on a
  // terminal, taken down before the round's log line ("caught up").
  std::optional<outpost::cli::Progress> bar;
  auto catch_up = [&](int64_t done, int64_t total, bool ended) {
    if (!bar) bar.emplace(run.err, true, "changes");
    bar->Update(done, total);
    if (ended) bar.reset();
  };
  const bool bar_wanted =
      outpost::cli::ProgressWanted(run.flags.json || log_format.value() != LogFormat::kText);
  client.value()->Run(g_stop,
                      {.log = &log,
                       .metrics = &metrics,
                       .each_turn =
                           [&] {
                             metrics.Beat();
                             watchdog.MaybePing();
                           },
                       .catch_up = bar_wanted ? std::move(catch_up)
                                              : std::function<void(int64_t, int64_t, bool)>{}});
  bar.reset();  // stopped while catching up: the line blanked before "stopped"
  NotifyStopping();
  log.Info("stopped");
  if (timer.joinable()) timer.join();
  return kExitOk;
}

}  // namespace outpost::edge::cli
