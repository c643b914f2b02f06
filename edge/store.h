// Store: one branch store's booking database and the rules it books by.
//
// A Store owns one SQLite file (WAL, synchronous=FULL). Every mutating call is
// one IMMEDIATE transaction: the rule checks (slot capacity, one booking per
// vehicle per slot) and the writes happen under the database write lock, so
// two desk terminals racing for the last place cannot both win; and a call
// that returned ok has been fsynced, so a booking acknowledged to staff
// survives a crash or power cut. A call that fails writes nothing.
//
// All person-typed input arrives raw (phones as typed, dates as strings) and is
// validated here, so every caller gets the same errors. Thread-compatible: one
// Store per thread or process; several processes may share one file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "edge/bookings.h"
#include "edge/cases.h"
#include "edge/change_writer.h"
#include "edge/customers.h"
#include "edge/outreach.h"
#include "sync/booking_rules.h"
#include "sync/civil_time.h"
#include "sync/clock.h"
#include "sync/kpi/month_report.h"
#include "sync/lifecycle.h"
#include "sync/merge.h"
#include "sync/model/booking.h"
#include "sync/model/case.h"
#include "sync/model/customer.h"
#include "sync/model/request.h"
#include "sync/model/task.h"
#include "sync/sqlite.h"
#include "sync/status.h"
#include "sync/store_calendar.h"

namespace outpost::edge {

// Settings and the slot grid are shared with head office (sync/store_calendar.h).
using outpost::SlotSpec;
using outpost::StoreSettings;

struct BookingRequest {
  // Who: a customer id (or unique prefix), phone, plate or member id.
  std::string customer;
  // When `customer` matches nobody, create this customer in the same transaction.
  std::optional<NewCustomer> create_customer;
  NewVehicle vehicle;  // plate/VIN of the customer's vehicle; added if new
  std::string service = "maintenance";
  std::string date;  // "YYYY-MM-DD", store local
  std::string time;  // "HH:MM", a slot of the grid
  std::string channel = "phone";
  std::string notes;
  std::string staff;
  // Who prepares the visit (edge/prep.h): empty, not assigned yet.
  std::string advisor, bay, team;
  // Set for a request made at head office: recorded in the booking's transaction,
  // and a request already applied returns its booking instead of booking twice.
  std::optional<int64_t> hub_request_seq;

  // Made away from the desk and already promised to the customer (call centre,
  // paper form): a full slot or a duplicate opens a conflict case instead of
  // refusing, and notice and perks are judged as of `requested_at`.
  bool promised = false;
  std::string requested_at;  // business time, UTC text; empty: now
  std::string source;        // names the origin in cases: "call-centre request 7"
  std::optional<std::string> form_id;
  std::optional<std::string> import_batch;
};

// What became of a promised booking.
struct BookOutcome {
  Booking booking;                 // the booking made or, for a duplicate, the one already there
  bool duplicate = false;          // the same booking was in the system already: not doubled
  std::vector<std::string> cases;  // refs of the conflict cases it opened
};

// Head office asking to cancel or move one of this store's bookings (the call
// centre, on the customer's word), delivered like its bookings.
struct HeadOfficeChange {
  int64_t seq = 0;      // the hub's request seq for this store
  std::string kind;     // "cancel", "reschedule" or "resolve-case"
  std::string booking;  // the booking's id (or ref); resolve-case: the case's ref
  // resolve-case: `reason` is the resolution.
  std::string date, time;  // reschedule: the slot promised to the customer
  std::string reason;
  std::string staff;         // who at head office, e.g. "call centre: CC Li"
  std::string requested_at;  // business time: when the customer asked (UTC text)
};

// What the store made of it. "applied": done (or it was so already);
// "overruled": what happened at the store stands, and a case says so.
struct HeadOfficeOutcome {
  std::string outcome;
  std::string detail;
  std::optional<std::string> case_ref;
  std::optional<Booking> booking;  // the booking cancelled, or the one it was moved to
};

struct BoardSlot {
  std::string time;
  int capacity = 0;
  int free = 0;
  std::vector<Booking> bookings;  // those holding a place, in booking order
};

struct Board {
  std::string date;
  bool open = true;
  std::string closed_reason;
  std::vector<BoardSlot> slots;
  std::vector<Booking> released;          // cancelled, no-show, rescheduled that day
  std::vector<Booking> needs_reschedule;  // lost their place in an over-full slot
};

struct SyncStatus;   // edge/sync_client.h
struct HeldProfile;  // edge/profiles.h
struct HubLink;      // edge/profiles.h
// The waitlist's types (edge/waitlist.h).
struct WaitlistEntry;
struct WaitlistRequest;
struct WaitlistOfferOptions;
struct WaitlistRun;
// Assignment and the preparation list (edge/prep.h).
struct Assignment;
struct PrepList;
// The store's own service-due invitations (edge/invitations.h).
struct DueInvitation;
struct InvitationRun;
// Follow-up tasks (edge/tasks.h).
struct NewTask;
struct TaskAttemptInput;
struct TaskSweep;
struct TaskLine;
struct ComplaintClose;
struct NewPurchase;
struct PurchaseRecord;

class Store {
 public:
  // Creates a new store database at `path`; refuses if one is there already.
  static Result<std::unique_ptr<Store>> Create(const std::string& path,
                                               const StoreSettings& settings, const Clock& clock);
  // Opens an existing store database, applying any newer migrations.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const Clock& clock);

