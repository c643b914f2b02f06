// The waitlist: Store's operations (edge/store.h), its rows through
// edge/waitlist.h, each change logged as entity "waitlist" in the row's
// transaction, and every booking made through the booking rules (BookLocked).
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "edge/profiles.h"
#include "edge/settings.h"
#include "edge/store.h"
#include "edge/waitlist.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/normalize.h"

namespace outpost::edge {
namespace {

// A range wider than this is a typing mistake, and bounds each offer run's reads.
constexpr int kMaxRangeDays = 92;
constexpr int kMaxHoldMinutes = 24 * 60;
// Who the change log says booked an auto-book entry.
constexpr const char* kAutoBookStaff = "waitlist";

Result<std::string> CleanStaffField(const std::string& staff) {
  return WithField(CleanText("staff", staff, 60, /*required=*/true), "staff");
}

Result<std::string> CleanReason(const std::string& reason) {
  return WithField(CleanText("reason", reason, 200, /*required=*/false), "reason");
}

// A failure of the system (storage), as opposed to a refusal of the input or
// by a rule: only those stop an offer run or undo an acceptance.
bool IsSystemFailure(const Status& st) { return ExitCodeFor(st) >= 3; }

// One end of the range as staff type it; an error names `field`.
Result<LocalDate> RangeDate(const char* field, const std::string& text, const LocalDate& today) {
  auto date = ParseDeskDate(text, today);
  if (!date.ok()) {
    return Status::InvalidInput(std::string(field) + ": '" + text +
                                "' is not a date (YYYY-MM-DD, today, tomorrow or +N)")
        .WithShown(i18n::Format("{0}: '{1}' is not a date (YYYY-MM-DD, today, tomorrow or +N)",
                                {field, text}))
        .WithField(field);
  }
  return date;
}

std::string GridText(const StoreSettings& s) {
  std::string out;
  for (const auto& slot : s.slots) out += (out.empty() ? "" : ", ") + slot.start_time;
  return out;
}

// Preferred times as slots of the grid, sorted, each once. "morning" is every
// slot before 12:00, "afternoon" every other.
Result<std::vector<std::string>> PreferredSlots(const StoreSettings& s,
                                                const std::vector<std::string>& wanted) {
  std::set<std::string> out;
  for (const auto& w : wanted) {
    if (w == "morning" || w == "afternoon") {
      for (const auto& slot : s.slots) {
        if ((slot.start_time < "12:00") == (w == "morning")) out.insert(slot.start_time);
      }
      continue;
    }
    const bool in_grid = std::any_of(s.slots.begin(), s.slots.end(),
                                     [&](const SlotSpec& slot) { return slot.start_time == w; });
    if (!in_grid) {
      return Status::InvalidInput("preferred_times: '" + w + "' is not a slot of the grid (" +
                                  GridText(s) + "), morning or afternoon")
          .WithShown(i18n::Format(
              "preferred_times: '{0}' is not a slot of the grid ({1}), morning or afternoon",
              {w, GridText(s)}))
          .WithField("preferred_times");
    }
    out.insert(w);
  }
  return std::vector<std::string>(out.begin(), out.end());
}

bool Prefers(const model::WaitlistEntry& e, const std::string& time) {
  return e.preferred_times.empty() || std::find(e.preferred_times.begin(), e.preferred_times.end(),
                                                time) != e.preferred_times.end();
}

// A place free for the waitlist: on the board, not held by an open offer.
struct FreePlace {
  std::string date, time;
  int count = 0;
};

// Runs `step` under a savepoint of the caller's transaction: when it fails,
// nothing it wrote stays, and the caller's other writes go on.
Result<Booking> UnderSavepoint(Db& db, const std::function<Result<BookOutcome>()>& step) {
  auto run = [&](const char* sql) -> Status {
    ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
    return st.Run();
  };
  RETURN_IF_ERROR(run("SAVEPOINT waitlist_booking"));
  auto out = step();
  if (!out.ok()) RETURN_IF_ERROR(run("ROLLBACK TO waitlist_booking"));
  RETURN_IF_ERROR(run("RELEASE waitlist_booking"));
  if (!out.ok()) return out.status();
  return std::move(out.value().booking);
}

}  // namespace

// The waitlist's steps inside the caller's transaction.
struct Store::WaitlistOps {
  // Folds `update` into `e`, writes the row and logs exactly the update.
  static Status Change(Store& s, WaitlistEntry& e, model::WaitlistUpdate update,
                       const std::string& staff) {
    update.updated_at = s.Now();
    model::ApplyWaitlistUpdate(update, e);
    RETURN_IF_ERROR(WriteWaitlistRow(*s.db_, e));
    return s.log_.Record("waitlist", e.id, "update", model::WaitlistUpdateFields(update).dump(),
                         staff);
  }

