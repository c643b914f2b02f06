// outpost-hub init | allow | deny: the hub database and the stores' keys.
#include "sync/keys.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "hub/campaigns.h"
#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"
#include "hub/storage/hub_storage.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::cli {

KeyCommands::KeyCommands(CLI::App& app, const HubFlags& flags) : flags_(flags) {
  init_ = app.add_subcommand("init", "create the hub database (refuses an existing file)");
  allow_ = app.add_subcommand(
      "allow", "add stores to the allow-list, rotate their keys, or readmit a denied store");
  allow_->add_option("pub", pub_paths_, "store public key files (SITE.pub)")->required();
  deny_ = app.add_subcommand(
      "deny", "shut a store's key out at once (its log stays; allow a new key to readmit it)");
  deny_->add_option("store", deny_store_, "the store id")->required();
  deny_->add_option("--staff", deny_staff_, "who denies it")->required();
  deny_->add_option("--reason", deny_reason_, "why (a stolen laptop, a leaked key)")->required();
}

bool KeyCommands::parsed() const { return init_->parsed() || allow_->parsed() || deny_->parsed(); }

bool KeyCommands::creates() const { return init_->parsed(); }

int KeyCommands::Run(Hub& hub, std::ostream& out, std::ostream& err) {
  if (init_->parsed()) {
    auto version = hub.SchemaVersion();
    out << i18n::Format(
               "created hub database {0} (schema {1}); next: outpost-hub --db {0} --key {2}"
               " allow STORE.pub",
               {storage::ShownLocation(flags_.db_path),
                std::to_string(version.ok() ? version.value() : 0), flags_.key_path})
        << "\n";
    return 0;
  }
  if (allow_->parsed()) {
    for (const auto& path : pub_paths_) {
      auto pub = LoadPublicKeys(path);
      Status st = pub.ok() ? hub.AllowStore(pub.value()) : pub.status();
      if (!st.ok()) return Fail(st, err);
      out << i18n::Format("allowed {0} (key {1})", {pub->site_id, pub->KeyId()}) << "\n";
    }
    // A store allowed after head office set the chain's holiday calendar is
    // sent it now, not at the next change.
    auto calendar = SendHolidayCalendarToNewStores(hub);
    if (!calendar.ok()) return Fail(calendar.status(), err);
    for (const auto& q : calendar.value()) {
      out << i18n::Format("holiday calendar queued to {0} as request {1}",
                          {q.site, std::to_string(q.seq)})
          << "\n";
    }
    return 0;
  }
  Status st = hub.DenyStore(deny_store_, deny_staff_, deny_reason_);
  if (!st.ok()) return Fail(st, err);
  out << i18n::Format(
             "denied {0}: its key is refused from its next message on (its log and"
             " data stay); to readmit it: outpost keygen --site {0} --force, then"
             " outpost-hub allow {0}.pub",
             {deny_store_})
      << "\n";
  return 0;
}

}  // namespace outpost::hub::cli