  const StoreSettings& settings() const { return settings_; }
  const TimeZone& time_zone() const { return zone_; }
  const Clock& clock() const { return clock_; }
  // A stored UTC timestamp as the store's wall clock: "2026-11-24 08:10".
  std::string LocalText(const std::string& utc) const;
  // Today's date in the store's time zone.
  LocalDate Today() const;

  // Closes a date ("stocktaking"); logged as a change of the store's calendar,
  // so head office checks call-centre requests against it.
  Status AddClosedDate(const std::string& date, const std::string& reason,
                       const std::string& staff);
  // For a copy built from a log (replay): the dates as the source held them,
  // not a new statement, so nothing is logged.
  Status RestoreClosedDates(const std::vector<std::pair<std::string, std::string>>& closed);
  Result<std::vector<std::pair<std::string, std::string>>> ClosedDates();
  // The settings, slot grid and closed dates as the tables hold them.
  Result<StoreCalendar> Calendar();
  // Logs the calendar (entity "store") when the log holds none yet: a store
  // made before settings travelled to head office. Called by sync before it
  // sends, so head office always knows the calendar of a store it hears from.
  Status LogCalendarIfUnlogged();

  Result<Customer> AddCustomer(const NewCustomer& customer, const NewVehicle& vehicle,
                               const std::string& staff);
  Result<Vehicle> AddVehicle(const std::string& customer, const NewVehicle& vehicle,
                             const std::string& staff);
  // Consent changes (opt-in, do-not-disturb) and added phones, in one transaction.
  Result<Customer> UpdateCustomer(const std::string& customer, const CustomerUpdate& update,
                                  const std::string& staff);
  // Finds by phone (any format), plate, member id, id prefix, or name substring.
  Result<std::vector<Customer>> FindCustomers(const std::string& query);
  // Exactly one customer for an id, unique id prefix, phone, plate or member id.
  Result<Customer> ResolveCustomer(const std::string& query);

  // A booking's refusal of its input names the field it is about
  // (Status::field()): "staff", "channel", "service", "notes", "date", "slot",
  // "requested_at", "customer", and from the customer and vehicle it records
  // "name", "phone", "member_id", "plate", "vin", "vehicle", "mileage".
  Result<Booking> Book(const BookingRequest& request);
  // A booking already promised (request.promised): never refused for a full
  // slot or a duplicate; opens conflict cases instead. Own transaction.
  // Book and BookPromised refuse a request from head office (hub_request_seq
  // set, field "hub_request_seq"): BookForHeadOffice books those.
  Result<BookOutcome> BookPromised(const BookingRequest& request);
  // A booking head office asked for (hub_request_seq set, promised), answered
  // once: a request answered before returns the booking it made (or is
  // refused again, with the earlier reason); else the booking rules run and
  // the answer (booked, or already booked) is recorded with the booking, in
  // one transaction. The sync client's entry point.
  Result<BookOutcome> BookForHeadOffice(const BookingRequest& request);

