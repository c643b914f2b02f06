// Conflict cases at the store, the settling of over-full slots, and the
// transaction hooks batch callers (paper import) build on. Part of Store.
#include "edge/cases.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "edge/day_counters.h"
#include "edge/hub_requests.h"
#include "edge/paper_book.h"
#include "edge/store.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/normalize.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

constexpr const char* kCaseColumns =
    "id, ref, store_id, kind, slot_date, slot_time, booking_ids, contacts, summary, source,"
    " opened_at, opened_by, status, resolved_at, resolved_by, resolution";

ConflictCase ReadCase(const Statement& st) {
  ConflictCase c;
  c.id = st.Text(0);
  c.ref = st.Text(1);
  c.store_id = st.Text(2);
  c.kind = st.Text(3);
  c.slot_date = st.OptionalText(4);
  c.slot_time = st.OptionalText(5);
  json ids = json::parse(st.Text(6), nullptr, false);
  if (ids.is_array()) {
    for (const auto& id : ids) {
      if (id.is_string()) c.booking_ids.push_back(id.get<std::string>());
    }
  }
  // Written by this store through the same codec; damaged, it shows no contacts.
  auto contacts = model::ParseCaseContacts(json::parse(st.Text(7), nullptr, false));
  if (contacts.ok()) c.contacts = std::move(contacts.value());
  c.summary = st.Text(8);
  c.source = st.Text(9);
  c.opened_at = st.Text(10);
  c.opened_by = st.Text(11);
  c.status = st.Text(12);
  c.resolved_at = st.OptionalText(13);
  c.resolved_by = st.OptionalText(14);
  c.resolution = st.OptionalText(15);
  return c;
}

// N of a booking ref "YYMMDD-N". A store numbers the bookings of a day in the
// order it enters them, and every booking of a slot has a ref of the slot's
// day; anything else reads as 0.
int64_t RefNumber(const std::string& ref) {
  const size_t dash = ref.rfind('-');
  int64_t n = 0;
  if (dash == std::string::npos) return 0;
  const char* end = ref.data() + ref.size();
  if (std::from_chars(ref.data() + dash + 1, end, n).ptr != end) return 0;
  return n;
}

}  // namespace

Result<std::string> Store::OpenCaseLocked(ConflictCase c) {
  const int64_t now_ms = clock_.NowMs();
  const LocalDate today = zone_.UtcToLocal(now_ms).date;
  ASSIGN_OR_RETURN(c.ref, NextCaseRef(*db_, today));
  c.id = NewIdAt(settings_.store_id, now_ms);
  c.store_id = settings_.store_id;
  c.opened_at = FormatUtcMs(now_ms);
  c.status = "open";
  RETURN_IF_ERROR(InsertCaseRow(*db_, c));
  RETURN_IF_ERROR(
      log_.Record("case", c.id, "insert", model::CaseInsertFields(c).dump(), c.opened_by));
  return c.ref;
}

Status Store::LogNeedsRescheduleLocked(const std::string& booking_id, bool needs_reschedule,
                                       const std::string& now, const std::string& staff) {
  model::BookingUpdate logged;
  logged.needs_reschedule = needs_reschedule;
  logged.updated_at = now;
  return log_.Record("booking", booking_id, "update", model::BookingUpdateFields(logged).dump(),
                     staff);
}

