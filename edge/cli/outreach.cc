// outpost-edge messages | calls [done] | notify | outreach show|set: the store
// reaching out (docs/OUTREACH.md). Lists are bilingual where staff read them.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <ostream>
#include <sstream>
#include <thread>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "edge/notify.h"
#include "edge/tasks.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/log.h"
#include "sync/metrics.h"
#include "sync/service_notify.h"
#include "sync/store_calendar.h"

namespace outpost::edge::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnNotifyStop(int) { g_stop.store(true); }

// The status as staff read it: "待发 planned", "已发 sent", ...
std::string StatusLabel(model::MessageStatus s) {
  static const char* const kLabels[] = {"待发",   "已延后", "发送中", "待重试", "已发",
                                        "已完成", "失败",   "不发送", "已取消", "已跳过"};
  return std::string(kLabels[static_cast<int>(s)]) + " " + model::MessageStatusName(s);
}

std::string MessageLine(const Store& store, const model::Message& m) {
  std::ostringstream line;
  line << store.LocalText(m.due_at) << "  " << ShortId(m.id) << "  " << m.channel << "  " << m.step
       << "  " << StatusLabel(m.status);
  if (!m.reason.empty()) line << " (" << m.reason << ")";
  if (m.outcome) line << " outcome: " << *m.outcome;
  return line.str();
}

Result<LocalDate> DayOf(const Store& store, const std::string& text) {
  return ParseDeskDate(text, store.Today());
}

int PrintList(const DeskRun& run, const Store& store, const std::vector<model::Message>& list,
              const std::string& heading) {
  if (run.flags.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : list) out.push_back(model::MessageJson(m));
    run.out << out.dump(2) << "\n";
    return kExitOk;
  }
  run.out << heading << " (" << list.size() << ")\n";
  for (const auto& m : list) run.out << "  " << MessageLine(store, m) << "\n";
  return kExitOk;
}

}  // namespace

OutreachCommands::OutreachCommands(CLI::App& app) {
  messages_ = app.add_subcommand("messages", "messages planned, sent, delayed and failed on a day");
  messages_->add_option("--date", date_, "YYYY-MM-DD, today, tomorrow or +N")
      ->capture_default_str();
  calls_ = app.add_subcommand(
      "calls", "today's calls in order: the 2 h confirmations, invitations, follow-up tasks");
  calls_->add_option("--date", date_, "YYYY-MM-DD, today, tomorrow or +N")->capture_default_str();
  call_done_ = calls_->add_subcommand("done", "record a call's outcome");
  call_done_->add_option("call", call_, "the call's id (its last digits)")->required();
  call_done_
      ->add_option("--outcome", outcome_,
                   "reached, no-answer, busy, wrong-number, empty-number or refused;"
                   " an invitation also booked, declined or unreachable")
      ->required();
  notify_ = app.add_subcommand("notify", "plan reminders and send due messages to the relay");
  notify_->add_option("--gateway", gateway_url_, "the relay's webhook URL")->required();
  notify_->add_option("--secret-file", secret_file_, "the shared secret (a 0600 file)")->required();
  notify_->add_flag("--once", once_, "one pass, then exit");
  notify_->add_option("--seconds", seconds_, "stop after this many seconds");
  notify_->add_option("--interval-ms", interval_ms_, "pause between passes")->capture_default_str();
  notify_->add_option("--timeout-ms", timeout_ms_, "one attempt's limit")->capture_default_str();
  notify_->add_option("--max-attempts", max_attempts_, "attempts before dead-letter")
      ->capture_default_str();
  notify_->add_option("--metrics", metrics_.bind,
                      "serve /metrics and /health on HOST:PORT (loopback; docs/MONITORING.md)");
  notify_->add_flag("--metrics-public", metrics_.allow_public,
                    "allow --metrics on an address other machines reach");
  outreach_ = app.add_subcommand("outreach", "the store's contact policy and reminder steps");
  outreach_->add_subcommand("show", "print them as JSON");
  outreach_set_ = outreach_->add_subcommand("set", "set them from a JSON file");
  outreach_set_->add_option("--file", settings_file_, "{\"policy\": ..., \"steps\": [...]}")
      ->required();
  outreach_->require_subcommand(1);
}