  // For batch callers (paper import): runs `body` in one write transaction and
  // commits only when `commit` is set and every step succeeded; a dry run sees
  // exactly what a commit would do, then rolls back.
  Status InTransaction(bool commit, const std::function<Status()>& body);
  // Inside InTransaction: one promised booking under a savepoint, so a refused
  // one leaves nothing behind while the others stay.
  Result<BookOutcome> BookPromisedInTransaction(const BookingRequest& request);
  // Inside InTransaction, after BookPromisedInTransaction: which booking the
  // paper form request.form_id became (or, a duplicate, was already), so the
  // form is imported once. The paper import's bookkeeping (edge/paper_book.h).
  Status RecordPaperForm(const BookingRequest& request, const BookOutcome& out);
  // Inside InTransaction: the booking a paper form was imported as, if it was.
  Result<std::optional<std::pair<std::string, std::string>>> PaperFormImported(
      const std::string& form_id);  // (import batch, booking ref)
  // Inside InTransaction: records a committed import and its report.
  Status RecordPaperImport(const std::string& batch_id, const std::string& file_name,
                           const std::string& file_digest, const std::string& operator_name,
                           const std::string& report_json);
  // An earlier import of the same file bytes, if any: (batch id, imported at).
  Result<std::optional<std::pair<std::string, std::string>>> FindPaperImport(
      const std::string& file_digest);

  // Reserves `count` pre-printed paper form numbers for the sheet of `day`;
  // returns the first. Numbers are never handed out twice.
  Result<int> ReserveFormNumbers(const LocalDate& day, int count);

  // Conflict cases, newest first; `open_only` hides resolved ones.
  Result<std::vector<ConflictCase>> Cases(bool open_only);
  // By ref ("C-261124-1") or id.
  Result<ConflictCase> GetCase(const std::string& ref);
  // Closes a case with staff's note. Refused while a booking of the case still
  // needs rescheduling, unless `keep` (staff squeeze it in: its flag is cleared).
  Result<ConflictCase> ResolveCase(const std::string& ref, const std::string& resolution, bool keep,
                                   const std::string& staff);
  Result<Booking> Confirm(const std::string& booking, const std::string& staff);
  Result<Booking> CheckIn(const std::string& booking, const std::string& staff);
  Result<Booking> StartService(const std::string& booking, const std::string& staff);
  // `amount_fen`: what the visit was worth (fen), recorded with the
  // completion; refused (field "amount", nothing written) outside
  // 0..model::kMaxAmountFen.
  Result<Booking> Complete(const std::string& booking, const std::string& staff,
                           std::optional<int64_t> amount_fen = std::nullopt);
  Result<Booking> Cancel(const std::string& booking, const std::string& reason,
                         const std::string& staff);
  Result<Booking> NoShow(const std::string& booking, const std::string& staff);
  // Returns the new booking; the old one becomes 'rescheduled' and links to it.
  Result<Booking> Reschedule(const std::string& booking, const std::string& date,
                             const std::string& time, const std::string& reason,
                             const std::string& staff);

  // Applies head office's cancel or move of a booking once (a repeat returns
  // the first outcome). What physically happened at the store wins: a booking
  // already checked in, in service, completed, marked no-show or moved here is
  // not changed; the request is recorded as overruled and a
  // contradicting-status case names the customer to call. Own transaction.
  Result<HeadOfficeOutcome> ApplyHeadOfficeChange(const HeadOfficeChange& change);
  // Records that head office's request `seq` could not be booked, and why.
  Status RecordHubRequestRefused(int64_t seq, const std::string& reason,
                                 const std::string& kind = "book");
  // The newest head-office request this store has answered (booked or refused).
  Result<int64_t> LastHubRequest();

  // A booking by ref ("261124-3"), id, or unique id prefix.
  Result<Booking> GetBooking(const std::string& booking);
  // The bookings a desk step names (confirm, check-in, cancel, no-show): a
  // ref or id names its booking as GetBooking does; anything else is read as
  // a phone or plate, whole or as staff type part of it ("8000", "京A12"),
  // among today's bookings on the store's calendar that are not final. Only
  // the best matches: a whole phone or plate, else those ending with the
  // query, else those containing it. Empty when none matches.
  Result<std::vector<Booking>> BookingsNamedAtDesk(const std::string& query);
  Result<std::vector<HistoryEntry>> History(const std::string& booking_id);
  Result<std::vector<Booking>> CustomerBookings(const std::string& customer_id);
  Result<Board> DayBoard(const std::string& date);