  // Books `e`'s customer (and vehicle) into the slot by the booking rules,
  // under a savepoint: a refusal leaves nothing of the attempt behind.
  static Result<Booking> BookPlace(Store& s, const WaitlistEntry& e, const std::string& date,
                                   const std::string& time, const std::string& staff) {
    BookingRequest request;
    request.customer = e.customer_id;
    if (e.vehicle_id) {
      ASSIGN_OR_RETURN(Customer c, s.customers_.Load(e.customer_id));
      for (const auto& v : c.vehicles) {
        if (v.id != *e.vehicle_id) continue;
        request.vehicle.plate = v.plate.value_or("");
        if (!v.plate) request.vehicle.vin = v.vin.value_or("");
      }
    }
    request.service = e.service;
    request.date = date;
    request.time = time;
    request.channel = "phone";
    request.notes = "waitlist " + ShortId(e.id);
    request.staff = staff;
    return UnderSavepoint(*s.db_, [&] { return s.BookLocked(request); });
  }

  // The free places of every day a waiting entry waits for, from today: the
  // board's free places less those held by open offers, where a booking by
  // phone may still be made now (not started, notice kept). By date, then time.
  static Result<std::vector<FreePlace>> FreePlaces(Store& s, const std::vector<WaitlistEntry>& open,
                                                   int64_t now_ms) {
    std::map<std::pair<std::string, std::string>, int> held;
    std::set<std::string> days;
    const std::string today = s.Today().ToString();
    for (const auto& e : open) {
      if (e.status == "offered") ++held[{*e.offer_date, *e.offer_time}];
      if (e.status != "waiting") continue;
      ASSIGN_OR_RETURN(LocalDate day, LocalDate::Parse(std::max(e.date_from, today)));
      ASSIGN_OR_RETURN(LocalDate last, LocalDate::Parse(e.date_to));
      for (; day <= last; day = day.AddDays(1)) days.insert(day.ToString());
    }
    std::vector<FreePlace> places;
    for (const auto& day : days) {
      ASSIGN_OR_RETURN(Board board, s.DayBoard(day));
      if (!board.open) continue;
      ASSIGN_OR_RETURN(LocalDate date, LocalDate::Parse(day));
      for (const auto& slot : board.slots) {
        const int count = slot.free - held[{day, slot.time}];
        if (count <= 0) continue;
        ASSIGN_OR_RETURN(LocalTime time, LocalTime::Parse(slot.time));
        Status bookable = s.CheckSlotLocked(date, time, Channel::kPhone, now_ms).status();
        if (IsSystemFailure(bookable)) return bookable;
        if (bookable.ok()) places.push_back({day, slot.time, count});
      }
    }
    return places;
  }

  // Refuses a range in which the store opens on no day.
  static Status CheckSomeDayOpen(Store& s, const LocalDate& from, const LocalDate& to) {
    for (LocalDate day = from; day <= to; day = day.AddDays(1)) {
      const char weekday = static_cast<char>('0' + day.IsoWeekday());
      if (s.settings_.open_days.find(weekday) == std::string::npos) continue;
      ASSIGN_OR_RETURN(std::optional<std::string> closed, ClosedReason(*s.db_, day.ToString()));
      if (!closed) return Status::Ok();
    }
    return Status::InvalidInput("date_to: the store is closed every day from " + from.ToString() +
                                " to " + to.ToString())
        .WithShown(i18n::Format("date_to: the store is closed every day from {0} to {1}",
                                {from.ToString(), to.ToString()}))
        .WithField("date_to");
  }

