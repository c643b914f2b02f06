// outpost-edge's command groups (edge/desk.cc wires them): each registers its
// subcommands on the program's CLI::App in its constructor, says whether one of
// them was parsed, and runs it: flags in, `Store` operations and reads called,
// text or JSON out. No SQL here, and nothing below the command line includes
// this header (CLI11 stays private to outpost_edge_cli).
//
// Exit codes (edge/desk.h): 0 done; 1 usage error or bad input (nothing
// written); 2 refused by a business rule (nothing written); 3 storage or system failure.
// Not thread-safe: one command line runs one command on one thread.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "edge/paper.h"
#include "edge/store.h"
#include "edge/tasks.h"
#include "sync/clock.h"
#include "sync/metrics.h"

namespace CLI {
class App;
}

namespace outpost::edge::cli {

// The program-wide flags, read by every group after parsing.
struct DeskFlags {
  std::string db_path;  // --db, else OUTPOST_DB, else store.db
  std::string staff;    // --staff, else OUTPOST_STAFF
  bool json = false;
  std::string log_format;  // --log-format (daemons), else OUTPOST_LOG_FORMAT, else text
};

// What every group's Run is given: the flags, the desk's one clock, the streams.
struct DeskRun {
  const DeskFlags& flags;
  const Clock& clock;
  std::ostream& out;
  std::ostream& err;
};

// init, config, close: the store database and its calendar (setup.cc).
class SetupCommands {
 public:
  explicit SetupCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  int RunInit(const DeskRun& run);
  int RunConfig(const DeskRun& run);
  int RunClose(const DeskRun& run);

  CLI::App* init_ = nullptr;
  CLI::App* config_ = nullptr;
  CLI::App* close_ = nullptr;
  StoreSettings settings_;
  std::string slots_text_, capacity_text_, close_date_, close_reason_;
};

// customer add | find | show | lookup | update, vehicle add (customers.cc).
class CustomerCommands {
 public:
  explicit CustomerCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  void AddCustomerFlags(CLI::App& customer);
  int RunAdd(const DeskRun& run);
  int RunFind(const DeskRun& run);
  int RunShow(const DeskRun& run);
  int RunLookup(const DeskRun& run);
  int RunUpdate(const DeskRun& run);
  int RunVehicleAdd(const DeskRun& run);
  int RunPurchase(const DeskRun& run);

  CLI::App* customer_ = nullptr;
  CLI::App* add_ = nullptr;
  CLI::App* find_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* lookup_ = nullptr;
  CLI::App* update_ = nullptr;
  CLI::App* vehicle_add_ = nullptr;
  NewCustomer new_customer_;
  NewVehicle new_vehicle_;
  std::optional<int64_t> mileage_;
  std::vector<std::string> add_channels_, update_channels_;
  std::string query_, lookup_hub_, lookup_hub_key_, lookup_key_;
  int lookup_timeout_ms_ = 1500;
  CustomerUpdate customer_update_;
  bool opt_in_ = false, opt_out_ = false, dnd_ = false, allow_contact_ = false;
  // purchase --customer C (--plate P | --vin V) [--on D] (docs/FOLLOWUP.md).
  CLI::App* purchase_ = nullptr;
  NewPurchase purchase_input_;
};

// book, board, booking show, and the lifecycle steps confirm ... reschedule (booking.cc).
class BookingCommands {
 public:
  explicit BookingCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  // One lifecycle step: its subcommand, what the desk says it did, the call.
  struct Step {
    CLI::App* sub = nullptr;
    std::string verb;  // in the staff's language
    Result<Booking> (*call)(Store&, const BookingCommands&, const std::string& staff) = nullptr;
    // Takes a phone or plate of one of today's bookings as well as a ref.
    bool named_at_desk = false;
  };
  // The ref of the one booking `booking_ref_` names at the desk (a ref, or a
  // phone or plate of today's bookings); when several match, lists them.
  Result<std::string> DeskBookingRef(const DeskRun& run, Store& store) const;
  void AddSteps(CLI::App& app);
  int RunBook(const DeskRun& run);
  int RunBoard(const DeskRun& run);
  int RunShow(const DeskRun& run);
  int RunStep(const DeskRun& run, const Step& step);

  CLI::App* book_ = nullptr;
  CLI::App* board_ = nullptr;
  CLI::App* show_ = nullptr;
  std::vector<Step> steps_;
  BookingRequest request_;
  std::optional<int64_t> mileage_;
  std::string phone_, name_, board_date_ = "today", booking_ref_, reason_, new_date_, new_slot_;
  std::string amount_;  // complete --amount: yuan as typed, parsed by model::ParseAmountYuan
};

// conflicts list | show | resolve: this store's cases (cases.cc).
class CaseCommands {
 public:
  explicit CaseCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  int RunList(const DeskRun& run);
  int RunShow(const DeskRun& run);
  int RunResolve(const DeskRun& run);

  CLI::App* conflicts_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* resolve_ = nullptr;
  bool all_ = false, keep_ = false;
  std::string ref_, resolution_;
};

// paper print | template | import: the outage fallback (paper.cc).
class PaperCommands {
 public:
  explicit PaperCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  int RunPrint(const DeskRun& run);
  int RunImport(const DeskRun& run);