  // ---- Reads for the command lines (edge/store_reads.cc) ----
  // What the desk shows beyond the store's rules, read on the store's own
  // connection, so the desk never opens a second one and every error reaches
  // the caller. Callers include the header named for each type.
  // Where this store stands with the hub (SyncStatus: edge/sync_client.h).
  Result<SyncStatus> SyncState();
  // How many call-centre requests this store refused.
  Result<int64_t> RefusedHubRequests();
  // Head office's profile of one of this store's customers, if one is held
  // (HeldProfile: edge/profiles.h); works offline.
  Result<std::optional<HeldProfile>> CustomerProfile(const std::string& customer_id);
  // The hub link `sync` last ran with (HubLink: edge/profiles.h), which the
  // desk's walk-in look-ups reuse; and remembering it (sync, on start).
  Result<std::optional<HubLink>> SavedHubLink();
  Status SaveHubLink(const HubLink& link);
  // ---- end of reads for the command lines ----

  // ---- Outreach (edge/store_outreach.cc, docs/OUTREACH.md) ----
  // The store's contact policy and reminder steps (the chain's defaults until set).
  Result<OutreachSettings> Outreach();
  // Sets them from {"policy": ..., "steps": [...]}; logged (entity "outreach").
  Status SetOutreach(const nlohmann::json& fields, const std::string& staff);
  // One planning pass: the steps now within reach of every booking still
  // wanted are planned once (id = idempotency key's), steps booked too late
  // for are recorded as skipped, and pending ones whose booking was cancelled
  // or moved are cancelled with the reason. One transaction.
  Result<PlanReport> PlanOutreach();
  // Pending messages and call tasks due now.
  Result<std::vector<model::Message>> MessagesDue();
  // Clears one message with the contact policy as known now, in one
  // transaction: cancelled (booking changed), dropped or delayed (with the
  // policy's reason), or its attempt logged as "sending" and returned to be
  // handed to the gateway. Nothing for calls and messages no longer pending.
  Result<std::optional<SendTicket>> BeginSend(const std::string& message_id);
  // Records the gateway's answer to the attempt BeginSend began.
  Status FinishSend(const std::string& message_id, const SendResult& result);
  // A call task's outcome ("reached", "no-answer", "busy", "wrong-number",
  // "empty-number", "refused"), by id or its last digits.
  Result<model::Message> RecordCallOutcome(const std::string& message, const std::string& outcome,
                                           const std::string& staff);
  // Messages and calls due on `day` (the store's local day), by due time.
  Result<std::vector<model::Message>> MessagesOn(const LocalDate& day);
  // The message telling a waiting customer of the place held for them (step
  // "waitlist_offer", due now, never after the hold ends); once per entry and
  // offered place. Nothing when the entry holds no offer.
  Result<std::optional<model::Message>> PlanWaitlistOfferMessage(const WaitlistEntry& entry);
  // Head office's outreach requests (docs/OUTREACH.md, "The new request
  // kinds"): "invite" plans the invitation as a message (once per customer,
  // car and due date), "opt-out" records the opt-out on every record here
  // with the phone, "holidays" takes the chain's calendar. Answered once, as
  // "applied" with what was done, in the same transaction. Own transaction.
  Status ApplyHeadOfficeOutreach(int64_t seq, const model::HeadOfficeRequest& request);
  // ---- end of outreach ----