  // The entry's tier and where it came from: the one staff gave, else the
  // value tier of head office's segment in the customer's profile (as of the
  // last sync: it works offline), else "regular" (issue 17; the segment's
  // value tiers are the waitlist's).
  static Result<std::pair<std::string, std::string>> TierOf(Store& s,
                                                            const std::string& customer_id,
                                                            const std::string& given) {
    if (!given.empty()) return std::pair<std::string, std::string>(given, "given");
    ASSIGN_OR_RETURN(std::optional<HeldProfile> held, ProfileOfCustomer(*s.db_, customer_id));
    if (held && held->profile.segment &&
        model::WaitlistTierRank(held->profile.segment->value_tier) >= 0) {
      return std::pair<std::string, std::string>(held->profile.segment->value_tier, "segment");
    }
    return std::pair<std::string, std::string>("regular", "default");
  }

  // The entry's vehicle: the one `typed` names (plate or VIN), else the
  // customer's only vehicle, else none.
  static Result<std::optional<std::string>> VehicleOf(const Customer& c, const std::string& typed) {
    if (typed.empty()) {
      if (c.vehicles.size() == 1) return std::optional<std::string>(c.vehicles[0].id);
      return std::optional<std::string>();
    }
    auto plate = NormalizePlate(typed);
    auto vin = NormalizeVin(typed);
    for (const auto& v : c.vehicles) {
      if ((plate.ok() && v.plate == plate.value()) || (vin.ok() && v.vin == vin.value())) {
        return std::optional<std::string>(v.id);
      }
    }
    return Status::InvalidInput("vehicle: '" + typed + "' is not a vehicle of " + c.name +
                                " (add it first)")
        .WithShown(
            i18n::Format("vehicle: '{0}' is not a vehicle of {1} (add it first)", {typed, c.name}))
        .WithField("vehicle");
  }

  // The end of a hold: `hold_minutes` from now, but never past the last
  // moment the place can still be booked (its start less the minimum notice),
  // so staff never see a place held after it could be taken.
  static int64_t HoldUntil(const Store& s, const FreePlace& place, int hold_minutes,
                           int64_t now_ms) {
    const int64_t wanted = now_ms + int64_t{hold_minutes} * 60 * 1000;
    auto date = LocalDate::Parse(place.date);
    auto time = LocalTime::Parse(place.time);
    if (!date.ok() || !time.ok()) return wanted;  // read from the board: well formed
    const int64_t last = s.zone_.LocalToUtcMs(date.value(), time.value()) -
                         int64_t{s.settings_.min_notice_minutes} * 60 * 1000;
    return std::max(now_ms, std::min(wanted, last));
  }

  // Gives `place` to the first waiting entries in offer order that it fits,
  // as many as it has places; `given` holds the entries served this run.
  static Status GivePlace(Store& s, std::vector<WaitlistEntry>& line, const FreePlace& place,
                          const WaitlistOfferOptions& options, int64_t now_ms,
                          std::set<std::string>& given, WaitlistRun& run) {
    const std::string slot = place.date + " " + place.time;
    int left = place.count;
    for (auto& e : line) {
      if (left == 0) break;
      if (e.status != "waiting" || given.count(e.id)) continue;
      if (place.date < e.date_from || place.date > e.date_to || !Prefers(e, place.time)) continue;
      if (e.auto_book) {
        auto booked = BookPlace(s, e, place.date, place.time, kAutoBookStaff);
        if (!booked.ok()) {
          if (IsSystemFailure(booked.status())) return booked.status();
          run.actions.push_back({"not-booked", e, std::nullopt, booked.status().message()});
          continue;  // the next entry in line may take it
        }
        model::WaitlistUpdate u;
        u.status = "booked";
        u.booking_id = booked->id;
        u.reason = "booked into " + slot + " without asking again (auto-book)";
        RETURN_IF_ERROR(Change(s, e, u, kAutoBookStaff));
        e.booking_ref = booked->ref;
        run.actions.push_back({"booked", e, booked.value(), u.reason.value()});
      } else {
        model::WaitlistUpdate u;
        u.status = "offered";
        u.offer_date = place.date;
        u.offer_time = place.time;
        u.offered_at = FormatUtcMs(now_ms);
        u.hold_until = FormatUtcMs(HoldUntil(s, place, options.hold_minutes, now_ms));
        u.reason = "offered " + slot + ", held until " + s.LocalText(*u.hold_until);
        RETURN_IF_ERROR(Change(s, e, u, options.staff));
        run.actions.push_back({"offered", e, std::nullopt, u.reason.value()});
      }
      given.insert(e.id);
      --left;
    }
    return Status::Ok();
  }