Result<std::optional<std::string>> Store::SettleSlotLocked(const std::string& date,
                                                           const std::string& time, int capacity,
                                                           const std::string& source,
                                                           const std::string& staff) {
  using Holder = SlotHolder;
  // Every active booking of the slot. Those already told to move (an earlier
  // overflow of this slot) stay told, whatever arrives now: they are not in
  // the contest for the places again, but they are still in the slot and
  // still to be called, so the summary counts and names them.
  ASSIGN_OR_RETURN(std::vector<Holder> all, SlotHolders(*db_, date, time));
  std::vector<Holder> holders, already_moving;
  for (auto& h : all) (h.needs_reschedule ? already_moving : holders).push_back(std::move(h));
  if (static_cast<int>(holders.size()) <= capacity) return std::optional<std::string>();

  // Who keeps the place, the same on every replica: those physically here,
  // then whoever was promised first (business time), then whoever this store
  // entered first (the ref's number), then the id. Forms of one import
  // entered in the same instant so keep their row order, and a dry run, which
  // numbers them as its commit will, names the same bookings to move (random
  // ids would not).
  std::sort(holders.begin(), holders.end(), [](const Holder& a, const Holder& b) {
    const bool pa = VisitHappened(a.status), pb = VisitHappened(b.status);
    if (pa != pb) return pa;
    if (a.requested_at != b.requested_at) return a.requested_at < b.requested_at;
    const int64_t na = RefNumber(a.ref), nb = RefNumber(b.ref);
    if (na != nb) return na < nb;
    return a.id < b.id;
  });
  std::vector<const Holder*> kept, moved;
  for (const auto& h : holders) {
    (static_cast<int>(kept.size()) < capacity || VisitHappened(h.status) ? kept : moved)
        .push_back(&h);
  }
  // One open case per over-full slot: a later overflow adds to it.
  ASSIGN_OR_RETURN(std::optional<std::string> open_id, OpenOverCapacityCase(*db_, date, time));
  std::optional<ConflictCase> existing;
  if (open_id) {
    ASSIGN_OR_RETURN(existing, LoadCase(*open_id));
  }
  ConflictCase c;
  c.kind = "over-capacity";
  c.slot_date = date;
  c.slot_time = time;
  if (existing) c.booking_ids = existing->booking_ids;
  for (const auto* group : {&already_moving, &holders}) {
    for (const auto& h : *group) {
      if (std::find(c.booking_ids.begin(), c.booking_ids.end(), h.id) == c.booking_ids.end()) {
        c.booking_ids.push_back(h.id);
      }
    }
  }
  if (existing) c.contacts = existing->contacts;
  std::string kept_refs, moved_refs;
  for (const Holder* h : kept) kept_refs += (kept_refs.empty() ? "" : ", ") + h->ref;
  for (const Holder& h : already_moving) {
    moved_refs += moved_refs.empty() ? "" : ", ";
    moved_refs += h.ref;
    const bool listed = std::any_of(c.contacts.begin(), c.contacts.end(),
                                    [&h](const CaseContact& x) { return x.booking_ref == h.ref; });
    if (!listed) {  // not on the call list of the open case: put it there, never forgotten
      c.contacts.push_back(
          {h.customer_id, h.name, h.phone, h.ref,
           "still needs another slot than " + date + " " + time + ": offer another slot"});
    }
  }
  for (const Holder* h : moved) {
    moved_refs += moved_refs.empty() ? "" : ", ";
    moved_refs += h->ref;
    c.contacts.push_back({h->customer_id, h->name, h->phone, h->ref,
                          "lost the place at " + date + " " + time + " (" + h->channel +
                              " booking, asked " + LocalText(h->requested_at) +
                              "; others were promised first): offer another slot"});
  }
  // Counted: every booking still in the slot, the ones already told to move included.
  const size_t in_slot = holders.size() + already_moving.size();
  c.summary = "slot " + date + " " + time + " has " + std::to_string(in_slot) + " bookings for " +
              std::to_string(capacity) + " places: kept " + kept_refs +
              (moved_refs.empty() ? "; nobody can be moved (all are here)"
                                  : "; to reschedule " + moved_refs);
  c.source = source;
  c.opened_by = staff;
  std::string ref;
  if (existing) {
    ref = existing->ref;
    RETURN_IF_ERROR(UpdateCaseCallList(*db_, existing->id, c));
    model::CaseUpdate settled;
    settled.booking_ids = c.booking_ids;
    settled.contacts = c.contacts;
    settled.summary = c.summary;
    RETURN_IF_ERROR(log_.Record("case", existing->id, "update",
                                model::CaseUpdateFields(settled).dump(), staff));
  } else {
    ASSIGN_OR_RETURN(ref, OpenCaseLocked(std::move(c)));
  }

  const std::string now = Now();
  for (const Holder* h : moved) {
    RETURN_IF_ERROR(SetNeedsReschedule(*db_, h->id, true, now));
    RETURN_IF_ERROR(AppendHistoryLocked(h->id, staff, "needs-reschedule", h->status, h->status,
                                        json{{"needs_reschedule", {false, true}}}.dump(),
                                        "slot over capacity: case " + ref));
    RETURN_IF_ERROR(LogNeedsRescheduleLocked(h->id, true, now, staff));
  }
  return std::optional<std::string>(ref);
}