  // ---- The waitlist (edge/store_waitlist.cc; types in edge/waitlist.h) ----
  // Customers waiting for a place in a date range; freed places are offered
  // by tier, then waiting time (model::WaitlistOrder), each held for a while;
  // a booking is made only through the booking rules (BookLocked). Each call
  // is one transaction writing each entry with its "waitlist" change.
  // Puts a customer on the list. A refusal names its field: "staff",
  // "service", "tier", "date_from", "date_to", "preferred_times", "customer",
  // "vehicle".
  Result<WaitlistEntry> AddToWaitlist(const WaitlistRequest& request);
  // In offer order; `open_only`: waiting and offered entries.
  Result<std::vector<WaitlistEntry>> Waitlist(bool open_only);
  // By id, unique id prefix or its last digits as shown.
  Result<WaitlistEntry> GetWaitlistEntry(const std::string& entry);
  // Ends the holds that ran out ("expired"), then gives each free place (the
  // board's free places less those held by open offers, still bookable now)
  // to the first waiting entry in offer order whose range and preferred times
  // it fits: an auto-book entry is booked at once (channel phone, staff
  // "waitlist"), any other is offered it until now + hold time. An entry gets
  // at most one place per run; one holding an offer is passed over.
  Result<WaitlistRun> OfferFreedPlaces(const WaitlistOfferOptions& options);
  // The customer said yes: books the held place through the booking rules.
  // Refused, writing nothing, when the entry holds no offer or its hold ran
  // out. When the rules refuse the booking (the place was taken meanwhile),
  // the entry goes back to waiting (that is committed) and the refusal is
  // returned with the rules' reason and field.
  Result<WaitlistEntry> AcceptOffer(const std::string& entry, const std::string& staff);
  // The customer said no: the entry leaves the list ("declined"); the place
  // goes to the next entry at the next offer run.
  Result<WaitlistEntry> DeclineOffer(const std::string& entry, const std::string& reason,
                                     const std::string& staff);
  // The customer no longer waits (a waiting or offered entry).
  Result<WaitlistEntry> CancelEntry(const std::string& entry, const std::string& reason,
                                    const std::string& staff);
  // ---- end of the waitlist ----

  // ---- Assignment and the preparation list (edge/store_prep.cc; edge/prep.h) ----
  // Sets a booking's advisor, bay and/or team (the others kept), logged as an
  // update of the booking with its history row, in one transaction. Refused,
  // writing nothing: a booking that is final (field "status"), an empty
  // value or nothing given (field "advisor", "bay" or "team"), values it
  // holds already (the first such field).
  Result<Booking> Assign(const std::string& booking, const Assignment& assignment,
                         const std::string& staff);
  // The preparation list of `date` (YYYY-MM-DD, today, tomorrow or +N): every
  // booking holding a place that day, in slot order, with its vehicle, parts
  // note and assignment, phones masked, and counts per advisor. Read only.
  Result<PrepList> Preparation(const std::string& date);
  // ---- end of assignment and the preparation list ----

  // ---- The store's own invitations (edge/store_invitations.cc; edge/invitations.h) ----
  // Who is due for a service-due invitation on `day` (invite date on or
  // before it), from this store's data alone (works cut off from head
  // office): per vehicle, or per customer and service kind without one, the
  // last completed visit here, the logged odometer readings, the rule of the
  // service's kind (DefaultServiceRules, ServiceKindOf), and the contact
  // policy's decision as the store knows it. Each says whether a message
  // holds its key already, and why it would not be planned. Read only.
  Result<std::vector<DueInvitation>> DueInvitations(const LocalDate& day);
  // Plans each invitation of DueInvitations(day) in state "plan" as a
  // message (InvitationMessage; the same key as head office's "invite"), once
  // per key, in one transaction; returns what it planned and what it skipped.
  Result<InvitationRun> PlanDueInvitations(const LocalDate& day, const std::string& staff);
  // ---- end of the store's own invitations ----