  // Loads an entry that must be in one of `states` for `what`; refused naming
  // its status otherwise.
  static Result<WaitlistEntry> LoadIn(Store& s, const std::string& query,
                                      const std::vector<std::string>& states,
                                      const std::string& what) {
    ASSIGN_OR_RETURN(WaitlistEntry e, FindWaitlistEntry(*s.db_, query));
    if (std::find(states.begin(), states.end(), e.status) == states.end()) {
      return Status::Refused("waitlist entry " + ShortId(e.id) + " is " + e.status + ": " + what)
          .WithShown(i18n::Format("waitlist entry {0} is {1}: {2}",
                                  {ShortId(e.id), e.status, i18n::Tr(what)}))
          .WithField("status");
    }
    return e;
  }

  // Takes an entry in one of `states` off the list as `status`, with the
  // reason `say` gives from staff's words. One transaction.
  static Result<WaitlistEntry> End(
      Store& s, const std::string& query, const std::string& reason_text,
      const std::string& staff_text, const std::vector<std::string>& states,
      const std::string& what, const std::string& status,
      const std::function<std::string(const WaitlistEntry&, const std::string&)>& say) {
    ASSIGN_OR_RETURN(std::string staff, CleanStaffField(staff_text));
    ASSIGN_OR_RETURN(std::string reason, CleanReason(reason_text));
    ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*s.db_));
    ASSIGN_OR_RETURN(WaitlistEntry e, LoadIn(s, query, states, what));
    model::WaitlistUpdate u;
    u.status = status;
    u.reason = say(e, reason);
    RETURN_IF_ERROR(Change(s, e, u, staff));
    RETURN_IF_ERROR(tx->Commit());
    return FindWaitlistEntry(*s.db_, e.id);
  }
};

