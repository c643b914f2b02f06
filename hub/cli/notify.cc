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

namespace outpost::hub::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnHubNotifyStop(int) { g_stop.store(true); }

}  // namespace

NotifyCommand::NotifyCommand(CLI::App& app) {
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
  const auto stop_at = std::chrono::steady_clock::now() + std::chrono::seconds(seconds_);
  while (true) {
    auto pass = sender.RunOnce();
    if (!pass.ok()) {
      if (once_) return Fail(pass.status(), err);
      err << "outpost-hub notify: " << pass.status().ToString() << "\n";
    } else if (once_ || pass->planned + pass->sent + pass->retrying + pass->dead + pass->held > 0) {
      out << "outpost-hub notify: planned " << pass->planned << ", sent " << pass->sent
          << ", retrying " << pass->retrying << ", dead " << pass->dead << ", held " << pass->held
          << std::endl;
    }
    if (once_) return 0;
    for (int waited = 0; waited < interval_ms_ && !g_stop.load(); waited += 50) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (g_stop.load() || (seconds_ > 0 && std::chrono::steady_clock::now() >= stop_at)) break;
  }
  return 0;
}

}  // namespace outpost::hub::cli