  CLI::App* paper_ = nullptr;
  CLI::App* print_ = nullptr;
  CLI::App* template_ = nullptr;
  CLI::App* import_ = nullptr;
  PrintOptions print_options_;
  ImportOptions import_options_;
  std::string print_out_, report_html_;
};

// sync: the store's sync process, never the desk's (sync.cc).
class SyncCommand {
 public:
  explicit SyncCommand(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  CLI::App* sync_ = nullptr;
  std::string hub_endpoint_, hub_key_path_, key_path_;
  bool once_ = false;
  int seconds_ = 0, reply_timeout_ms_ = 2000;
  MetricsOptions metrics_;
};

// status: where this store stands with the hub; read only, works offline (status.cc).
class StatusCommand {
 public:
  explicit StatusCommand(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  CLI::App* status_ = nullptr;
};

// messages, calls [done], notify, outreach show|set: the store reaching out
// (outreach.cc, docs/OUTREACH.md).
class OutreachCommands {
 public:
  explicit OutreachCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  int RunMessages(const DeskRun& run);
  int RunCalls(const DeskRun& run);
  int RunCallDone(const DeskRun& run);
  int RunNotify(const DeskRun& run);
  int RunOutreach(const DeskRun& run);

  CLI::App* messages_ = nullptr;
  CLI::App* calls_ = nullptr;
  CLI::App* call_done_ = nullptr;
  CLI::App* notify_ = nullptr;
  CLI::App* outreach_ = nullptr;
  CLI::App* outreach_set_ = nullptr;
  std::string date_ = "today", call_, outcome_, settings_file_;
  std::string gateway_url_, secret_file_;
  MetricsOptions metrics_;
  bool once_ = false;
  int seconds_ = 0, interval_ms_ = 5000, timeout_ms_ = 5000, max_attempts_ = 8;
};

// tasks [list] | add | attempt | sweep: the store's follow-up calls (tasks.cc;
// the Store's tasks, edge/tasks.h, docs/FOLLOWUP.md).
class TaskCommands {
 public:
  explicit TaskCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  int RunList(const DeskRun& run);
  int RunAdd(const DeskRun& run);
  int RunAttempt(const DeskRun& run);
  int RunSweep(const DeskRun& run);
  int RunClose(const DeskRun& run);

  CLI::App* tasks_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* add_ = nullptr;
  CLI::App* attempt_ = nullptr;
  CLI::App* sweep_ = nullptr;
  CLI::App* close_ = nullptr;
  bool all_ = false, customer_confirmed_ = false;
  std::string kind_, customer_, booking_, due_, owner_, note_, task_, result_;
  std::string complaint_owner_, complaint_due_, resolution_, override_by_, reason_;
  std::optional<std::string> satisfied_, fault_fixed_, next_service_;
  std::optional<int64_t> next_km_;
  std::vector<std::string> items_;
};

// waitlist add | list | offer | accept | decline | cancel: customers waiting
// for a freed place (waitlist.cc; the Store's waitlist, edge/waitlist.h).
class WaitlistCommands {
 public:
  explicit WaitlistCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  int RunAdd(const DeskRun& run);
  int RunList(const DeskRun& run);
  int RunOffer(const DeskRun& run);
  // accept, decline, cancel: one entry's answer.
  int RunAnswer(const DeskRun& run);

  CLI::App* waitlist_ = nullptr;
  CLI::App* add_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* offer_ = nullptr;
  CLI::App* accept_ = nullptr;
  CLI::App* decline_ = nullptr;
  CLI::App* cancel_ = nullptr;
  std::string customer_, vehicle_, service_ = "maintenance", from_, to_, tier_, note_;
  std::vector<std::string> times_;
  bool auto_book_ = false, all_ = false;
  int hold_minutes_ = 120;
  std::string entry_, reason_;
};

// assign, prep: who prepares each visit, and the day-before preparation list
// for the workshop supervisor (prep.cc; the Store's, edge/prep.h;
// docs/OUTREACH.md, "Assignment and the preparation list").
class PrepCommands {
 public:
  explicit PrepCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  int RunAssign(const DeskRun& run);
  int RunPrep(const DeskRun& run);

  CLI::App* assign_ = nullptr;
  CLI::App* prep_ = nullptr;
  std::string booking_, advisor_, bay_, team_, date_ = "tomorrow";
  bool advisor_given_ = false, bay_given_ = false, team_given_ = false;
};

// invitations [plan]: the store's own service-due invitations, listed or
// planned as messages and call tasks (invitations.cc; the Store's,
// edge/invitations.h; docs/OUTREACH.md).
class InvitationCommands {
 public:
  explicit InvitationCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  int RunPlan(const DeskRun& run, Store& store, const LocalDate& day);

  CLI::App* invitations_ = nullptr;
  CLI::App* plan_ = nullptr;
  std::string date_ = "today";
};

// report month YYYY-MM [--format text|json|csv]: the store's month-end
// statistics, read only, offline (report.cc; docs/KPI.md).
class ReportCommands {
 public:
  explicit ReportCommands(CLI::App& app);
  bool parsed() const;
  int Run(const DeskRun& run);

 private:
  CLI::App* report_ = nullptr;
  CLI::App* month_ = nullptr;
  std::string month_text_;
  std::string format_ = "text";
};

}  // namespace outpost::edge::cli