  // ---- Follow-up tasks (edge/store_tasks.cc; edge/tasks.h, docs/FOLLOWUP.md) ----
  // Each call is one transaction writing each task with its "task" change.
  // A completed booking gets an after_service task (due the 3 days after the
  // visit) and a no-show a no_show task (the day and the 2 after), owned by
  // the booking's advisor or else whoever recorded it, once per booking:
  // both are made inside Complete and NoShow's transaction.
  // Adds a task by hand. A refusal names its field: "kind", "customer",
  // "booking", "due", "owner", "note", "staff"; the same kind for the same
  // booking twice is refused (field "booking").
  Result<model::Task> AddTask(const NewTask& request);
  // Records one call of an open task (by id or its last digits). Checked
  // whole before anything is written (model::CheckTaskAttempt; a closed task:
  // field "task"). reached or refused closes it (done, outcome the result);
  // wrong_number or empty_number marks the customer's first phone not yet
  // doubtful as doubtful (logged on the customer). A reached call with
  // satisfied no opens a complaint in the same transaction (OpenComplaint-
  // Locked): kind complaint, the items, owned by input.complaint_owner or the
  // booking's advisor or the staff recording, deadline input.complaint_due
  // or kComplaintDays on (fields "complaint_owner", "complaint_due").
  Result<model::Task> RecordTaskAttempt(const std::string& task, const TaskAttemptInput& input);
  // Closes an open complaint: a resolution and the customer's confirmation
  // or a supervisor's override with its reason (model::CheckComplaintClose;
  // fields "resolution", "confirmation", "override_by", "reason"); a task
  // that is not an open complaint: field "task". Nothing written on refusal.
  Result<model::Task> CloseComplaint(const std::string& task, const ComplaintClose& close);
  // The customer's open complaints, oldest first (the desk warns). Read only.
  Result<std::vector<model::Task>> OpenComplaints(const std::string& customer_id);
  // The loops, by the store's clock: an open no_show task whose customer
  // booked again since it was made is done ("rebooked"); one still open
  // after its last day is returned to head office (owner head_office). An
  // open complaint past its deadline is escalated: owner head_office,
  // escalated_at set, still open (it closes by the same rules).
  // It also makes the care calls of the dates on customers and vehicles and
  // cancels those whose date changed (SweepCareTasksLocked).
  Result<TaskSweep> SweepTasks();
  // Open tasks due on `day` or overdue (`all`: every task, any status),
  // soonest last day first, each with its customer and the contact policy's
  // answer for a call that day (a call, or a follow-up call for the
  // care and invitation kinds, which count as marketing). Read only.
  Result<std::vector<TaskLine>> TaskList(const LocalDate& day, bool all);
  // A task by id or its last digits. Read only.
  Result<model::Task> GetTask(const std::string& task);
  // A purchase (edge/store_care_tasks.cc; `outpost-edge purchase`): the
  // vehicle (by plate or VIN; added to the customer if new) gets its logged
  // purchased_on, and the after_purchase call (the 3 days after) and the
  // run_in reminder (days 18 to 21 after) are made once each, keyed by the
  // vehicle, in one transaction. A refusal names its field: "staff",
  // "customer", "plate", "vin", "vehicle" (none given, another customer's, or
  // a purchase recorded already), "on" (not a date, or after today).
  Result<PurchaseRecord> RecordPurchase(const NewPurchase& purchase);
  // Head office's call on one of this store's tasks (request kind
  // "task-attempt", edge/store_task_requests.cc, docs/FOLLOWUP.md "Head
  // office and the store on one task"): in one transaction with its answer,
  // the call is added to the task's attempts in time order whatever the
  // task's status (AddTaskAttemptLocked), and answered "applied"; answered
  // once per seq. A task not here, or a call that does not fit it (the same
  // checks as the desk's), is an error the sync client answers as refused.
  Status ApplyHeadOfficeTaskAttempt(int64_t seq, const model::HeadOfficeRequest& request);
  // ---- end of follow-up tasks ----

  // ---- month-end statistics (docs/KPI.md; edge/store_report.cc) ----
  // The month's facts ("YYYY-MM", the store's local days) read from this
  // store's own tables: bookings, marketing messages sent or called, task
  // calls and complaints. A bad month is InvalidInput naming "month". Read only.
  Result<kpi::MonthFacts> MonthFacts(const std::string& month);
  // The month's figures from MonthFacts (sync/kpi/month_report.h). Read only.
  Result<kpi::MonthReport> MonthReport(const std::string& month);