Result<ConflictCase> Store::LoadCase(const std::string& ref) { return FindCase(*db_, ref); }

Result<ConflictCase> Store::GetCase(const std::string& ref) { return LoadCase(ref); }

Result<std::vector<ConflictCase>> Store::Cases(bool open_only) {
  return CasesNewestFirst(*db_, open_only);
}

Result<ConflictCase> Store::ResolveCase(const std::string& ref, const std::string& resolution_text,
                                        bool keep, const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff, CleanText("staff", staff_text, 60, true));
  ASSIGN_OR_RETURN(std::string resolution,
                   CleanText("resolution", resolution_text, 500, /*required=*/true));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(ConflictCase c, LoadCase(ref));
  RETURN_IF_ERROR(ResolveCaseLocked(c, resolution, keep, staff, std::nullopt));
  RETURN_IF_ERROR(tx->Commit());
  return LoadCase(c.id);
}

Status Store::ResolveCaseLocked(const ConflictCase& c, const std::string& resolution, bool keep,
                                const std::string& staff, std::optional<int64_t> hub_request_seq) {
  if (c.status == "resolved") {
    return Status::Refused("case " + c.ref + " was resolved at " + c.resolved_at.value_or("?") +
                           " by " + c.resolved_by.value_or("?") + ": " + c.resolution.value_or(""))
        .WithShown(i18n::Format("case {0} was resolved at {1} by {2}: {3}",
                                {c.ref, c.resolved_at.value_or("?"), c.resolved_by.value_or("?"),
                                 c.resolution.value_or("")}));
  }
  const std::string now = Now();
  std::vector<std::pair<std::string, std::string>> pending;  // (id, ref) still to move
  for (const auto& id : c.booking_ids) {
    ASSIGN_OR_RETURN(std::optional<std::string> ref, RefIfStillToMove(*db_, id));
    if (ref) pending.emplace_back(id, std::move(*ref));
  }
  if (!pending.empty() && !keep) {
    std::string refs;
    for (const auto& p : pending) refs += (refs.empty() ? "" : ", ") + p.second;
    return Status::Refused("case " + c.ref + ": booking " + refs +
                           " still needs rescheduling; reschedule or cancel it, or resolve with"
                           " --keep to give it a place over capacity")
        .WithShown(
            i18n::Format("case {0}: booking {1} still needs rescheduling; reschedule or cancel it, "
                         "or resolve with --keep to give it a place over capacity",
                         {c.ref, refs}));
  }
  for (const auto& [id, booking_ref] : pending) {
    ASSIGN_OR_RETURN(Booking b, LoadBooking(id));
    RETURN_IF_ERROR(SetNeedsReschedule(*db_, id, false, now));
    RETURN_IF_ERROR(AppendHistoryLocked(id, staff, "keep", b.status, b.status,
                                        json{{"needs_reschedule", {true, false}}}.dump(),
                                        "kept over capacity: case " + c.ref));
    RETURN_IF_ERROR(LogNeedsRescheduleLocked(id, false, now, staff));
  }
  RETURN_IF_ERROR(MarkCaseResolved(*db_, c.id, now, staff, resolution));
  model::CaseUpdate resolved;
  resolved.status = "resolved";
  resolved.resolved_at = now;
  resolved.resolved_by = staff;
  resolved.resolution = resolution;
  resolved.hub_request_seq = hub_request_seq;
  return log_.Record("case", c.id, "update", model::CaseUpdateFields(resolved).dump(), staff);
}

