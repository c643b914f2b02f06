#include "edge/desk.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "edge/cli/commands.h"
#include "sync/cli/config_file.h"
#include "sync/cli/parse.h"
#include "sync/cli/program.h"
#include "sync/i18n/messages.h"

namespace outpost::edge {

// Wires the command groups (edge/cli/commands.h): the desk's clock, the
// program-wide flags, parsing with the configuration file beneath the flags
// (sync/cli/config_file.h), then the one command parsed. Each group holds its
// own flags and output.
int RunDesk(int argc, char** argv, std::ostream& out, std::ostream& err) {
  cli::DeskFlags flags{"store.db", "", false};
  // OUTPOST_NOW pins the desk clock (drills, demos and tests); never set at a real desk.
  auto clock = ClockFromEnvironment();
  if (!clock.ok()) {
    err << "outpost-edge: " << clock.status().ShownString() << "\n";
    return ExitCodeFor(clock.status());
  }

  CLI::App app{"outpost-edge: a branch store's booking desk; works with no network."};
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--db", flags.db_path, "store database file (env OUTPOST_DB)")
      ->envname("OUTPOST_DB");
  app.add_option("--staff", flags.staff, "who is at the desk (env OUTPOST_STAFF)")
      ->envname("OUTPOST_STAFF");
  app.add_flag("--json", flags.json, "machine-readable output");
  app.add_option("--log-format", flags.log_format,
                 "daemons: text or json (env OUTPOST_LOG_FORMAT)");
  cli::SetupCommands setup(app);
  cli::CustomerCommands customers(app);
  cli::BookingCommands bookings(app);
  cli::SyncCommand sync(app);
  cli::CaseCommands cases(app);
  cli::PaperCommands paper(app);
  cli::StatusCommand status(app);
  cli::OutreachCommands outreach(app);
  cli::WaitlistCommands waitlist(app);
  cli::PrepCommands prep(app);
  cli::InvitationCommands invitations(app);
  cli::TaskCommands tasks(app);
  cli::ReportCommands report(app);
  outpost::cli::AddProgramCommands(app, "outpost-edge", outpost::cli::Schemas::kEdge);
  outpost::cli::ProgramConfig config(app, "outpost-edge", "/etc/outpost/edge.toml");
  if (auto done = config.Parse(argc, argv, out, err)) return *done;

  // Only init creates a database: a mistyped --db must not become an empty store.
  std::error_code missing;
  const bool creates = app.get_subcommand("init")->parsed();
  if (!creates && !std::filesystem::exists(flags.db_path, missing)) {
    err << outpost::i18n::Format(
               "{0}: no database at {1}; create one with: {0} --db {1} init --store-id ID --name "
               "NAME",
               {"outpost-edge", flags.db_path})
        << "\n";
    return 1;
  }

  const cli::DeskRun run{flags, *clock.value(), out, err};
  if (setup.parsed()) return setup.Run(run);
  if (customers.parsed()) return customers.Run(run);
  if (bookings.parsed()) return bookings.Run(run);
  if (sync.parsed()) return sync.Run(run);
  if (cases.parsed()) return cases.Run(run);
  if (paper.parsed()) return paper.Run(run);
  if (status.parsed()) return status.Run(run);
  if (outreach.parsed()) return outreach.Run(run);
  if (waitlist.parsed()) return waitlist.Run(run);
  if (prep.parsed()) return prep.Run(run);
  if (invitations.parsed()) return invitations.Run(run);
  if (tasks.parsed()) return tasks.Run(run);
  if (report.parsed()) return report.Run(run);
  err << "outpost-edge: " << i18n::Tr("usage: name a subcommand (try --help)") << "\n";
  return 1;
}

}  // namespace outpost::edge
