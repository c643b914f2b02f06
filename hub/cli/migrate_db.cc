// outpost-hub migrate-db --from hub.db --to postgresql://...: the command line
// over hub/migrate_db.h. Runs without --db: it names both ends itself.
#include "hub/migrate_db.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "sync/cli/progress.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::cli {

MigrateDbCommand::MigrateDbCommand(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  migrate_ = app.add_subcommand(
      "migrate-db", "copy a hub into a new, empty one (SQLite file or PostgreSQL) and prove it");
  migrate_->add_option("--from", from_, "the hub to copy: its file or postgresql:// URL")
      ->required();
  migrate_
      ->add_option("--to", to_,
                   "the new hub: a file that does not exist, or an empty"
                   " PostgreSQL database's URL")
      ->required();
}

bool MigrateDbCommand::parsed() const { return migrate_->parsed(); }

int MigrateDbCommand::Run(const SecretKeys& keys, const Clock& clock, std::ostream& out,
                          std::ostream& err) {
  outpost::cli::Progress progress(err, outpost::cli::ProgressWanted(flags_.json), "tables");
  auto report = MigrateHub(
      from_, to_, keys, clock, [&](const std::string&, int64_t, size_t done, size_t total) {
        progress.Update(static_cast<int64_t>(done), static_cast<int64_t>(total));
      });
  progress.Finish();
  if (!report.ok()) return Fail(report.status(), err);
  if (flags_.json) {
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& t : report->tables) {
      tables.push_back({{"table", t.table}, {"rows", t.rows}, {"digest", t.digest_hex}});
    }
    out << nlohmann::json{{"tables", tables},
                          {"rows", report->rows},
                          {"state_digest", report->state_digest},
                          {"verified", true}}
               .dump(2)
        << "\n";
    return 0;
  }
  out << i18n::Format(
             "copied {0} rows in {1} tables; every table's digest and the state digest"
             " ({2}) are equal on both sides",
             {std::to_string(report->rows), std::to_string(report->tables.size()),
              report->state_digest})
      << "\n";
  return 0;
}

}  // namespace outpost::hub::cli
