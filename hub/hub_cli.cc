#include "hub/hub_cli.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "hub/cli/commands.h"
#include "hub/hub.h"
#include "hub/storage/hub_storage.h"
#include "sync/cli/config_file.h"
#include "sync/cli/parse.h"
#include "sync/cli/program.h"
#include "sync/envelope.h"
#include "sync/i18n/messages.h"

namespace outpost::hub {

// Wires the command groups (hub/cli/commands.h): parses (the configuration
// file beneath the flags, sync/cli/config_file.h), loads the hub's key
// and clock, opens (or, for init, creates) the database and runs the one
// command parsed. Each group holds its own flags and output.
int RunHubCli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"outpost-hub: head office daemon and queries."};
  app.require_subcommand(1);
  app.fallthrough();
  cli::HubFlags flags;
  app.add_option("--db", flags.db_path,
                 "hub database: a file (SQLite) or a postgresql:// URL (docs/POSTGRES.md)")
      ->capture_default_str();
  app.add_option("--key", flags.key_path, "the hub's secret key file")->capture_default_str();
  app.add_flag("--json", flags.json, "machine-readable output");
  app.add_option("--log-format", flags.log_format,
                 "daemons: text or json (env OUTPOST_LOG_FORMAT)");
  cli::KeyCommands keys_commands(app, flags);
  cli::ServeCommand serve_command(app, flags);
  cli::StoreCommands store_commands(app, flags);
  cli::RequestCommands request_commands(app, flags);
  cli::CustomerCommands customer_commands(app, flags);
  cli::CaseCommands case_commands(app, flags);
  cli::CampaignCommands campaign_commands(app, flags);
  cli::RepliesCommand replies_command(app, flags);
  cli::NotifyCommand notify_command(app, flags);
  cli::TaskQueueCommand task_queue_command(app, flags);
  cli::SegmentCommands segment_commands(app, flags);
  cli::UserCommands user_commands(app, flags);
  cli::WebCommand web_command(app, flags);
  cli::ReportCommand report_command(app, flags);
  cli::MigrateDbCommand migrate_db_command(app, flags);
  outpost::cli::AddProgramCommands(app, "outpost-hub", outpost::cli::Schemas::kHub);
  outpost::cli::ProgramConfig config(app, "outpost-hub", "/etc/outpost/hub.toml");
  if (auto done = config.Parse(argc, argv, out, err)) return *done;

  // Only init creates a database: a mistyped --db must not become an empty hub.
  // (A PostgreSQL database is asked by the storage whether it holds a hub.)
  const bool creates = keys_commands.creates();
  std::error_code missing;
  if (!creates && !migrate_db_command.parsed() && !storage::IsDatabaseUrl(flags.db_path) &&
      !std::filesystem::exists(flags.db_path, missing)) {
    err << outpost::i18n::Format(
               "{0}: no database at {1}; create one with: {0} --db {1} --key {2} init",
               {"outpost-hub", flags.db_path, flags.key_path})
        << "\n";
    return 1;
  }
  auto keys = LoadSecretKeys(flags.key_path);
  if (!keys.ok()) {
    err << "outpost-hub: " << keys.status().ShownString() << "\n";
    return ExitCodeFor(keys.status());
  }
  // OUTPOST_NOW pins the hub's clock (drills and tests, like the desk's); never set in production.
  auto clock_owner = ClockFromEnvironment();
  if (!clock_owner.ok()) {
    err << "outpost-hub: " << clock_owner.status().ShownString() << "\n";
    return 1;
  }
  const Clock& clock = *clock_owner.value();
  if (migrate_db_command.parsed()) return migrate_db_command.Run(keys.value(), clock, out, err);
  auto hub = creates ? Hub::Create(flags.db_path, keys.value(), clock)
                     : Hub::Open(flags.db_path, keys.value(), clock);
  if (!hub.ok()) {
    err << "outpost-hub: " << hub.status().ShownString() << "\n";
    return ExitCodeFor(hub.status());
  }
  Hub& opened = *hub.value();
  if (keys_commands.parsed()) return keys_commands.Run(opened, out, err);
  if (serve_command.parsed()) return serve_command.Run(opened, out, err);
  if (store_commands.parsed()) return store_commands.Run(opened, out, err);
  if (request_commands.parsed()) return request_commands.Run(opened, out, err);
  if (customer_commands.parsed()) return customer_commands.Run(opened, out, err);
  if (case_commands.parsed()) return case_commands.Run(opened, out, err);
  if (campaign_commands.parsed()) return campaign_commands.Run(opened, out, err);
  if (replies_command.parsed()) return replies_command.Run(opened, out, err);
  if (notify_command.parsed()) return notify_command.Run(opened, out, err);
  if (task_queue_command.parsed()) return task_queue_command.Run(opened, out, err);
  if (segment_commands.parsed()) return segment_commands.Run(opened, out, err);
  if (user_commands.parsed()) return user_commands.Run(opened, out, err);
  if (web_command.parsed()) return web_command.Run(opened, out, err);
  if (report_command.parsed()) return report_command.Run(opened, out, err);
  return 1;
}

}  // namespace outpost::hub