Result<WaitlistEntry> Store::AddToWaitlist(const WaitlistRequest& request) {
  // The input first, before any row is read or written.
  ASSIGN_OR_RETURN(std::string staff, CleanStaffField(request.staff));
  ASSIGN_OR_RETURN(std::string service,
                   WithField(CleanText("service", request.service, 100, true), "service"));
  ASSIGN_OR_RETURN(std::string note, CleanReason(request.note));
  if (!request.tier.empty() && model::WaitlistTierRank(request.tier) < 0) {
    return Status::InvalidInput("tier: '" + request.tier + "' is not a tier (vip, regular, new)")
        .WithShown(i18n::Format("tier: '{0}' is not a tier (vip, regular, new)", {request.tier}))
        .WithField("tier");
  }
  const LocalDate today = Today();
  ASSIGN_OR_RETURN(LocalDate from, RangeDate("date_from", request.date_from, today));
  ASSIGN_OR_RETURN(LocalDate to, RangeDate("date_to", request.date_to, today));
  if (from < today) {
    return Status::InvalidInput("date_from: '" + from.ToString() + "' is in the past (today is " +
                                today.ToString() + ")")
        .WithShown(i18n::Format("date_from: '{0}' is in the past (today is {1})",
                                {from.ToString(), today.ToString()}))
        .WithField("date_from");
  }
  if (to < from) {
    return Status::InvalidInput("date_to: '" + to.ToString() + "' is before date_from '" +
                                from.ToString() + "'")
        .WithShown(i18n::Format("date_to: '{0}' is before date_from '{1}'",
                                {to.ToString(), from.ToString()}))
        .WithField("date_to");
  }
  if (to.ToDays() - from.ToDays() >= kMaxRangeDays) {
    return Status::InvalidInput("date_to: " + from.ToString() + " to " + to.ToString() +
                                " is longer than " + std::to_string(kMaxRangeDays) + " days")
        .WithShown(i18n::Format("date_to: {0} to {1} is longer than {2} days",
                                {from.ToString(), to.ToString(), std::to_string(kMaxRangeDays)}))
        .WithField("date_to");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> times,
                   PreferredSlots(settings_, request.preferred_times));

  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  RETURN_IF_ERROR(WaitlistOps::CheckSomeDayOpen(*this, from, to));
  ASSIGN_OR_RETURN(std::optional<Customer> customer,
                   WithField(customers_.Match(request.customer), "customer"));
  if (!customer) {
    return Status::NotFound("customer: '" + request.customer +
                            "' matches no customer; add them first")
        .WithShown(
            i18n::Format("customer: '{0}' matches no customer; add them first", {request.customer}))
        .WithField("customer");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> vehicle_id,
                   WaitlistOps::VehicleOf(*customer, request.vehicle));
  // One place in line per customer and days: a second entry would jump the queue.
  ASSIGN_OR_RETURN(std::vector<WaitlistEntry> open, OpenWaitlistEntriesOf(*db_, customer->id));
  for (const auto& other : open) {
    if (other.date_from <= to.ToString() && from.ToString() <= other.date_to) {
      return Status::Refused("customer: " + customer->name + " already waits from " +
                             other.date_from + " to " + other.date_to + " (entry " +
                             ShortId(other.id) + "); cancel it or change the dates")
          .WithShown(
              i18n::Format("customer: {0} already waits from {1} to {2} (entry {3}); cancel it or "
                           "change the dates",
                           {customer->name, other.date_from, other.date_to, ShortId(other.id)}))
          .WithField("customer");
    }
  }
  ASSIGN_OR_RETURN(auto tier, WaitlistOps::TierOf(*this, customer->id, request.tier));
  const int64_t now_ms = clock_.NowMs();
  model::WaitlistEntry e;
  e.id = NewIdAt(settings_.store_id, now_ms);
  e.store_id = settings_.store_id;
  e.customer_id = customer->id;
  e.vehicle_id = vehicle_id;
  e.service = service;
  e.date_from = from.ToString();
  e.date_to = to.ToString();
  e.preferred_times = times;
  e.tier = tier.first;
  e.auto_book = request.auto_book;
  e.created_at = e.updated_at = FormatUtcMs(now_ms);
  e.staff = staff;
  e.status = "waiting";
  e.reason = note;
  RETURN_IF_ERROR(WriteWaitlistRow(*db_, e));
  RETURN_IF_ERROR(
      log_.Record("waitlist", e.id, "insert", model::WaitlistInsertFields(e).dump(), staff));
  RETURN_IF_ERROR(tx->Commit());
  ASSIGN_OR_RETURN(WaitlistEntry added, FindWaitlistEntry(*db_, e.id));
  added.tier_from = tier.second;
  return added;
}

Result<std::vector<WaitlistEntry>> Store::Waitlist(bool open_only) {
  return WaitlistEntries(*db_, open_only);
}

Result<WaitlistEntry> Store::GetWaitlistEntry(const std::string& entry) {
  return FindWaitlistEntry(*db_, entry);
}

