// outpost-hub notify --gateway URL --secret-file F: head office's own sender
// (docs/OUTREACH.md, "Head office's own contacts"), a process of its own like
// `outpost-edge notify`: plans the invitations head office sends itself (their
// store offline) and hands due messages to the relay, once each.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <ostream>
#include <thread>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/head_office_contacts.h"
#include "hub/hub.h"
#include "sync/delivery/webhook.h"
#include "sync/i18n/messages.h"
#include "sync/log.h"
#include "sync/service_notify.h"

namespace outpost::hub::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnHubNotifyStop(int) { g_stop.store(true); }

}  // namespace

NotifyCommand::NotifyCommand(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  notify_ = app.add_subcommand(
      "notify", "head office's own sender: invitations for offline stores, through the relay");
  notify_->add_option("--gateway", gateway_url_, "the relay's webhook URL")->required();
  notify_->add_option("--secret-file", secret_file_, "the shared secret (a 0600 file)")->required();
  notify_->add_option("--staff", staff_, "who plans, in the records")->capture_default_str();
  notify_->add_flag("--once", once_, "one pass, then exit");
  notify_->add_option("--seconds", seconds_, "stop after this many seconds");
  notify_->add_option("--interval-ms", interval_ms_, "pause between passes")->capture_default_str();
  notify_->add_option("--timeout-ms", timeout_ms_, "one attempt's limit")->capture_default_str();
  notify_->add_option("--max-attempts", max_attempts_, "attempts before dead-letter")
      ->capture_default_str();
}

bool NotifyCommand::parsed() const { return notify_->parsed(); }

int NotifyCommand::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  auto log_format = ResolveLogFormat(flags_.log_format);
  if (!log_format.ok()) return Fail(log_format.status(), err);
  auto secret = delivery::LoadGatewaySecret(secret_file_);
  if (!secret.ok()) return Fail(secret.status(), err);
  delivery::GatewayConfig config;
  config.url = gateway_url_;
  config.secret = std::move(*secret);
  config.timeout_ms = timeout_ms_;
  config.retry.max_attempts = max_attempts_;
  auto client = delivery::WebhookClient::Create(config, hub.clock());
  if (!client.ok()) return Fail(client.status(), err);
  HeadOfficeSender sender(hub, **client, config.retry, staff_);
  std::signal(SIGTERM, OnHubNotifyStop);
  std::signal(SIGINT, OnHubNotifyStop);
  LogSink sink(err, hub.clock(), log_format.value());
  const Logger log(sink, "notify");
  Watchdog watchdog;
  if (!once_) {
    NotifyReady();
    NotifyStatus("sending head office's own messages to " + gateway_url_);
  }
  const auto stop_at = std::chrono::steady_clock::now() + std::chrono::seconds(seconds_);
  while (true) {
    watchdog.MaybePing();
    auto pass = sender.RunOnce();
    if (!pass.ok()) {
      if (once_) return Fail(pass.status(), err);
      log.Error("pass failed", {{"error", pass.status().ToString()}});
    } else if (once_) {
      // One pass by hand: its summary, as a person reads it.
      out << i18n::Format(
                 "outpost-hub notify: planned {0}, sent {1}, retrying {2}, dead {3}, held {4}",
                 {std::to_string(pass->planned), std::to_string(pass->sent),
                  std::to_string(pass->retrying), std::to_string(pass->dead),
                  std::to_string(pass->held)})
          << std::endl;
    } else if (pass->planned + pass->sent + pass->retrying + pass->dead + pass->held > 0) {
      log.Info("pass", {{"planned", pass->planned},
                        {"sent", pass->sent},
                        {"retrying", pass->retrying},
                        {"dead", pass->dead},
                        {"held", pass->held}});
    }
    if (once_) return 0;
    for (int waited = 0; waited < interval_ms_ && !g_stop.load(); waited += 50) {
      watchdog.MaybePing();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (g_stop.load() || (seconds_ > 0 && std::chrono::steady_clock::now() >= stop_at)) break;
  }
  NotifyStopping();
  log.Info("stopped");
  return 0;
}

}  // namespace outpost::hub::cli