bool OutreachCommands::parsed() const {
  return messages_->parsed() || calls_->parsed() || notify_->parsed() || outreach_->parsed();
}

int OutreachCommands::Run(const DeskRun& run) {
  if (messages_->parsed()) return RunMessages(run);
  if (call_done_->parsed()) return RunCallDone(run);
  if (calls_->parsed()) return RunCalls(run);
  if (notify_->parsed()) return RunNotify(run);
  return RunOutreach(run);
}

int OutreachCommands::RunMessages(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto day = DayOf(**store, date_);
  if (!day.ok()) return Fail(run, day.status());
  auto list = (*store)->MessagesOn(*day);
  if (!list.ok()) return Fail(run, list.status());
  std::vector<model::Message> messages;
  for (auto& m : *list) {
    if (m.channel != "call") messages.push_back(std::move(m));
  }
  return PrintList(run, **store, messages, "消息 messages " + day->ToString());
}

int OutreachCommands::RunCalls(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto day = DayOf(**store, date_);
  if (!day.ok()) return Fail(run, day.status());
  // Planned first, so a call due today is on the list before notify runs.
  if (auto plan = (*store)->PlanOutreach(); !plan.ok()) return Fail(run, plan.status());
  auto list = (*store)->MessagesOn(*day);
  if (!list.ok()) return Fail(run, list.status());
  std::vector<model::Message> calls;
  for (auto& m : *list) {
    if (m.channel == "call") calls.push_back(std::move(m));
  }
  // Then the follow-up tasks (docs/FOLLOWUP.md) due that day and not called
  // yet that day: one attempt a day, each when the contact policy allows it.
  if (auto swept = (*store)->SweepTasks(); !swept.ok()) return Fail(run, swept.status());
  auto tasks = (*store)->TaskList(*day, /*all=*/false);
  if (!tasks.ok()) return Fail(run, tasks.status());
  std::vector<TaskLine> follow_ups;
  for (auto& line : *tasks) {
    if (!line.called_today) follow_ups.push_back(std::move(line));
  }
  std::stable_sort(follow_ups.begin(), follow_ups.end(), [](const auto& a, const auto& b) {
    return a.callable && !b.callable;  // those that may be called today first
  });
  if (run.flags.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : calls) out.push_back(model::MessageJson(m));
    for (const auto& line : follow_ups) {
      nlohmann::json task = TaskLineJson(**store, line);
      task["channel"] = "call";
      task["step"] = "follow_up";
      out.push_back(std::move(task));
    }
    run.out << out.dump(2) << "\n";
    return kExitOk;
  }
  PrintList(run, **store, calls, "电话 calls " + day->ToString());
  run.out << "回访 follow-up calls (" << follow_ups.size() << ")\n";
  for (const auto& line : follow_ups) run.out << "  " << TaskText(**store, line) << "\n";
  return kExitOk;
}