Result<WaitlistRun> Store::OfferFreedPlaces(const WaitlistOfferOptions& options_in) {
  WaitlistOfferOptions options = options_in;
  ASSIGN_OR_RETURN(options.staff, CleanStaffField(options.staff));
  if (options.hold_minutes < 1 || options.hold_minutes > kMaxHoldMinutes) {
    return Status::InvalidInput("hold_minutes: " + std::to_string(options.hold_minutes) +
                                " must be 1 to " + std::to_string(kMaxHoldMinutes))
        .WithShown(
            i18n::Format("hold_minutes: {0} must be 1 to {1}",
                         {std::to_string(options.hold_minutes), std::to_string(kMaxHoldMinutes)}))
        .WithField("hold_minutes");
  }
  const int64_t now_ms = clock_.NowMs();
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(std::vector<WaitlistEntry> line, WaitlistEntries(*db_, /*open_only=*/true));
  WaitlistRun run;
  // Holds that ran out first: their places go to the next in line below.
  for (auto& e : line) {
    if (!model::HoldRanOut(e, now_ms)) continue;
    model::WaitlistUpdate u;
    u.status = "expired";
    u.reason = "no answer to the offer of " + *e.offer_date + " " + *e.offer_time + " by " +
               LocalText(*e.hold_until) + ": offered to the next";
    RETURN_IF_ERROR(WaitlistOps::Change(*this, e, u, options.staff));
    run.actions.push_back({"expired", e, std::nullopt, u.reason.value()});
  }
  ASSIGN_OR_RETURN(std::vector<FreePlace> places, WaitlistOps::FreePlaces(*this, line, now_ms));
  std::set<std::string> given;
  for (const auto& place : places) {
    RETURN_IF_ERROR(WaitlistOps::GivePlace(*this, line, place, options, now_ms, given, run));
  }
  RETURN_IF_ERROR(tx->Commit());
  return run;
}

Result<WaitlistEntry> Store::AcceptOffer(const std::string& entry, const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff, CleanStaffField(staff_text));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(WaitlistEntry e,
                   WaitlistOps::LoadIn(*this, entry, {"offered"}, "there is no offer to accept"));
  const std::string slot = *e.offer_date + " " + *e.offer_time;
  if (model::HoldRanOut(e, clock_.NowMs())) {
    return Status::Refused("waitlist entry " + ShortId(e.id) + ": the hold on " + slot +
                           " ran out at " + LocalText(*e.hold_until) +
                           "; run `waitlist offer` to offer places again")
        .WithShown(i18n::Format("waitlist entry {0}: the hold on {1} ran out at {2}; run `waitlist "
                                "offer` to offer places again",
                                {ShortId(e.id), slot, LocalText(*e.hold_until)}))
        .WithField("hold_until");
  }
  auto booked = WaitlistOps::BookPlace(*this, e, *e.offer_date, *e.offer_time, staff);
  model::WaitlistUpdate u;
  if (!booked.ok()) {
    if (IsSystemFailure(booked.status())) return booked.status();
    // The place went meanwhile (a desk booking): back in line, and staff told why.
    const std::string why = slot + " could not be booked: " + booked.status().message();
    u.status = "waiting";
    u.reason = "accepted, but " + why + "; waiting for the next place";
    RETURN_IF_ERROR(WaitlistOps::Change(*this, e, u, staff));
    RETURN_IF_ERROR(tx->Commit());
    return Status::Refused("waitlist entry " + ShortId(e.id) + ": " + why +
                           "; the entry is waiting again")
        .WithShown(i18n::Format(
            "waitlist entry {0}: {1} could not be booked: {2}; the entry is waiting again",
            {ShortId(e.id), slot, booked.status().shown()}))
        .WithField(booked.status().field().empty() ? "slot" : booked.status().field());
  }
  u.status = "booked";
  u.booking_id = booked->id;
  u.reason = "accepted " + slot + ": booked " + booked->ref;
  RETURN_IF_ERROR(WaitlistOps::Change(*this, e, u, staff));
  RETURN_IF_ERROR(tx->Commit());
  return FindWaitlistEntry(*db_, e.id);
}

Result<WaitlistEntry> Store::DeclineOffer(const std::string& entry, const std::string& reason,
                                          const std::string& staff) {
  return WaitlistOps::End(*this, entry, reason, staff, {"offered"}, "there is no offer to decline",
                          "declined", [](const WaitlistEntry& e, const std::string& why) {
                            return "declined " + *e.offer_date + " " + *e.offer_time +
                                   (why.empty() ? "" : ": ") + why;
                          });
}

Result<WaitlistEntry> Store::CancelEntry(const std::string& entry, const std::string& reason,
                                         const std::string& staff) {
  return WaitlistOps::End(*this, entry, reason, staff, {"waiting", "offered"},
                          "it is no longer on the list", "cancelled",
                          [](const WaitlistEntry&, const std::string& why) {
                            return why.empty() ? std::string("no longer waits") : why;
                          });
}

}  // namespace outpost::edge