Result<BookOutcome> Store::BookForHeadOffice(const BookingRequest& request) {
  if (!request.hub_request_seq || !request.promised) {
    return Status::InvalidInput("BookForHeadOffice: not a promised head office request");
  }
  const int64_t seq = *request.hub_request_seq;
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  // Answered before: the same answer, never a second booking.
  ASSIGN_OR_RETURN(std::optional<RequestAnswerRow> seen, FindRequestAnswer(*db_, seq));
  if (seen) {
    if (seen->outcome != "booked") {
      return Status::Refused("head office request " + std::to_string(seq) +
                             " was refused earlier: " + seen->reason.value_or(""))
          .WithShown(i18n::Format("head office request {0} was refused earlier: {1}",
                                  {std::to_string(seq), seen->reason.value_or("")}));
    }
    ASSIGN_OR_RETURN(Booking earlier, LoadBooking(seen->booking_id.value_or("")));
    return BookOutcome{std::move(earlier), false, {}};
  }
  ASSIGN_OR_RETURN(BookOutcome out, BookLocked(request));
  RETURN_IF_ERROR(AnswerBookingRequestLocked(request, out, Now()));
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

Result<HeadOfficeOutcome> Store::ApplyHeadOfficeChange(const HeadOfficeChange& change) {
  if (change.kind != "cancel" && change.kind != "reschedule" && change.kind != "resolve-case") {
    return Status::InvalidInput("head office request " + std::to_string(change.seq) +
                                ": unknown kind '" + change.kind + "'")
        .WithShown(i18n::Format("head office request {0}: unknown kind '{1}'",
                                {std::to_string(change.seq), change.kind}));
  }
  ASSIGN_OR_RETURN(std::string staff, CleanText("staff", change.staff, 60, true));
  ASSIGN_OR_RETURN(std::string reason, CleanText("reason", change.reason, 200, false));
  if (reason.empty())
    reason = change.kind == "cancel" ? "cancelled by the call centre" : "moved by the call centre";
  std::optional<LocalDate> date;
  std::optional<LocalTime> time;
  if (change.kind == "reschedule") {
    auto d = LocalDate::Parse(change.date);
    if (!d.ok()) {
      return Status::InvalidInput("date: '" + change.date + "' is not YYYY-MM-DD")
          .WithShown(i18n::Format("date: '{0}' is not YYYY-MM-DD", {change.date}));
    }
    auto t = LocalTime::Parse(change.time);
    if (!t.ok()) {
      return Status::InvalidInput("slot: '" + change.time + "' is not HH:MM")
          .WithShown(i18n::Format("slot: '{0}' is not HH:MM", {change.time}));
    }
    date = d.value();
    time = t.value();
  }
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  {
    ASSIGN_OR_RETURN(std::optional<RequestAnswerRow> seen, FindRequestAnswer(*db_, change.seq));
    if (seen) {
      HeadOfficeOutcome earlier{seen->outcome, seen->reason.value_or(""), seen->case_ref,
                                std::nullopt};
      if (const auto& id = seen->booking_id) {
        ASSIGN_OR_RETURN(Booking b, LoadBooking(*id));
        earlier.booking = std::move(b);
      }
      return earlier;
    }
  }
  const std::string source = "call-centre request " + std::to_string(change.seq);
  const std::optional<int64_t> request_seq = change.seq;
  if (change.kind == "resolve-case") {
    // Head office handled a case (called the customer): it closes like staff
    // closing it here, refused while a booking of it still needs a new slot.
    ASSIGN_OR_RETURN(ConflictCase c, LoadCase(change.booking));
    HeadOfficeOutcome out{"applied", "case " + c.ref + " resolved", c.ref, std::nullopt};
    if (c.status == "resolved") {
      out.detail = "case " + c.ref + " was already resolved here";
    } else {
      if (change.reason.empty()) return Status::InvalidInput("resolution: say what was done");
      RETURN_IF_ERROR(ResolveCaseLocked(c, reason, /*keep=*/false, staff, request_seq));
    }
    RETURN_IF_ERROR(WriteRequestAnswer(
        *db_, {change.seq, Now(), change.kind, "applied", std::nullopt, std::nullopt, c.ref},
        OnExisting::kFail));
    RETURN_IF_ERROR(tx->Commit());
    return out;
  }
  ASSIGN_OR_RETURN(Booking b, LoadBooking(change.booking));
  auto record = [&](const std::string& outcome, const std::optional<std::string>& booking_id,
                    const std::string& why, const std::optional<std::string>& case_ref) -> Status {
    return WriteRequestAnswer(*db_,
                              {change.seq, Now(), change.kind, outcome, booking_id,
                               why.empty() ? std::optional<std::string>() : why, case_ref},
                              OnExisting::kFail);
  };

  HeadOfficeOutcome out;
  const bool still_to_come =
      b.status == BookingStatus::kRequested || b.status == BookingStatus::kConfirmed;
  if (change.kind == "cancel" && b.status == BookingStatus::kCancelled) {
    out = {"applied", "booking " + b.ref + " was already cancelled here", std::nullopt, b};
    RETURN_IF_ERROR(record("applied", b.id, "", std::nullopt));
  } else if (still_to_come && change.kind == "cancel") {
    RETURN_IF_ERROR(
        TransitionLocked(b, BookingStatus::kCancelled, "cancel", reason, staff, request_seq));
    ASSIGN_OR_RETURN(Booking cancelled, LoadBooking(b.id));
    out = {"applied", "booking " + b.ref + " cancelled", std::nullopt, std::move(cancelled)};
    RETURN_IF_ERROR(record("applied", b.id, "", std::nullopt));
  } else if (still_to_come) {
    ASSIGN_OR_RETURN(BookOutcome moved, RescheduleLocked(b, *date, *time, reason, staff,
                                                         /*promised=*/true, source, request_seq));
    ASSIGN_OR_RETURN(Booking now_at, LoadBooking(moved.booking.id));
    out = {"applied",
           "booking " + b.ref + " moved to " + now_at.ref + " (" + now_at.slot_date + " " +
               now_at.slot_time + ")",
           moved.cases.empty() ? std::nullopt : std::optional<std::string>(moved.cases.front()),
           now_at};
    // A case from settling the slot names the request as its source.
    RETURN_IF_ERROR(record("applied", now_at.id, "", std::nullopt));
  } else {
    // The store had moved on: what physically happened here stands.
    ASSIGN_OR_RETURN(Customer customer, customers_.Load(b.customer_id));
    const std::string wanted =
        change.kind == "cancel" ? "cancel" : "move to " + change.date + " " + change.time;
    const std::string here =
        std::string(BookingStatusName(b.status)) + " here at " + LocalText(b.updated_at);
    std::string advice;
    switch (b.status) {
      case BookingStatus::kNoShow:
        advice = "if they told the call centre in time, correct the no-show";
        break;
      case BookingStatus::kRescheduled:
        advice = "the store had already moved it: ask which booking they want";
        break;
      case BookingStatus::kCancelled:
        advice = "it was cancelled here: book them again if they still want to come";
        break;
      default:
        advice = "they came in: tell the call centre, and confirm with the customer";
    }
    ConflictCase c;
    c.kind = "contradicting-status";
    c.slot_date = b.slot_date;
    c.slot_time = b.slot_time;
    c.booking_ids = {b.id};
    c.contacts.push_back({customer.id, customer.name,
                          customer.phones.empty() ? "" : customer.phones.front(), b.ref,
                          "call centre was asked to " + wanted + " (" + change.requested_at +
                              "), but the booking is " + here + ": " + advice});
    c.summary = "head office asked to " + wanted + " booking " + b.ref + " (" + staff +
                "), but it is " + here +
                "; the store's record stands, the request was not"
                " applied";
    c.source = source;
    c.opened_by = staff;
    c.hub_request_seq = change.seq;
    c.hub_request_kind = change.kind;
    ASSIGN_OR_RETURN(std::string ref, OpenCaseLocked(std::move(c)));
    out = {"overruled", "booking " + b.ref + " is " + here + "; case " + ref, ref, b};
    RETURN_IF_ERROR(record("overruled", b.id, out.detail, ref));
  }
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

// ---- transaction hooks for batch callers ----

Status Store::InTransaction(bool commit, const std::function<Status()>& body) {
  // A batch transaction is large: keep its pages in memory (64 MiB) rather
  // than spilling them to the WAL before the commit.
  // Savepoints of the rows keep their undo journal in memory too.
  RETURN_IF_ERROR(db_->Exec("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY"));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  RETURN_IF_ERROR(body());
  if (!commit) return Status::Ok();  // the transaction rolls back as it goes out of scope
  return tx->Commit();
}

Result<BookOutcome> Store::BookPromisedInTransaction(const BookingRequest& request) {
  if (!request.promised) return Status::InvalidInput("request is not promised");
  // Prepared (and pooled) rather than Exec'd: this runs once per imported row.
  auto run = [&](const char* sql) -> Status {
    ASSIGN_OR_RETURN(Statement st, db_->Prepare(sql));
    return st.Run();
  };
  RETURN_IF_ERROR(run("SAVEPOINT promised_booking"));
  auto out = BookLocked(request);
  if (!out.ok()) {
    RETURN_IF_ERROR(run("ROLLBACK TO promised_booking"));
    RETURN_IF_ERROR(run("RELEASE promised_booking"));
    return out.status();
  }
  RETURN_IF_ERROR(run("RELEASE promised_booking"));
  return out;
}

Result<std::optional<std::pair<std::string, std::string>>> Store::PaperFormImported(
    const std::string& form_id) {
  return FindPaperForm(*db_, form_id);
}

Status Store::RecordPaperForm(const BookingRequest& request, const BookOutcome& out) {
  if (!request.form_id) return Status::InvalidInput("RecordPaperForm: the request has no form id");
  return WritePaperForm(*db_,
                        {*request.form_id, request.import_batch.value_or(""),
                         out.duplicate ? "duplicate" : "booked", out.booking.id, Now()},
                        OnExisting::kFail);
}

Status Store::RecordPaperImport(const std::string& batch_id, const std::string& file_name,
                                const std::string& file_digest, const std::string& operator_name,
                                const std::string& report_json) {
  return WritePaperImport(*db_, batch_id, file_name, file_digest, operator_name, Now(),
                          report_json);
}

Result<int> Store::ReserveFormNumbers(const LocalDate& day, int count) {
  if (count < 0 || count > 999) return Status::InvalidInput("forms: 0 to 999 per sheet");
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(int last, TakeFormNumbers(*db_, day, count));
  if (last > 999) {
    return Status::Refused("form numbers for " + day.ToString() + " are used up")
        .WithShown(i18n::Format("form numbers for {0} are used up", {day.ToString()}));
  }
  RETURN_IF_ERROR(tx->Commit());
  return last - count + 1;
}

Result<std::optional<std::pair<std::string, std::string>>> Store::FindPaperImport(
    const std::string& file_digest) {
  return FindPaperImportOf(*db_, file_digest);
}

// ---- the conflict_cases table ----

Result<std::string> NextCaseRef(Db& db, const LocalDate& today) {
  ASSIGN_OR_RETURN(int64_t n,
                   BumpDayCounter(db, DayCounter::kCaseRefs, today, 1, "allocating a case ref"));
  return "C-" + DayKey(today) + "-" + std::to_string(n);
}

namespace {

// Binds every column of a case's row, in kCaseColumns' order, as ?1 to ?16.
void BindCaseRow(Statement& st, const ConflictCase& c) {
  const json ids = c.booking_ids;
  st.Bind(1, c.id)
      .Bind(2, c.ref)
      .Bind(3, c.store_id)
      .Bind(4, c.kind)
      .Bind(5, c.slot_date)
      .Bind(6, c.slot_time)
      .Bind(7, ids.dump())
      .Bind(8, model::CaseContactsJson(c.contacts).dump())
      .Bind(9, c.summary)
      .Bind(10, c.source)
      .Bind(11, c.opened_at)
      .Bind(12, c.opened_by)
      .Bind(13, c.status)
      .Bind(14, c.resolved_at)
      .Bind(15, c.resolved_by)
      .Bind(16, c.resolution);
}

}  // namespace

Status InsertCaseRow(Db& db, const ConflictCase& c) {
  ASSIGN_OR_RETURN(Statement ins,
                   db.Prepare(std::string("INSERT INTO conflict_cases (") + kCaseColumns +
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                              " ?14, ?15, ?16)"));
  BindCaseRow(ins, c);
  return ins.Run();
}

Status UpdateCaseRow(Db& db, const ConflictCase& c) {
  // opened_by (?12, bound but not set) is not a logged field: it stays as
  // the insert wrote it.
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("UPDATE conflict_cases SET ref = ?2, store_id = ?3, kind = ?4,"
                              " slot_date = ?5, slot_time = ?6, booking_ids = ?7, contacts = ?8,"
                              " summary = ?9, source = ?10, opened_at = ?11, status = ?13,"
                              " resolved_at = ?14, resolved_by = ?15, resolution = ?16"
                              " WHERE id = ?1"));
  BindCaseRow(st, c);
  RETURN_IF_ERROR(st.Run());
  if (db.RowsChanged() != 1) {
    return Status::NotFound("case " + c.id + " does not exist")
        .WithShown(i18n::Format("case {0} does not exist", {c.id}));
  }
  return Status::Ok();
}

Status UpdateCaseCallList(Db& db, const std::string& id, const ConflictCase& c) {
  const json ids = c.booking_ids;
  const json contacts = model::CaseContactsJson(c.contacts);
  ASSIGN_OR_RETURN(Statement update, db.Prepare("UPDATE conflict_cases SET booking_ids = ?,"
                                                " contacts = ?, summary = ? WHERE id = ?"));
  update.Bind(1, ids.dump()).Bind(2, contacts.dump()).Bind(3, c.summary).Bind(4, id);
  return update.Run();
}

Status MarkCaseResolved(Db& db, const std::string& id, const std::string& at,
                        const std::string& staff, const std::string& resolution) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("UPDATE conflict_cases SET status = 'resolved', resolved_at = ?,"
                              " resolved_by = ?, resolution = ? WHERE id = ?"));
  st.Bind(1, at).Bind(2, staff).Bind(3, resolution).Bind(4, id);
  return st.Run();
}