int OutreachCommands::RunCallDone(const DeskRun& run) {
  auto staff = RequireStaff(run);
  if (!staff.ok()) return Fail(run, staff.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  auto done = (*store)->RecordCallOutcome(call_, outcome_, *staff);
  if (!done.ok()) return Fail(run, done.status());
  if (run.flags.json) {
    run.out << model::MessageJson(*done).dump(2) << "\n";
  } else {
    run.out << i18n::Format("recorded {0}", {MessageLine(**store, *done)}) << "\n";
  }
  return kExitOk;
}

int OutreachCommands::RunOutreach(const DeskRun& run) {
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  if (outreach_set_->parsed()) {
    auto staff = RequireStaff(run);
    if (!staff.ok()) return Fail(run, staff.status());
    std::ifstream in(settings_file_);
    if (!in) {
      return Fail(run, Status::NotFound(std::string("--file: cannot read '") + settings_file_ + "'")
                           .WithShown(i18n::Format("--file: cannot read '{0}'", {settings_file_}))
                           .WithField("file"));
    }
    std::stringstream text;
    text << in.rdbuf();
    const auto fields = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (fields.is_discarded()) {
      return Fail(run,
                  Status::InvalidInput(std::string("--file: '") + settings_file_ + "' is not JSON")
                      .WithShown(i18n::Format("--file: '{0}' is not JSON", {settings_file_}))
                      .WithField("file"));
    }
    if (Status st = (*store)->SetOutreach(fields, *staff); !st.ok()) return Fail(run, st);
  }
  auto settings = (*store)->Outreach();
  if (!settings.ok()) return Fail(run, settings.status());
  run.out << OutreachSettingsJson(*settings).dump(2) << "\n";
  return kExitOk;
}

int OutreachCommands::RunNotify(const DeskRun& run) {
  auto log_format = ResolveLogFormat(run.flags.log_format);
  if (!log_format.ok()) return Fail(run, log_format.status());
  auto secret = delivery::LoadGatewaySecret(secret_file_);
  if (!secret.ok()) return Fail(run, secret.status());
  delivery::GatewayConfig config;
  config.url = gateway_url_;
  config.secret = std::move(*secret);
  config.timeout_ms = timeout_ms_;
  config.retry.max_attempts = max_attempts_;
  auto client = delivery::WebhookClient::Create(config, run.clock);
  if (!client.ok()) return Fail(run, client.status());
  auto store = OpenStore(run);
  if (!store.ok()) return Fail(run, store.status());
  Notifier notifier(**store, **client, config.retry);
  LogSink sink(run.err, run.clock, log_format.value());
  const Logger log(sink, "notify");
  // A pass sends every due message, each within the timeout: healthy while passes run.
  Metrics metrics(run.clock, std::chrono::milliseconds(
                                 std::max(30'000, 3 * (interval_ms_ + 10 * timeout_ms_))));
  DefineNotifyMetrics(metrics);
  auto metrics_server = StartMetricsServer(metrics_, metrics, Logger(sink, "metrics"));
  if (!metrics_server.ok()) return Fail(run, metrics_server.status());
  std::signal(SIGTERM, OnNotifyStop);
  std::signal(SIGINT, OnNotifyStop);
  Watchdog watchdog;
  if (!once_) {
    NotifyReady();
    NotifyStatus("sending due messages to " + gateway_url_);
  }
  const auto stop_at = std::chrono::steady_clock::now() + std::chrono::seconds(seconds_);
  while (true) {
    metrics.Beat();
    watchdog.MaybePing();
    auto pass = notifier.RunOnce();
    if (!pass.ok()) {
      if (once_) return Fail(run, pass.status());
      log.Error("pass failed", {{"error", pass.status().ToString()}});
    } else {
      CountNotifyPass(*pass, metrics);
      if (once_) {
        // One pass by hand: its summary, as a person reads it.
        run.err << "outpost-edge notify: planned " << pass->plan.planned << ", sent " << pass->sent
                << ", retrying " << pass->retrying << ", dead " << pass->dead << ", held "
                << pass->held << "\n";
      } else if (pass->sent + pass->retrying + pass->dead + pass->held > 0) {
        log.Info("pass", {{"planned", pass->plan.planned},
                          {"sent", pass->sent},
                          {"retrying", pass->retrying},
                          {"dead", pass->dead},
                          {"held", pass->held}});
      }
    }
    if (once_) return kExitOk;
    for (int waited = 0; waited < interval_ms_ && !g_stop.load(); waited += 50) {
      watchdog.MaybePing();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (g_stop.load() || (seconds_ > 0 && std::chrono::steady_clock::now() >= stop_at)) break;
  }
  NotifyStopping();
  log.Info("stopped");
  return kExitOk;
}

}  // namespace outpost::edge::cli