 private:
  Store(std::unique_ptr<Db> db, const Clock& clock)
      : db_(std::move(db)),
        clock_(clock),
        log_(*db_, clock),
        customers_(*db_, clock, log_, settings_) {}
  Status LoadSettings();
  // Writes and logs the outreach settings whole. In a transaction.
  Status WriteOutreachLocked(const OutreachSettings& settings, const std::string& staff);
  // ApplyHeadOfficeOutreach's kinds; each returns what it did, in words.
  Result<std::string> PlanInvitationLocked(int64_t seq, const model::HeadOfficeRequest& request);
  // An "invite" carrying head office's own contact: recorded as done under
  // `key`, standing in for this store's own invitation if still pending.
  Result<std::string> RecordHeadOfficeContactLocked(const model::HeadOfficeRequest& request,
                                                    const std::string& key,
                                                    std::optional<model::Message> existing);
  Result<std::string> RecordOptOutLocked(const model::HeadOfficeRequest& request);
  // Plans the steps of one booking not planned yet; returns (planned, skipped).
  Result<std::pair<int, int>> PlanBookingLocked(const Booking& b, const OutreachSettings& config,
                                                int64_t now_ms);
  // Cancels pending message `m` when its booking is no longer wanted or was
  // moved (its key is not among the booking's steps now); true if it did.
  Result<bool> VoidIfBookingChangedLocked(model::Message& m, const OutreachSettings& config,
                                          const std::string& now);
  // Logs the store's answer to head-office request `seq` (entity "request",
  // id "<store>:<seq>") where no booking or case change carries it. In a transaction.
  Status LogRequestAnswerLocked(int64_t seq, const std::string& kind, const std::string& outcome,
                                const std::string& reason,
                                const std::optional<std::string>& booking_id,
                                const std::string& received_at);
  // The task an event of `b` makes (after_service, no_show), once per
  // booking: nothing when its key holds one already. In a transaction.
  Status OpenEventTaskLocked(const Booking& b, const std::string& kind, const std::string& staff);
  // The complaint a dissatisfied answer on `source`'s last call opens, once
  // per source task (key "store/complaint/<source id>").
  Status OpenComplaintLocked(const model::Task& source, const std::string& owner,
                             const LocalDate& deadline, const std::string& staff);
  // Adds `attempt` to `task` in time order (model::MergeTaskAttempt; an
  // equal attempt there already adds nothing), even to a task closed
  // meanwhile: the task's outcome is the earliest completing attempt's; a
  // dissatisfied answer opens the complaint; answers of the two sites that
  // contradict open one "task-conflict" case; a task closed here without a
  // call (rebooked) keeps its outcome, and a call saying otherwise opens the
  // case too. Returns what was done, in
  // words. In a transaction.
  Result<std::string> AddTaskAttemptLocked(model::Task& task, const model::TaskAttempt& attempt,
                                           const std::string& staff, const std::string& source);
  // The "task_conflict" case of `task` (once per task), naming both answers.
  Result<std::string> OpenTaskConflictCaseLocked(const model::Task& task,
                                                 const model::TaskAttempt& first,
                                                 const model::TaskAttempt& second,
                                                 const std::string& source);
  // Escalates each open complaint past its deadline (SweepTasks).
  Status EscalateComplaintsLocked(TaskSweep& sweep);
  // Care calls from dates (edge/store_care_tasks.cc, SweepTasks): each
  // birthday, inspection and insurance occasion whose window holds today gets
  // its task once, for customers opted in to calls; an open one whose date
  // changed since is cancelled with the reason.
  Status SweepCareTasksLocked(TaskSweep& sweep);
  Status SweepBirthdaysLocked(TaskSweep& sweep, const outreach::HolidayCalendar& holidays);
  Status SweepVehicleDatesLocked(TaskSweep& sweep, const outreach::HolidayCalendar& holidays);
  // Opens the care task of one occasion (kind, customer, vehicle, the
  // window) unless its key has one (any status): once per occasion.
  Status CareOccasionLocked(TaskSweep& sweep, const std::string& kind, const Customer& c,
                            const std::optional<std::string>& vehicle_id,
                            const std::string& occasion, LocalDate due_from, LocalDate due_by,
                            const std::string& why);
  // Cancels the open tasks of `kind` about `subject` (key prefix) whose
  // occasion (the key's last part) is not `still_valid`; `why` names the change.
  Status CancelStaleCareLocked(TaskSweep& sweep, const std::string& kind,
                               const std::string& subject,
                               const std::function<bool(const std::string&)>& still_valid,
                               const std::string& why);
  // Whether a care call may be made at all: not do-not-disturb, and opted
  // in to calls (care calls are marketing), as the store and head office's
  // profile know it.
  Result<bool> CareCallAllowed(const Customer& c);
  // Appends the calendar as the tables now hold it to the log. In a transaction.
  Status RecordCalendarLocked(const std::string& staff);
  // Validates date/time against grid, calendar and notice as of `as_of_ms`
  // (now, or when a promised booking was asked for); returns the slot's capacity.
  Result<int> CheckSlotLocked(const LocalDate& date, const LocalTime& time, Channel channel,
                              int64_t as_of_ms);
  // The booking rules inside the caller's transaction: the request checked,
  // then BookByRulesLocked. What the request's origin keeps of it is recorded
  // by that origin's entry point (BookForHeadOffice: head office's answer;
  // the paper import: RecordPaperForm).
  Result<BookOutcome> BookLocked(const BookingRequest& request);
  struct CheckedRequest;
  // The request's fields checked and cleaned; nothing read or written.
  Result<CheckedRequest> CheckRequest(const BookingRequest& request) const;
  // The booking rules: customer and vehicle, the slot, the same visit booked
  // twice, placement and, for a promised booking, cases and slot settlement.
  Result<BookOutcome> BookByRulesLocked(const BookingRequest& request, const CheckedRequest& r);
  // Records head office's request as booked (or as already booked: a duplicate).
  Status AnswerBookingRequestLocked(const BookingRequest& request, const BookOutcome& out,
                                    const std::string& at);
  // The case for one visit asked for by two channels (kept once).
  Result<std::string> OpenSameVisitCaseLocked(const Customer& customer, const Booking& existing,
                                              const Booking& b, const CheckedRequest& r);
  // The case for two bookings the same day by different channels, if there are.
  Result<std::optional<std::string>> OpenSameDayCaseLocked(const Customer& customer,
                                                           const Booking& b,
                                                           const CheckedRequest& r);
  // Over-full slot: decides deterministically which bookings keep their place,
  // flags the others and opens one case naming whom to call. Returns its ref.
  Result<std::optional<std::string>> SettleSlotLocked(const std::string& date,
                                                      const std::string& time, int capacity,
                                                      const std::string& source,
                                                      const std::string& staff);
  Result<std::string> OpenCaseLocked(ConflictCase c);
  Result<ConflictCase> LoadCase(const std::string& ref);
  Result<Booking> InsertBookingLocked(Booking booking, const std::string& action,
                                      const std::string& reason);
  // Checks the slot has a place for `booking`, decides its perks, gives it a
  // desk ref and writes it with its history row.
  // A promised booking skips the capacity check (its caller settles the slot).
  Result<Booking> PlaceBookingLocked(Booking booking, int capacity, int64_t now_ms,
                                     const std::string& reason, bool promised = false);
  Result<RuleSettings> Rules() const;
  Result<Booking> LoadBooking(const std::string& booking);
  Result<Booking> Transition(const std::string& booking, BookingStatus to,
                             const std::string& action, const std::string& reason,
                             const std::string& staff,
                             std::optional<int64_t> amount_fen = std::nullopt);
  // A status change of `b` in the caller's transaction; `hub_request_seq`,
  // when set, is logged with it (the head-office request it applies), and
  // `amount_fen` (a completion's worth) likewise.
  Status TransitionLocked(const Booking& b, BookingStatus to, const std::string& action,
                          const std::string& reason, const std::string& staff,
                          std::optional<int64_t> hub_request_seq,
                          std::optional<int64_t> amount_fen = std::nullopt);
  // Reschedule() in the caller's transaction; a promised move is kept even in
  // a full slot, which is then settled (its case in the outcome).
  Result<BookOutcome> RescheduleLocked(const Booking& old, const LocalDate& date,
                                       const LocalTime& time, const std::string& reason,
                                       const std::string& staff, bool promised,
                                       const std::string& source,
                                       std::optional<int64_t> hub_request_seq);
  // Logs that a booking lost (true) or was given back (false) its place in an
  // over-full slot; the caller writes the row.
  Status LogNeedsRescheduleLocked(const std::string& booking_id, bool needs_reschedule,
                                  const std::string& now, const std::string& staff);
  // ResolveCase() in the caller's transaction; `hub_request_seq` as for TransitionLocked.
  Status ResolveCaseLocked(const ConflictCase& c, const std::string& resolution, bool keep,
                           const std::string& staff, std::optional<int64_t> hub_request_seq);
  Status AppendHistoryLocked(const std::string& booking_id, const std::string& staff,
                             const std::string& action, std::optional<BookingStatus> from,
                             BookingStatus to, const std::string& changes_json,
                             const std::string& reason);
  std::string Now() const;
  // The waitlist's steps inside a transaction (edge/store_waitlist.cc); a
  // member, so it reaches the connection, log and booking rules.
  struct WaitlistOps;

  std::unique_ptr<Db> db_;
  const Clock& clock_;
  // Every change this store makes is logged through it, in the row's transaction.
  ChangeWriter log_;
  StoreSettings settings_;
  TimeZone zone_;
  Customers customers_;  // reads settings_ (phone region, store id) as loaded
};

}  // namespace outpost::edge