Result<std::optional<std::string>> OpenOverCapacityCase(Db& db, const std::string& date,
                                                        const std::string& time) {
  ASSIGN_OR_RETURN(Statement open_case,
                   db.Prepare("SELECT id FROM conflict_cases WHERE kind = 'over-capacity' AND"
                              " status = 'open' AND slot_date = ? AND slot_time = ? LIMIT 1"));
  open_case.Bind(1, date).Bind(2, time);
  ASSIGN_OR_RETURN(bool has_open, open_case.Step());
  if (!has_open) return std::optional<std::string>();
  std::optional<std::string> id = open_case.Text(0);
  open_case.Reset();
  return id;
}

Result<ConflictCase> FindCase(Db& db, const std::string& ref) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kCaseColumns +
                                            " FROM conflict_cases WHERE ref = ?1 OR id = ?1"));
  st.Bind(1, ref);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return Status::NotFound("case: no conflict case '" + ref + "'")
        .WithShown(i18n::Format("case: no conflict case '{0}'", {ref}));
  }
  return ReadCase(st);
}

Result<std::vector<ConflictCase>> CasesNewestFirst(Db& db, bool open_only) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kCaseColumns +
                                            " FROM conflict_cases WHERE (?1 = 0 OR status = 'open')"
                                            " ORDER BY opened_at DESC, ref DESC"));
  st.Bind(1, int64_t{open_only});
  std::vector<ConflictCase> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadCase(st));
  }
  return out;
}

Result<std::optional<std::string>> CaseRefOf(Db& db, const std::string& case_id) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT ref FROM conflict_cases WHERE id = ?"));
  st.Bind(1, case_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  std::optional<std::string> ref = st.Text(0);
  st.Reset();
  return ref;
}

Result<std::optional<std::string>> CaseRefFrom(Db& db, const std::string& kind,
                                               const std::string& source) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT ref FROM conflict_cases WHERE kind = ? AND"
                                            " source = ? ORDER BY opened_at, id LIMIT 1"));
  st.Bind(1, kind).Bind(2, source);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  std::optional<std::string> ref = st.Text(0);
  st.Reset();
  return ref;
}

}  // namespace outpost::edge
