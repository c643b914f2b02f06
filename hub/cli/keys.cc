// outpost-hub init | allow | deny: the hub database and the stores' keys.
#include "sync/keys.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "hub/campaigns.h"
#include "hub/cli/commands.h"
#include "hub/cli/output.h"
#include "hub/hub.h"

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
    out << "created hub database " << flags_.db_path << " (schema "
        << (version.ok() ? version.value() : 0) << "); next: outpost-hub --db " << flags_.db_path
        << " --key " << flags_.key_path << " allow STORE.pub\n";
    return 0;
  }
  if (allow_->parsed()) {
    for (const auto& path : pub_paths_) {
      auto pub = LoadPublicKeys(path);
      Status st = pub.ok() ? hub.AllowStore(pub.value()) : pub.status();
      if (!st.ok()) return Fail(st, err);
      out << "allowed " << pub->site_id << " (key " << pub->KeyId() << ")\n";
    }
    // A store allowed after head office set the chain's holiday calendar is
    // sent it now, not at the next change.
    auto calendar = SendHolidayCalendarToNewStores(hub);
    if (!calendar.ok()) return Fail(calendar.status(), err);
    for (const auto& q : calendar.value()) {
      out << "holiday calendar queued to " << q.site << " as request " << q.seq << "\n";
    }
    return 0;
  }
  Status st = hub.DenyStore(deny_store_, deny_staff_, deny_reason_);
  if (!st.ok()) return Fail(st, err);
  out << "denied " << deny_store_ << ": its key is refused from its next message on (its log"
      << " and data stay); to readmit it: outpost keygen --site " << deny_store_
      << " --force, then outpost-hub allow " << deny_store_ << ".pub\n";
  return 0;
}

}  // namespace outpost::hub::cli
