// outpost-hub's command groups (hub/hub_cli.cc wires them): each registers its
// subcommands on the program's CLI::App in its constructor, says whether one of
// them was parsed, and runs it on an open hub: flags in, `Hub` operations and
// `hub/queries/` called, text or JSON out. No SQL here, and nothing below the
// command line includes this header (CLI11 stays private to outpost_hub_cli).
//
// Exit codes (hub/hub_cli.h): 0 done; 1 usage or bad input; 2 refused; 3 system failure.
// Not thread-safe: one command line runs one command on one thread.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "sync/civil_time.h"
#include "sync/metrics.h"

namespace CLI {
class App;
}

namespace outpost {
class Clock;
class SecretKeys;
}  // namespace outpost

namespace outpost::hub {

class Hub;
class StaffAccounts;

namespace cli {

// The program-wide flags, read by every group after parsing.
struct HubFlags {
  std::string db_path = "hub.db";
  std::string key_path = "HUB.key";
  bool json = false;
  std::string log_format;  // --log-format (daemons), else OUTPOST_LOG_FORMAT, else text
};

// init, allow, deny: the hub database and the stores' keys (keys.cc).
class KeyCommands {
 public:
  KeyCommands(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  // init is the one command that creates the database instead of opening it.
  bool creates() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  const HubFlags& flags_;
  CLI::App* init_ = nullptr;
  CLI::App* allow_ = nullptr;
  CLI::App* deny_ = nullptr;
  std::vector<std::string> pub_paths_;
  std::string deny_store_, deny_staff_, deny_reason_;
};

// migrate-db: a hub copied into a new one and proved (migrate_db.cc). Runs
// before any hub is opened: it opens both ends itself.
class MigrateDbCommand {
 public:
  MigrateDbCommand(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(const SecretKeys& keys, const Clock& clock, std::ostream& out, std::ostream& err);

 private:
  const HubFlags& flags_;
  CLI::App* migrate_ = nullptr;
  std::string from_, to_;
};

// serve: the daemon (serve.cc).
class ServeCommand {
 public:
  ServeCommand(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  const HubFlags& flags_;
  CLI::App* serve_ = nullptr;
  std::string bind_ = "tcp://127.0.0.1:7700";
  int64_t resolve_every_ms_ = 2000;
  MetricsOptions metrics_;
};

// stores, board, digest: what head office knows of each store (stores.cc).
class StoreCommands {
 public:
  StoreCommands(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  int RunStores(Hub& hub, std::ostream& out, std::ostream& err);
  int RunBoard(Hub& hub, std::ostream& out, std::ostream& err);

  const HubFlags& flags_;
  CLI::App* stores_ = nullptr;
  CLI::App* board_ = nullptr;
  CLI::App* digest_ = nullptr;
  std::string store_, date_;
};

// book, cancel, reschedule, requests: the call centre's requests (requests.cc).
class RequestCommands {
 public:
  RequestCommands(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  int RunBook(Hub& hub, std::ostream& out, std::ostream& err);
  int RunChange(Hub& hub, std::ostream& out, std::ostream& err);
  int RunList(Hub& hub, std::ostream& out, std::ostream& err);

  const HubFlags& flags_;
  CLI::App* book_ = nullptr;
  CLI::App* cancel_ = nullptr;
  CLI::App* reschedule_ = nullptr;
  CLI::App* requests_ = nullptr;
  std::string store_, phone_, name_, plate_, date_, slot_, service_, notes_, staff_;
  std::string booking_, reason_;
};

// customers resolve | find | show | why | merge | unmerge (customers.cc).
class CustomerCommands {
 public:
  CustomerCommands(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  int RunResolve(Hub& hub, std::ostream& out, std::ostream& err);
  int RunFind(Hub& hub, std::ostream& out, std::ostream& err);
  int RunShow(Hub& hub, std::ostream& out, std::ostream& err);
  int RunMerge(Hub& hub, std::ostream& out, std::ostream& err);
  int RunUnmerge(Hub& hub, std::ostream& out, std::ostream& err);

  const HubFlags& flags_;
  CLI::App* customers_ = nullptr;
  CLI::App* resolve_ = nullptr;
  CLI::App* find_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* why_ = nullptr;
  CLI::App* merge_ = nullptr;
  CLI::App* unmerge_ = nullptr;
  std::string query_, other_, staff_, note_;
  bool force_ = false;
};

// conflicts list | show | resolve: every store's cases, possible duplicates (cases.cc).
class CaseCommands {
 public:
  CaseCommands(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  int RunList(Hub& hub, std::ostream& out, std::ostream& err);
  int RunShow(Hub& hub, std::ostream& out, std::ostream& err);
  int RunResolve(Hub& hub, std::ostream& out, std::ostream& err);
  int RunResolveDuplicate(Hub& hub, std::ostream& out, std::ostream& err);

  const HubFlags& flags_;
  CLI::App* conflicts_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* resolve_ = nullptr;
  bool all_ = false, merge_ = false, apart_ = false;
  std::string store_, ref_, staff_, note_;
};

// campaigns due | assign | calls | rules show|set, holidays show|set (campaigns.cc).
class CampaignCommands {
 public:
  CampaignCommands(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  int RunAssign(Hub& hub, const LocalDate& date, std::ostream& out, std::ostream& err);
  int RunSettings(Hub& hub, std::ostream& out, std::ostream& err);
  int RunCallDone(Hub& hub, const LocalDate& date, std::ostream& out, std::ostream& err);
  int RunMessages(Hub& hub, std::ostream& out, std::ostream& err);

  const HubFlags& flags_;
  CLI::App* campaigns_ = nullptr;
  CLI::App* messages_ = nullptr;
  CLI::App* policy_ = nullptr;
  CLI::App* policy_show_ = nullptr;
  CLI::App* policy_set_ = nullptr;
  std::string done_key_, outcome_, note_;
  CLI::App* due_ = nullptr;
  CLI::App* assign_ = nullptr;
  CLI::App* calls_ = nullptr;
  CLI::App* rules_ = nullptr;
  CLI::App* rules_show_ = nullptr;
  CLI::App* rules_set_ = nullptr;
  CLI::App* holidays_ = nullptr;
  CLI::App* holidays_show_ = nullptr;
  CLI::App* holidays_set_ = nullptr;
  std::string date_, staff_, file_;
};

// notify --gateway URL --secret-file F: head office's own sender, a process
// of its own like the store's (notify.cc; hub/head_office_contacts.h).
class NotifyCommand {
 public:
  NotifyCommand(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  const HubFlags& flags_;
  CLI::App* notify_ = nullptr;
  std::string gateway_url_, secret_file_, staff_ = "head office sender";
  bool once_ = false;
  int seconds_ = 0;  // 0: until stopped
  int interval_ms_ = 2000;
  int64_t timeout_ms_ = 5000;
  int max_attempts_ = 8;
};

// segments show --customer ID | list [--tier T] [--stage S] | refresh |
// rules show|set: customer segments at head office (segments.cc).
class SegmentCommands {
 public:
  SegmentCommands(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  int RunShow(Hub& hub, std::ostream& out, std::ostream& err);
  int RunList(Hub& hub, std::ostream& out, std::ostream& err);
  int RunRules(Hub& hub, std::ostream& out, std::ostream& err);

  const HubFlags& flags_;
  CLI::App* segments_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* refresh_ = nullptr;
  CLI::App* rules_ = nullptr;
  CLI::App* rules_show_ = nullptr;
  CLI::App* rules_set_ = nullptr;
  std::string customer_, tier_, stage_, staff_, file_;
};

// tasks [--date D]: head office's call-centre queue (tasks.cc; hub/queries/tasks.h);
// tasks --attempt TASK --result R ... --staff S: a call on a store's task
// (hub/task_attempts.h), queued for the store.
class TaskQueueCommand {
 public:
  TaskQueueCommand(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  int RunAttempt(Hub& hub, std::ostream& out, std::ostream& err);
  const HubFlags& flags_;
  CLI::App* tasks_ = nullptr;
  std::string date_;
  // --attempt's call: as typed, checked by hub::QueueTaskCall.
  std::string attempt_, result_, satisfied_, fault_fixed_, items_, next_date_, next_km_, note_,
      outcome_, staff_;
};

// replies --bind HOST:PORT --secret-file F (a process of its own), replies list (replies.cc).
class RepliesCommand {
 public:
  RepliesCommand(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  int RunList(Hub& hub, std::ostream& out, std::ostream& err);

  const HubFlags& flags_;
  CLI::App* replies_ = nullptr;
  CLI::App* list_ = nullptr;
  std::string bind_, secret_file_;
};

// users add|passwd|role|disable|enable|list|audit: the web console's staff
// accounts (users.cc; hub/accounts.h).
class UserCommands {
 public:
  UserCommands(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  int RunList(StaffAccounts& accounts, std::ostream& out, std::ostream& err);
  int RunAudit(StaffAccounts& accounts, std::ostream& out, std::ostream& err);

  const HubFlags& flags_;
  CLI::App* users_ = nullptr;
  CLI::App* add_ = nullptr;
  CLI::App* passwd_ = nullptr;
  CLI::App* role_cmd_ = nullptr;
  CLI::App* disable_ = nullptr;
  CLI::App* enable_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* audit_ = nullptr;
  std::string name_, role_, display_name_, password_file_, reason_, staff_;
  bool password_stdin_ = false;
  int64_t limit_ = 50;
};

// web --bind HOST:PORT [--tls-cert F --tls-key F] [--secure-cookies]
// [--reports-db URL]: the web console, a process of its own beside the
// daemon (web.cc; hub/web/).
class WebCommand {
 public:
  WebCommand(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  const HubFlags& flags_;
  CLI::App* web_ = nullptr;
  std::string bind_ = "127.0.0.1:8443";
  std::string tls_cert_, tls_key_;
  bool secure_cookies_ = false;
  std::string reports_db_;  // --reports-db: the statistics pages read there (a standby)
};

// report month YYYY-MM [--store S] [--format text|html|csv|json]: the
// month-end statistics of every store and the chain (report.cc).
class ReportCommand {
 public:
  ReportCommand(CLI::App& app, const HubFlags& flags);
  bool parsed() const;
  int Run(Hub& hub, std::ostream& out, std::ostream& err);

 private:
  const HubFlags& flags_;
  CLI::App* report_ = nullptr;
  CLI::App* month_ = nullptr;
  std::string month_text_, store_, format_ = "text";
};

}  // namespace cli
}  // namespace outpost::hub
