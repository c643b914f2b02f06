// outpost-edge status: where this store stands with the hub (read only; works
// offline), read through the store: an error reading it is reported, never dropped.
#include <CLI/CLI.hpp>
#include <ostream>

#include "edge/cli/commands.h"
#include "edge/cli/output.h"
#include "edge/sync_client.h"
#include "sync/i18n/messages.h"

namespace outpost::edge::cli {

using nlohmann::json;

StatusCommand::StatusCommand(CLI::App& app) {
  status_ = app.add_subcommand("status", "sync state: online or offline since, changes waiting");
}

bool StatusCommand::parsed() const { return status_->parsed(); }

int StatusCommand::Run(const DeskRun& run) {
  auto store = OpenStore(run);  // applies migrations, checks the file
  if (!store.ok()) return Fail(run, store.status());
  auto state = store.value()->SyncState();
  if (!state.ok()) return Fail(run, state.status());
  auto refused = store.value()->RefusedHubRequests();
  if (!refused.ok()) return Fail(run, refused.status());
  const SyncStatus& s = state.value();
  const std::string site = store.value()->settings().store_id;
  const char* mode = s.offline_since ? "offline" : s.last_contact ? "online" : "never synced";
  if (run.flags.json) {
    run.out << json{{"store_id", site},
                    {"state", mode},
                    {"last_seq", s.last_seq},
                    {"hub_acked_seq", s.hub_acked_seq},
                    {"waiting", s.waiting()},
                    {"log_head", s.log_head},
                    {"last_contact", OptionalJson(s.last_contact)},
                    {"offline_since", OptionalJson(s.offline_since)},
                    {"last_status", OptionalJson(s.last_status)},
                    {"requests_refused", refused.value()}}
                   .dump(2)
            << "\n";
    return kExitOk;
  }
  run.out << site << ": ";
  if (s.offline_since) {
    run.out << i18n::Format("offline since {0}", {store.value()->LocalText(*s.offline_since)});
  } else if (s.last_contact) {
    run.out << i18n::Format("online, last contact {0}",
                            {store.value()->LocalText(*s.last_contact)});
  } else {
    run.out << i18n::Tr("never synced");
  }
  run.out << ", " << i18n::Format("{0} changes waiting", {std::to_string(s.waiting())});
  if (refused.value() > 0) {
    run.out << "; "
            << i18n::Format("{0} call-centre requests refused here",
                            {std::to_string(refused.value())});
  }
  if (s.last_status && *s.last_status != "ok") run.out << " (" << *s.last_status << ")";
  run.out << "\n";
  return kExitOk;
}

}  // namespace outpost::edge::cli
