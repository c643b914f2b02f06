// outpost-hub web --bind HOST:PORT [--tls-cert F --tls-key F] [--secure-cookies]:
// the web console (docs/WEB.md), a process of its own beside the daemon,
// reading and writing the hub's database through its queries and operations.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <ostream>
#include <thread>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "hub/web/console.h"
#include "sync/i18n/messages.h"
#include "sync/log.h"
#include "sync/service_notify.h"

namespace outpost::hub::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnWebStop(int) { g_stop.store(true); }

}  // namespace

WebCommand::WebCommand(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  web_ = app.add_subcommand("web", "serve head office's web console");
  web_->add_option("--bind", bind_, "HOST:PORT (port 0: any free port)")->capture_default_str();
  auto* cert = web_->add_option("--tls-cert", tls_cert_, "TLS certificate chain (PEM)");
  auto* key = web_->add_option("--tls-key", tls_key_, "TLS private key (PEM, mode 0600)");
  cert->needs(key);
  key->needs(cert);
  web_->add_flag("--secure-cookies", secure_cookies_,
                 "mark cookies Secure: plain HTTP here, behind an HTTPS reverse proxy");
  web_->add_option("--reports-db", reports_db_,
                   "read the month-end statistics from this database, a standby of the hub's"
                   " (postgresql://...); the pages say how stale it is");
}

bool WebCommand::parsed() const { return web_->parsed(); }

int WebCommand::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  auto log_format = ResolveLogFormat(flags_.log_format);
  if (!log_format.ok()) return Fail(log_format.status(), err);
  auto bind = ParseBind(bind_);
  if (!bind.ok()) return Fail(bind.status(), err);
  const bool tls = !tls_cert_.empty();
  for (const std::string& path : {tls_cert_, tls_key_}) {
    std::error_code ec;
    if (tls && !std::filesystem::is_regular_file(path, ec)) {
      return Fail(Status::NotFound("--tls-cert/--tls-key: cannot read '" + path + "'")
                      .WithShown(i18n::Format("--tls-cert/--tls-key: cannot read '{0}'", {path})),
                  err);
    }
  }
  std::unique_ptr<httplib::Server> server =
      tls ? std::make_unique<httplib::SSLServer>(tls_cert_.c_str(), tls_key_.c_str())
          : std::make_unique<httplib::Server>();
  if (!server->is_valid()) {
    return Fail(
        Status::InvalidInput("--tls-cert/--tls-key: '" + tls_cert_ + "' and '" + tls_key_ +
                             "' are not a PEM certificate and its key")
            .WithShown(i18n::Format(
                "--tls-cert/--tls-key: '{0}' and '{1}' are not a PEM certificate and its key",
                {tls_cert_, tls_key_})),
        err);
  }
  // The statistics' own connection: on a standby, head office's heaviest
  // reads leave the primary to the stores. Opened as it is (no migration,
  // no keys: it is only read).
  std::unique_ptr<storage::HubStorage> reports;
  if (!reports_db_.empty()) {
    auto opened = storage::OpenHubStorage(reports_db_, {.migrate = false});
    if (!opened.ok()) return Fail(opened.status(), err);
    reports = std::move(opened).value();
  }
  web::WebConsole console(hub,
                          {.secure_cookies = tls || secure_cookies_, .reports = reports.get()});
  console.Mount(*server);
  const auto& [host, port] = bind.value();
  const int bound =
      port == 0 ? server->bind_to_any_port(host) : (server->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Fail(Status::IoError("--bind: cannot listen on " + bind_)
                    .WithShown(i18n::Format("--bind: cannot listen on {0}", {bind_})),
                err);
  }
  out << "outpost-hub web: listening on " << (tls ? "https" : "http") << "://" << host << ":"
      << bound << "/" << std::endl;
  LogSink sink(err, hub.clock(), log_format.value());
  const Logger log(sink, "web");
  log.Info("listening", {{"url", std::string(tls ? "https" : "http") + "://" + host + ":" +
                                     std::to_string(bound) + "/"}});
  // The server's threads answer; this one watches: it pings the watchdog
  // while the server runs and stops it on SIGTERM (systemd's stop).
  std::signal(SIGTERM, OnWebStop);
  std::signal(SIGINT, OnWebStop);
  std::atomic<bool> ended{false};
  std::thread watcher([&] {
    Watchdog watchdog;
    while (!ended.load() && !g_stop.load()) {
      if (server->is_running()) watchdog.MaybePing();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (g_stop.load()) {
      NotifyStopping();
      server->stop();
    }
  });
  NotifyReady();
  NotifyStatus("serving the web console on port " + std::to_string(bound));
  const bool listened = server->listen_after_bind();
  ended.store(true);
  watcher.join();
  if (g_stop.load()) {
    log.Info("stopped");
    return 0;
  }
  if (!listened) return Fail(Status::IoError("web: the server stopped"), err);
  return 0;
}

}  // namespace outpost::hub::cli
