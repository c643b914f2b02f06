#include "edge/store.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "edge/bookings.h"
#include "edge/customers.h"
#include "edge/hub_requests.h"
#include "edge/prep.h"
#include "edge/replay.h"
#include "edge/settings.h"
#include "sync/booking_rules.h"
#include "sync/changelog.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"
#include "sync/model/request.h"
#include "sync/normalize.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

std::string ChannelText(Channel channel) { return std::string(ChannelName(channel)); }

Result<std::string> CleanStaff(const std::string& staff) {
  return WithField(CleanText("staff", staff, 60, /*required=*/true), "staff");
}

// A slot's start as staff type it, "10:00".
Result<LocalTime> ParseSlotTime(const std::string& text) {
  auto time = LocalTime::Parse(text);
  if (!time.ok()) {
    return Status::InvalidInput("slot: '" + text + "' is not a time of the form HH:MM")
        .WithShown(i18n::Format("slot: '{0}' is not a time of the form HH:MM", {text}))
        .WithField("slot");
  }
  return time;
}

Status ValidateSettings(const StoreSettings& s) {
  if (!IsValidSiteId(s.store_id)) {
    return Status::InvalidInput(std::string("store id: '") + s.store_id +
                                "' must be 1-32 letters, digits, '-' or '_'")
        .WithShown(
            i18n::Format("store id: '{0}' must be 1-32 letters, digits, '-' or '_'", {s.store_id}));
  }
  RETURN_IF_ERROR(CleanText("store name", s.name, 100, true).status());
  RETURN_IF_ERROR(TimeZone::Load(s.time_zone).status());
  std::set<char> days;
  for (char c : s.open_days) {
    if (c < '1' || c > '7' || !days.insert(c).second) {
      return Status::InvalidInput(std::string("open days: '") + s.open_days +
                                  "' must list ISO weekdays 1-7 once each (1 = Monday)")
          .WithShown(i18n::Format(
              "open days: '{0}' must list ISO weekdays 1-7 once each (1 = Monday)", {s.open_days}));
    }
  }
  if (days.empty()) return Status::InvalidInput("open days: the store must open on some day");
  if (s.slots.empty()) return Status::InvalidInput("slots: the grid needs at least one slot");
  std::set<std::string> seen;
  for (const auto& slot : s.slots) {
    RETURN_IF_ERROR(LocalTime::Parse(slot.start_time).status());
    if (!seen.insert(slot.start_time).second) {
      return Status::InvalidInput(std::string("slots: '") + slot.start_time + "' appears twice")
          .WithShown(i18n::Format("slots: '{0}' appears twice", {slot.start_time}));
    }
    if (slot.capacity < 1 || slot.capacity > 500) {
      return Status::InvalidInput(std::string("capacity: ") + std::to_string(slot.capacity) +
                                  " for slot " + slot.start_time + " must be 1 to 500")
          .WithShown(i18n::Format("capacity: {0} for slot {1} must be 1 to 500",
                                  {std::to_string(slot.capacity), slot.start_time}));
    }
  }
  if (s.min_notice_minutes < 0 || s.min_notice_minutes > 30 * 24 * 60) {
    return Status::InvalidInput("min notice: must be 0 to 43200 minutes");
  }
  if (s.priority_notice_minutes < 0) {
    return Status::InvalidInput("priority notice: must not be negative");
  }
  RETURN_IF_ERROR(LocalTime::Parse(s.discount_cutoff).status());
  if (s.discount_percent < 0 || s.discount_percent > 100) {
    return Status::InvalidInput("discount percent: must be 0 to 100");
  }
  if (s.phone_region.size() != 2 || !std::isupper(static_cast<unsigned char>(s.phone_region[0])) ||
      !std::isupper(static_cast<unsigned char>(s.phone_region[1]))) {
    return Status::InvalidInput(std::string("phone region: '") + s.phone_region +
                                "' must be a two-letter region code such as CN")
        .WithShown(i18n::Format("phone region: '{0}' must be a two-letter region code such as CN",
                                {s.phone_region}));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Create(const std::string& path, const StoreSettings& settings,
                                             const Clock& clock) {
  RETURN_IF_ERROR(ValidateSettings(settings));
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Status::Conflict(std::string("store database '") + path +
                            "' already exists; not touching it")
        .WithShown(i18n::Format("store database '{0}' already exists; not touching it", {path}));
  }
  ASSIGN_OR_RETURN(auto db, Db::Open(path, {}));
  RETURN_IF_ERROR(db->Migrate(schema::EdgeMigrations()));
  std::unique_ptr<Store> store(new Store(std::move(db), clock));
  {
    ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*store->db_));
    ASSIGN_OR_RETURN(std::string name, CleanText("store name", settings.name, 100, true));
    RETURN_IF_ERROR(WriteNewStoreSettings(*store->db_, settings, name, store->Now()));
    RETURN_IF_ERROR(tx->Commit());
  }
  RETURN_IF_ERROR(store->LoadSettings());
  return store;
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const Clock& clock) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound("no store database at '" + path + "' (create one with: init)")
        .WithShown(i18n::Format("no store database at '{0}' (create one with: init)", {path}));
  }
  Db::Options options;
  options.create_if_missing = false;
  ASSIGN_OR_RETURN(auto db, Db::Open(path, options));
  RETURN_IF_ERROR(db->Migrate(schema::EdgeMigrations()));
  std::unique_ptr<Store> store(new Store(std::move(db), clock));
  RETURN_IF_ERROR(store->LoadSettings());
  return store;
}

Status Store::LoadSettings() {
  ASSIGN_OR_RETURN(StoreCalendar calendar, ReadStoreCalendar(*db_));
  settings_ = std::move(calendar.settings);
  log_.set_site(settings_.store_id);
  ASSIGN_OR_RETURN(zone_, TimeZone::Load(settings_.time_zone));
  return Status::Ok();
}

std::string Store::Now() const { return FormatUtcMs(clock_.NowMs()); }

LocalDate Store::Today() const { return zone_.UtcToLocal(clock_.NowMs()).date; }

std::string Store::LocalText(const std::string& utc) const {
  auto ms = ParseUtcMs(utc);
  if (!ms.ok()) return utc;
  const LocalDateTime local = zone_.UtcToLocal(ms.value());
  return local.date.ToString() + " " + local.time.ToString();
}

Status Store::AddClosedDate(const std::string& date_text, const std::string& reason_text,
                            const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff, CleanStaff(staff_text));
  ASSIGN_OR_RETURN(LocalDate date, ParseDeskDate(date_text, Today()));
  ASSIGN_OR_RETURN(std::string reason, CleanText("reason", reason_text, 200, true));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(int64_t active, BookingsHoldingPlacesOn(*db_, date.ToString()));
  if (active > 0) {
    return Status::Refused("cannot close " + date.ToString() + ": " + std::to_string(active) +
                           " active bookings hold places that day; reschedule or cancel them first")
        .WithShown(i18n::Format("cannot close {0}: {1} active bookings hold places that day; "
                                "reschedule or cancel them first",
                                {date.ToString(), std::to_string(active)}));
  }
  RETURN_IF_ERROR(PutClosedDate(*db_, date.ToString(), reason));
  RETURN_IF_ERROR(RecordCalendarLocked(staff));
  return tx->Commit();
}

Status Store::RestoreClosedDates(const std::vector<std::pair<std::string, std::string>>& closed) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  for (const auto& [day, reason] : closed) RETURN_IF_ERROR(PutClosedDate(*db_, day, reason));
  return tx->Commit();
}

Result<StoreCalendar> Store::Calendar() {
  StoreCalendar calendar{settings_, {}};
  ASSIGN_OR_RETURN(auto closed, ClosedDates());
  for (auto& [day, reason] : closed) calendar.closed[day] = std::move(reason);
  return calendar;
}

Status Store::RecordCalendarLocked(const std::string& staff) {
  RETURN_IF_ERROR(LoadSettings());
  ASSIGN_OR_RETURN(StoreCalendar calendar, Calendar());
  ASSIGN_OR_RETURN(bool any, log_.HasEntries("store"));
  return log_.Record("store", settings_.store_id, any ? "update" : "insert",
                     StoreCalendarFields(calendar).dump(), staff);
}

Status Store::LogCalendarIfUnlogged() {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(bool any, log_.HasEntries("store"));
  if (any) return Status::Ok();
  RETURN_IF_ERROR(RecordCalendarLocked("system: store settings"));
  return tx->Commit();
}

Result<std::vector<std::pair<std::string, std::string>>> Store::ClosedDates() {
  return ClosedDatesOf(*db_);
}

// ---- customers and vehicles (edge/customers.h) ----

Result<Customer> Store::ResolveCustomer(const std::string& query) {
  ASSIGN_OR_RETURN(std::optional<Customer> c, customers_.Match(query));
  if (!c) {
    return Status::NotFound("customer: '" + query + "' matches no customer")
        .WithShown(i18n::Format("customer: '{0}' matches no customer", {query}));
  }
  return std::move(*c);
}

Result<std::vector<Customer>> Store::FindCustomers(const std::string& query) {
  return customers_.Find(query);
}

Result<Customer> Store::AddCustomer(const NewCustomer& customer, const NewVehicle& vehicle,
                                    const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff, CleanStaff(staff_text));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Customer c, customers_.InsertLocked(customer, staff));
  RETURN_IF_ERROR(customers_.AttachVehicleLocked(c, vehicle, staff).status());
  RETURN_IF_ERROR(tx->Commit());
  return customers_.Load(c.id);
}

Result<Vehicle> Store::AddVehicle(const std::string& customer_query, const NewVehicle& vehicle,
                                  const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff, CleanStaff(staff_text));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Customer c, ResolveCustomer(customer_query));
  ASSIGN_OR_RETURN(std::optional<Vehicle> v, customers_.AttachVehicleLocked(c, vehicle, staff));
  if (!v) return Status::InvalidInput("vehicle: give a plate or a VIN");
  RETURN_IF_ERROR(tx->Commit());
  return std::move(*v);
}

Result<Customer> Store::UpdateCustomer(const std::string& customer_query,
                                       const CustomerUpdate& update,
                                       const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff, CleanStaff(staff_text));
  if (!update.consent_channels.empty() && !update.contact_opt_in) {
    return Status::InvalidInput("channel: '" +
                                std::string(ContactChannelName(update.consent_channels[0])) +
                                "' names where an opt-in or opt-out applies; neither was given")
        .WithShown(i18n::Format(
            "channel: '{0}' names where an opt-in or opt-out applies; neither was given",
            {ContactChannelName(update.consent_channels[0])}));
  }
  std::vector<std::string> phones;
  for (const auto& raw : update.add_phones) {
    ASSIGN_OR_RETURN(std::string e164,
                     WithField(NormalizePhone(raw, settings_.phone_region), "phone"));
    phones.push_back(e164);
  }
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Customer c, ResolveCustomer(customer_query));
  RETURN_IF_ERROR(customers_.UpdateLocked(c, update, phones, staff));
  RETURN_IF_ERROR(tx->Commit());
  return customers_.Load(c.id);
}

// ---- bookings ----

Result<int> Store::CheckSlotLocked(const LocalDate& date, const LocalTime& time, Channel channel,
                                   int64_t as_of_ms) {
  ASSIGN_OR_RETURN(const std::optional<std::string> closed_reason,
                   ClosedReason(*db_, date.ToString()));
  // The one check, shared with head office (sync/store_calendar.h).
  return CheckBookable(settings_, zone_, closed_reason, date, time, channel, as_of_ms);
}

Status Store::AppendHistoryLocked(const std::string& booking_id, const std::string& staff,
                                  const std::string& action, std::optional<BookingStatus> from,
                                  BookingStatus to, const std::string& changes_json,
                                  const std::string& reason) {
  return AppendBookingHistory(*db_,
                              {booking_id, Now(), staff, action, from, to, changes_json, reason});
}

Result<Booking> Store::InsertBookingLocked(Booking b, const std::string& action,
                                           const std::string& reason) {
  RETURN_IF_ERROR(InsertBookingRow(*db_, b));
  json changes = {{"ref", b.ref},
                  {"customer_id", b.customer_id},
                  {"vehicle_id", b.vehicle_id ? json(*b.vehicle_id) : json(nullptr)},
                  {"service", b.service},
                  {"slot", b.slot_date + " " + b.slot_time},
                  {"channel", ChannelName(b.channel)},
                  {"priority_reception", b.priority_reception},
                  {"discount_eligible", b.discount_eligible}};
  if (b.rescheduled_from) changes["rescheduled_from"] = *b.rescheduled_from;
  if (b.form_id) changes["form_id"] = *b.form_id;
  if (b.import_batch) changes["import_batch"] = *b.import_batch;
  if (b.advisor) changes["advisor"] = *b.advisor;
  if (b.bay) changes["bay"] = *b.bay;
  if (b.team) changes["team"] = *b.team;
  RETURN_IF_ERROR(
      AppendHistoryLocked(b.id, b.staff, action, std::nullopt, b.status, changes.dump(), reason));
  RETURN_IF_ERROR(log_.Record("booking", b.id, "insert", model::BookingInsertFields(b).dump(),
                              b.staff, b.requested_at));
  return b;
}

Result<RuleSettings> Store::Rules() const { return RulesOf(settings_); }

Result<Booking> Store::PlaceBookingLocked(Booking b, int capacity, int64_t now_ms,
                                          const std::string& reason, bool promised) {
  if (!promised) RETURN_IF_ERROR(CheckPlace(*db_, b, capacity));
  ASSIGN_OR_RETURN(LocalDate date, LocalDate::Parse(b.slot_date));
  ASSIGN_OR_RETURN(LocalTime time, LocalTime::Parse(b.slot_time));
  ASSIGN_OR_RETURN(RuleSettings rules, Rules());
  Perks perks = EvaluatePerks(rules, {now_ms, zone_.UtcToLocal(now_ms).date},
                              {date, time, zone_.LocalToUtcMs(date, time)});
  b.priority_reception = perks.priority_reception;
  b.discount_eligible = perks.discount_eligible;
  ASSIGN_OR_RETURN(b.ref, NextBookingRef(*db_, date));
  return InsertBookingLocked(std::move(b), "book", reason);
}

namespace {

// The car a booking's customer was named by: `book --customer 京A12345` books
// that car, not only its owner. The customer's one vehicle whose VIN or plate
// the query is, or whose plate holds it as typed ("12345"); nothing when the
// query named the customer by a phone (its digits may be in a plate too) or
// fits none or several of the cars.
std::optional<Vehicle> VehicleNamedBy(const Customer& customer, const std::string& query) {
  const std::string digits = PhoneDigitsFragment(query);
  for (const auto& phone : customer.phones) {
    if (!digits.empty() && phone.find(digits) != std::string::npos) return std::nullopt;
  }
  auto whole_plate = NormalizePlate(query);
  auto vin = NormalizeVin(query);
  const std::string part = whole_plate.ok() ? whole_plate.value() : PlateFragment(query);
  std::optional<Vehicle> named;
  for (const auto& v : customer.vehicles) {
    const bool fits = (vin.ok() && v.vin == vin.value()) ||
                      (!part.empty() && v.plate && v.plate->find(part) != std::string::npos);
    if (!fits) continue;
    if (named) return std::nullopt;
    named = v;
  }
  return named;
}

// Head office's request is answered once, with its booking: only
// BookForHeadOffice records it, so no other entry point may take one.
Status NotAHeadOfficeRequest(const BookingRequest& request) {
  if (!request.hub_request_seq) return Status::Ok();
  return Status::InvalidInput("hub_request_seq: head office request " +
                              std::to_string(*request.hub_request_seq) +
                              " is booked by BookForHeadOffice, which records its answer")
      .WithShown(i18n::Format("hub_request_seq: head office request {0} is booked by "
                              "BookForHeadOffice, which records its answer",
                              {std::to_string(*request.hub_request_seq)}))
      .WithField("hub_request_seq");
}

}  // namespace

Result<Booking> Store::Book(const BookingRequest& request) {
  RETURN_IF_ERROR(NotAHeadOfficeRequest(request));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(BookOutcome out, BookLocked(request));
  RETURN_IF_ERROR(tx->Commit());
  return std::move(out.booking);
}

Result<BookOutcome> Store::BookPromised(const BookingRequest& request) {
  if (!request.promised) return Status::InvalidInput("BookPromised: request is not promised");
  RETURN_IF_ERROR(NotAHeadOfficeRequest(request));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(BookOutcome out, BookLocked(request));
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

// A booking request's fields, checked and cleaned: the first step of every
// booking, before any row is read or written.
struct Store::CheckedRequest {
  std::string staff;
  Channel channel = Channel::kPhone;
  std::string service;
  std::string notes;
  std::optional<std::string> advisor, bay, team;  // edge/prep.h
  LocalDate date;
  LocalTime time;
  int64_t now_ms = 0;
  int64_t asked_ms = 0;  // when the customer asked: now, or a promised request's time
  std::string source;    // names the origin in cases
};

Result<Store::CheckedRequest> Store::CheckRequest(const BookingRequest& request) const {
  CheckedRequest r;
  ASSIGN_OR_RETURN(r.staff, CleanStaff(request.staff));
  ASSIGN_OR_RETURN(r.channel, WithField(ParseChannel(request.channel), "channel"));
  ASSIGN_OR_RETURN(r.service,
                   WithField(CleanText("service", request.service, 100, true), "service"));
  // Notes keep their lines: a paper form's or a caller's words as written.
  ASSIGN_OR_RETURN(r.notes,
                   WithField(CleanMultilineText("notes", request.notes, 500, false), "notes"));
  ASSIGN_OR_RETURN(r.advisor, CleanAssigned("advisor", request.advisor));
  ASSIGN_OR_RETURN(r.bay, CleanAssigned("bay", request.bay));
  ASSIGN_OR_RETURN(r.team, CleanAssigned("team", request.team));
  ASSIGN_OR_RETURN(r.date, ParseDeskDate(request.date, Today()));
  ASSIGN_OR_RETURN(r.time, ParseSlotTime(request.time));
  r.now_ms = clock_.NowMs();
  r.asked_ms = r.now_ms;
  if (request.promised && !request.requested_at.empty()) {
    auto parsed = ParseUtcMs(request.requested_at);
    if (!parsed.ok()) {
      return Status::InvalidInput("requested at: '" + request.requested_at + "' is not a UTC time")
          .WithShown(i18n::Format("requested at: '{0}' is not a UTC time", {request.requested_at}))
          .WithField("requested_at");
    }
    if (parsed.value() > r.now_ms + int64_t{5} * 60 * 1000) {
      return Status::InvalidInput("requested at: " + request.requested_at +
                                  " is in the future (now " + FormatUtcMs(r.now_ms) + ")")
          .WithShown(i18n::Format("requested at: {0} is in the future (now {1})",
                                  {request.requested_at, FormatUtcMs(r.now_ms)}))
          .WithField("requested_at");
    }
    r.asked_ms = parsed.value();
  }
  r.source = request.source.empty() ? ChannelText(r.channel) : request.source;
  return r;
}

Result<BookOutcome> Store::BookLocked(const BookingRequest& request) {
  ASSIGN_OR_RETURN(CheckedRequest checked, CheckRequest(request));
  return BookByRulesLocked(request, checked);
}

Status Store::AnswerBookingRequestLocked(const BookingRequest& request, const BookOutcome& out,
                                         const std::string& at) {
  const int64_t seq = *request.hub_request_seq;
  if (!out.duplicate) {
    // The booking's own change carries the request's seq to head office.
    return WriteRequestAnswer(
        *db_, {seq, at, "book", "booked", out.booking.id, std::nullopt, std::nullopt},
        OnExisting::kFail);
  }
  const std::string already = "already booked (" + out.booking.ref + ")";
  RETURN_IF_ERROR(WriteRequestAnswer(
      *db_, {seq, at, "book", "booked", out.booking.id, already, std::nullopt}, OnExisting::kFail));
  // Nothing new is booked, so no booking change carries the request's seq:
  // the answer itself is logged, for head office to show.
  return LogRequestAnswerLocked(seq, "book", "booked", already, out.booking.id, at);
}

Result<BookOutcome> Store::BookByRulesLocked(const BookingRequest& request,
                                             const CheckedRequest& r) {
  std::optional<Customer> customer;
  if (!request.customer.empty()) {
    ASSIGN_OR_RETURN(customer, WithField(customers_.MatchAsTyped(request.customer), "customer"));
  }
  if (!customer) {
    if (!request.create_customer) {
      return Status::NotFound("customer: '" + request.customer +
                              "' matches no customer; add them first or give their name")
          .WithShown(
              i18n::Format("customer: '{0}' matches no customer; add them first or give their name",
                           {request.customer}))
          .WithField("customer");
    }
    ASSIGN_OR_RETURN(customer, customers_.InsertLocked(*request.create_customer, r.staff));
  }
  NewVehicle car = request.vehicle;
  if (car.plate.empty() && car.vin.empty()) {
    if (auto named = VehicleNamedBy(*customer, request.customer)) {
      car.plate = named->plate.value_or("");
      car.vin = named->plate ? "" : named->vin.value_or("");
    }
  }
  ASSIGN_OR_RETURN(std::optional<Vehicle> vehicle,
                   customers_.AttachVehicleLocked(*customer, car, r.staff));
  ASSIGN_OR_RETURN(int capacity, CheckSlotLocked(r.date, r.time, r.channel, r.asked_ms));

  Booking b;
  b.id = NewIdAt(settings_.store_id, clock_.NowMs());
  b.store_id = settings_.store_id;
  b.customer_id = customer->id;
  if (vehicle) b.vehicle_id = vehicle->id;
  b.service = r.service;
  b.slot_date = r.date.ToString();
  b.slot_time = r.time.ToString();
  b.channel = r.channel;
  b.status = BookingStatus::kRequested;
  b.notes = r.notes;
  b.staff = r.staff;
  b.requested_at = FormatUtcMs(r.asked_ms);
  b.created_at = b.updated_at = FormatUtcMs(r.now_ms);
  b.form_id = request.form_id;
  b.import_batch = request.import_batch;
  b.hub_request_seq = request.hub_request_seq;
  b.advisor = r.advisor;
  b.bay = r.bay;
  b.team = r.team;

  BookOutcome out;
  if (request.promised) {
    // Already in the system for this vehicle (or customer) and slot: the same
    // visit arrived twice (phoned to the call centre, then written on paper).
    ASSIGN_OR_RETURN(std::optional<std::string> same, SameVisit(*db_, b, false));
    if (same) {
      ASSIGN_OR_RETURN(Booking existing, LoadBooking(*same));
      out.duplicate = true;
      if (existing.channel != r.channel) {
        ASSIGN_OR_RETURN(std::string ref, OpenSameVisitCaseLocked(*customer, existing, b, r));
        out.cases.push_back(ref);
      }
      out.booking = std::move(existing);
      return out;
    }
  }

  // Whether this promised booking overfills its slot, known before it is placed.
  bool overfills = false;
  if (request.promised) {
    ASSIGN_OR_RETURN(int64_t taken, PlacesTaken(*db_, b.slot_date, b.slot_time));
    overfills = taken >= capacity;
  }
  ASSIGN_OR_RETURN(b, PlaceBookingLocked(std::move(b), capacity, r.asked_ms, "", request.promised));
  if (request.promised) {
    ASSIGN_OR_RETURN(std::optional<std::string> twice, OpenSameDayCaseLocked(*customer, b, r));
    if (twice) out.cases.push_back(*twice);
    std::optional<std::string> settled;
    if (overfills) {
      ASSIGN_OR_RETURN(settled,
                       SettleSlotLocked(b.slot_date, b.slot_time, capacity, r.source, r.staff));
    }
    if (settled) {
      out.cases.push_back(*settled);
      ASSIGN_OR_RETURN(b.needs_reschedule, NeedsReschedule(*db_, b.id));
    }
  }
  // Everything the caller sees was just written: no need to read it back.
  b.customer_name = customer->name;
  b.customer_phones = customer->phones;
  if (vehicle) b.plate = vehicle->plate;
  out.booking = std::move(b);
  return out;
}

Result<std::string> Store::OpenSameVisitCaseLocked(const Customer& customer,
                                                   const Booking& existing, const Booking& b,
                                                   const CheckedRequest& r) {
  ConflictCase c;
  c.kind = "duplicate-booking";
  c.slot_date = b.slot_date;
  c.slot_time = b.slot_time;
  c.booking_ids = {existing.id};
  c.contacts.push_back({customer.id, customer.name,
                        customer.phones.empty() ? "" : customer.phones.front(), existing.ref,
                        "asked twice for " + b.slot_date + " " + b.slot_time + " (" +
                            ChannelText(existing.channel) + " and " + ChannelText(r.channel) +
                            "): booked once, confirm with them"});
  c.summary = "same visit booked by " + ChannelText(existing.channel) + " and " +
              ChannelText(r.channel) + "; kept booking " + existing.ref + " only";
  c.source = r.source;
  c.opened_by = r.staff;
  return OpenCaseLocked(std::move(c));
}

Result<std::optional<std::string>> Store::OpenSameDayCaseLocked(const Customer& customer,
                                                                const Booking& b,
                                                                const CheckedRequest& r) {
  // Another booking of the same vehicle (or customer) that day, by another
  // channel: both kept, and staff ask which one the customer meant.
  ASSIGN_OR_RETURN(std::optional<SameDayBooking> other, OtherChannelSameDay(*db_, b));
  if (!other) return std::optional<std::string>();
  ConflictCase c;
  c.kind = "duplicate-booking";
  c.slot_date = b.slot_date;
  c.booking_ids = {other->id, b.id};
  c.contacts.push_back({customer.id, customer.name,
                        customer.phones.empty() ? "" : customer.phones.front(), b.ref,
                        "booked twice on " + b.slot_date + ": " + other->slot_time + " (" +
                            other->channel + ", " + other->ref + ") and " + b.slot_time + " (" +
                            ChannelText(r.channel) + ", " + b.ref + "): ask which one they want"});
  c.summary = "two bookings on " + b.slot_date + " for the same " +
              (b.vehicle_id ? "vehicle" : "customer") + " by different channels";
  c.source = r.source;
  c.opened_by = r.staff;
  ASSIGN_OR_RETURN(std::string ref, OpenCaseLocked(std::move(c)));
  return std::optional<std::string>(std::move(ref));
}

Status Store::RecordHubRequestRefused(int64_t seq, const std::string& reason,
                                      const std::string& kind) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(std::optional<RequestAnswerRow> seen, FindRequestAnswer(*db_, seq));
  if (seen) return Status::Ok();  // answered once, however often it arrives
  const std::string why = reason.empty() ? std::string("refused") : reason;
  const std::string now = Now();
  RETURN_IF_ERROR(WriteRequestAnswer(
      *db_, {seq, now, kind, "refused", std::nullopt, why, std::nullopt}, OnExisting::kFail));
  RETURN_IF_ERROR(LogRequestAnswerLocked(seq, kind, "refused", why, std::nullopt, now));
  return tx->Commit();
}

Status Store::LogRequestAnswerLocked(int64_t seq, const std::string& kind,
                                     const std::string& outcome, const std::string& reason,
                                     const std::optional<std::string>& booking_id,
                                     const std::string& received_at) {
  // Logged, so head office learns the answer and why (outpost-hub requests),
  // and a rebuilt store knows it answered.
  const model::RequestAnswer answer{seq, kind, outcome, reason, received_at, booking_id};
  return log_.Record("request", settings_.store_id + ":" + std::to_string(seq), "insert",
                     model::RequestAnswerFields(answer).dump(), "system: head office request");
}

Result<int64_t> Store::LastHubRequest() { return LastRequestAnswered(*db_); }

Result<Booking> Store::LoadBooking(const std::string& query) { return FindBooking(*db_, query); }

Result<Booking> Store::GetBooking(const std::string& booking) { return LoadBooking(booking); }

namespace {

// How well a booking's phones and plate fit a desk look-up: 0 exact, 1 the
// end of one, 2 inside one; nullopt when they do not.
std::optional<int> DeskMatchRank(const Booking& b, const std::string& whole_phone,
                                 const std::string& whole_plate, const std::string& digits,
                                 const std::string& plate_part) {
  auto ends_with = [](const std::string& text, const std::string& end) {
    return !end.empty() && text.size() >= end.size() &&
           text.compare(text.size() - end.size(), end.size(), end) == 0;
  };
  auto holds = [](const std::string& text, const std::string& part) {
    return !part.empty() && text.find(part) != std::string::npos;
  };
  std::optional<int> best;
  auto fit = [&](const std::string& text, const std::string& whole, const std::string& part) {
    int rank = 3;
    if (!whole.empty() && text == whole) {
      rank = 0;
    } else if (ends_with(text, part)) {
      rank = 1;
    } else if (holds(text, part)) {
      rank = 2;
    }
    if (rank < 3 && (!best || rank < *best)) best = rank;
  };
  for (const auto& phone : b.customer_phones) fit(phone, whole_phone, digits);
  if (b.plate) fit(*b.plate, whole_plate, plate_part);
  return best;
}

}  // namespace

Result<std::vector<Booking>> Store::BookingsNamedAtDesk(const std::string& query) {
  if (IsBookingRef(query)) {
    ASSIGN_OR_RETURN(Booking b, LoadBooking(query));
    return std::vector<Booking>{std::move(b)};
  }
  auto or_empty = [](const Result<std::string>& r) { return r.ok() ? r.value() : std::string(); };
  const std::string whole_phone = or_empty(NormalizePhone(query, settings_.phone_region));
  const std::string whole_plate = or_empty(NormalizePlate(query));
  const std::string digits = PhoneDigitsFragment(query);
  const std::string plate_part = whole_plate.empty() ? PlateFragment(query) : whole_plate;
  std::vector<Booking> best;
  int best_rank = 3;
  if (!whole_phone.empty() || !digits.empty() || !plate_part.empty()) {
    // A day's bookings are a few hundred at most: read and compared here.
    ASSIGN_OR_RETURN(std::vector<Booking> today, BookingsOn(*db_, Today().ToString()));
    for (auto& b : today) {
      if (IsFinal(b.status)) continue;
      const std::optional<int> rank =
          DeskMatchRank(b, whole_phone, whole_plate, digits, plate_part);
      if (!rank || *rank > best_rank) continue;
      if (*rank < best_rank) best.clear();
      best_rank = *rank;
      best.push_back(std::move(b));
    }
  }
  // An id (or its prefix) names a booking of any day, as before.
  if (best.empty() && IsIdPrefix(query)) {
    Result<Booking> by_id = LoadBooking(query);
    if (by_id.ok()) best.push_back(std::move(by_id.value()));
    if (!by_id.ok() && by_id.status().code() != StatusCode::kNotFound) return by_id.status();
  }
  return best;
}

Result<Booking> Store::Transition(const std::string& booking, BookingStatus to,
                                  const std::string& action, const std::string& reason_text,
                                  const std::string& staff_text,
                                  std::optional<int64_t> amount_fen) {
  ASSIGN_OR_RETURN(std::string staff, CleanStaff(staff_text));
  ASSIGN_OR_RETURN(std::string reason,
                   CleanText("reason", reason_text, 200, to == BookingStatus::kCancelled));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Booking b, LoadBooking(booking));
  RETURN_IF_ERROR(TransitionLocked(b, to, action, reason, staff, std::nullopt, amount_fen));
  RETURN_IF_ERROR(tx->Commit());
  return LoadBooking(b.id);
}

Status Store::TransitionLocked(const Booking& b, BookingStatus to, const std::string& action,
                               const std::string& reason, const std::string& staff,
                               std::optional<int64_t> hub_request_seq,
                               std::optional<int64_t> amount_fen) {
  RETURN_IF_ERROR(CheckTransition(b.status, to));

  const int64_t now_ms = clock_.NowMs();
  const LocalDateTime local_now = zone_.UtcToLocal(now_ms);
  ASSIGN_OR_RETURN(LocalDate slot_date, LocalDate::Parse(b.slot_date));
  ASSIGN_OR_RETURN(LocalTime slot_time, LocalTime::Parse(b.slot_time));
  json changes = {{"status", {BookingStatusName(b.status), BookingStatusName(to)}}};

  std::optional<std::string> arrived_at, arrival_perk;
  std::optional<bool> discount_applied;
  if (to == BookingStatus::kCheckedIn) {
    if (local_now.date != slot_date) {
      return Status::Refused("booking " + b.ref + " is for " + b.slot_date + ", today is " +
                             local_now.date.ToString() + ": reschedule it first")
          .WithShown(i18n::Format("booking {0} is for {1}, today is {2}: reschedule it first",
                                  {b.ref, b.slot_date, local_now.date.ToString()}));
    }
    ASSIGN_OR_RETURN(RuleSettings rules, Rules());
    ASSIGN_OR_RETURN(int64_t requested_ms, ParseUtcMs(b.requested_at));
    const bool same_day = zone_.UtcToLocal(requested_ms).date == slot_date;
    ArrivalOutcome arrival = EvaluateArrival(rules, b.discount_eligible, same_day, local_now.time);
    arrived_at = FormatUtcMs(now_ms);
    discount_applied = arrival.discount_applied;
    if (!arrival.perk.empty()) arrival_perk = arrival.perk;
    changes["arrived_at"] = {nullptr, *arrived_at};
    changes["discount_applied"] = {nullptr, arrival.discount_applied};
    if (arrival_perk) changes["arrival_perk"] = {nullptr, *arrival_perk};
  }
  if (to == BookingStatus::kNoShow && now_ms < zone_.LocalToUtcMs(slot_date, slot_time)) {
    return Status::Refused("booking " + b.ref + " is at " + b.slot_date + " " + b.slot_time +
                           ", which has not started: a no-show is recorded only after it")
        .WithShown(i18n::Format(
            "booking {0} is at {1} {2}, which has not started: a no-show is recorded only after it",
            {b.ref, b.slot_date, b.slot_time}));
  }
  if (to == BookingStatus::kCancelled) changes["cancel_reason"] = {nullptr, reason};
  if (amount_fen) changes["amount_fen"] = {nullptr, *amount_fen};

  // A customer who came in despite losing the place is served: no longer to move.
  const bool arrived = to == BookingStatus::kCheckedIn && b.needs_reschedule;
  RETURN_IF_ERROR(UpdateBookingStatus(
      *db_, b.id,
      {to, FormatUtcMs(now_ms), arrived_at, discount_applied, arrival_perk,
       to == BookingStatus::kCancelled ? std::optional<std::string>(reason) : std::nullopt, arrived,
       amount_fen}));
  RETURN_IF_ERROR(AppendHistoryLocked(b.id, staff, action, b.status, to, changes.dump(), reason));
  model::BookingUpdate logged;
  logged.hub_request_seq = hub_request_seq;
  logged.status = to;
  logged.updated_at = FormatUtcMs(now_ms);
  logged.arrived_at = arrived_at;
  logged.discount_applied = discount_applied;
  logged.arrival_perk = arrival_perk;
  if (to == BookingStatus::kCancelled) logged.cancel_reason = reason;
  if (arrived) logged.needs_reschedule = false;
  logged.amount_fen = amount_fen;
  RETURN_IF_ERROR(
      log_.Record("booking", b.id, "update", model::BookingUpdateFields(logged).dump(), staff));
  // The follow-up the manual asks for, in the same transaction (edge/store_tasks.cc).
  if (to == BookingStatus::kCompleted) return OpenEventTaskLocked(b, "after_service", staff);
  if (to == BookingStatus::kNoShow) return OpenEventTaskLocked(b, "no_show", staff);
  return Status::Ok();
}

Result<Booking> Store::Confirm(const std::string& booking, const std::string& staff) {
  return Transition(booking, BookingStatus::kConfirmed, "confirm", "", staff);
}
Result<Booking> Store::CheckIn(const std::string& booking, const std::string& staff) {
  return Transition(booking, BookingStatus::kCheckedIn, "check-in", "", staff);
}
Result<Booking> Store::StartService(const std::string& booking, const std::string& staff) {
  return Transition(booking, BookingStatus::kInService, "start", "", staff);
}
Result<Booking> Store::Complete(const std::string& booking, const std::string& staff,
                                std::optional<int64_t> amount_fen) {
  if (amount_fen) RETURN_IF_ERROR(model::CheckAmountFen(*amount_fen));
  return Transition(booking, BookingStatus::kCompleted, "complete", "", staff, amount_fen);
}
Result<Booking> Store::Cancel(const std::string& booking, const std::string& reason,
                              const std::string& staff) {
  return Transition(booking, BookingStatus::kCancelled, "cancel", reason, staff);
}
Result<Booking> Store::NoShow(const std::string& booking, const std::string& staff) {
  return Transition(booking, BookingStatus::kNoShow, "no-show", "", staff);
}

Result<Booking> Store::Reschedule(const std::string& booking, const std::string& date_text,
                                  const std::string& time_text, const std::string& reason_text,
                                  const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff, CleanStaff(staff_text));
  ASSIGN_OR_RETURN(std::string reason, CleanText("reason", reason_text, 200, false));
  ASSIGN_OR_RETURN(LocalDate date, ParseDeskDate(date_text, Today()));
  ASSIGN_OR_RETURN(LocalTime time, ParseSlotTime(time_text));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Booking old, LoadBooking(booking));
  ASSIGN_OR_RETURN(BookOutcome moved, RescheduleLocked(old, date, time, reason, staff,
                                                       /*promised=*/false, "", std::nullopt));
  RETURN_IF_ERROR(tx->Commit());
  return LoadBooking(moved.booking.id);
}

Result<BookOutcome> Store::RescheduleLocked(const Booking& old, const LocalDate& date,
                                            const LocalTime& time, const std::string& reason,
                                            const std::string& staff, bool promised,
                                            const std::string& source,
                                            std::optional<int64_t> hub_request_seq) {
  RETURN_IF_ERROR(CheckTransition(old.status, BookingStatus::kRescheduled));
  if (old.slot_date == date.ToString() && old.slot_time == time.ToString()) {
    return Status::InvalidInput("slot: booking " + old.ref + " is already at " + old.slot_date +
                                " " + old.slot_time)
        .WithShown(i18n::Format("slot: booking {0} is already at {1} {2}",
                                {old.ref, old.slot_date, old.slot_time}))
        .WithField("slot");
  }
  const int64_t now_ms = clock_.NowMs();
  ASSIGN_OR_RETURN(int capacity, CheckSlotLocked(date, time, old.channel, now_ms));
  Booking b = old;
  b.id = NewIdAt(settings_.store_id, clock_.NowMs());
  b.slot_date = date.ToString();
  b.slot_time = time.ToString();
  b.status = BookingStatus::kRequested;
  b.staff = staff;
  b.requested_at = b.created_at = b.updated_at = FormatUtcMs(now_ms);
  b.rescheduled_from = old.id;
  b.rescheduled_to.reset();
  b.needs_reschedule = false;  // the new slot had a place
  b.form_id.reset();           // the form stays with the booking it created
  b.import_batch.reset();
  // A promised move (head office told the customer yes) is kept even into a
  // full slot; the slot is then settled and staff get a case.
  bool overfills = false;
  if (promised) {
    ASSIGN_OR_RETURN(int64_t taken, PlacesTaken(*db_, b.slot_date, b.slot_time));
    overfills = taken >= capacity;
  }
  ASSIGN_OR_RETURN(b, PlaceBookingLocked(std::move(b), capacity, now_ms, reason, promised));
  BookOutcome out;
  if (overfills) {
    ASSIGN_OR_RETURN(std::optional<std::string> settled,
                     SettleSlotLocked(b.slot_date, b.slot_time, capacity, source, staff));
    if (settled) out.cases.push_back(*settled);
  }

  RETURN_IF_ERROR(MarkRescheduled(*db_, old.id, b.id, b.updated_at));
  json changes = {
      {"status", {BookingStatusName(old.status), BookingStatusName(BookingStatus::kRescheduled)}},
      {"slot", {old.slot_date + " " + old.slot_time, b.slot_date + " " + b.slot_time}},
      {"rescheduled_to", b.id}};
  RETURN_IF_ERROR(AppendHistoryLocked(old.id, staff, "reschedule", old.status,
                                      BookingStatus::kRescheduled, changes.dump(), reason));
  model::BookingUpdate logged;
  logged.hub_request_seq = hub_request_seq;
  logged.status = BookingStatus::kRescheduled;
  logged.rescheduled_to = b.id;
  logged.updated_at = b.updated_at;
  RETURN_IF_ERROR(
      log_.Record("booking", old.id, "update", model::BookingUpdateFields(logged).dump(), staff));
  out.booking = std::move(b);
  return out;
}

Result<std::vector<HistoryEntry>> Store::History(const std::string& booking_id) {
  return BookingHistoryOf(*db_, booking_id);
}

Result<std::vector<Booking>> Store::CustomerBookings(const std::string& customer_id) {
  return BookingsOfCustomer(*db_, customer_id);
}

Result<Board> Store::DayBoard(const std::string& date_text) {
  ASSIGN_OR_RETURN(LocalDate date, ParseDeskDate(date_text, Today()));
  Board board;
  board.date = date.ToString();
  const int weekday = date.IsoWeekday();
  if (settings_.open_days.find(static_cast<char>('0' + weekday)) == std::string::npos) {
    board.open = false;
    board.closed_reason = "closed on this weekday";
  }
  ASSIGN_OR_RETURN(const std::optional<std::string> closed_reason, ClosedReason(*db_, board.date));
  if (closed_reason) {
    board.open = false;
    board.closed_reason = *closed_reason;
  }
  for (const auto& s : settings_.slots)
    board.slots.push_back({s.start_time, s.capacity, s.capacity, {}});
  ASSIGN_OR_RETURN(std::vector<Booking> day, BookingsOn(*db_, board.date));
  for (Booking& b : day) {
    auto slot = std::find_if(board.slots.begin(), board.slots.end(),
                             [&](const BoardSlot& s) { return s.time == b.slot_time; });
    if (b.needs_reschedule && HoldsPlace(b.status)) {
      board.needs_reschedule.push_back(std::move(b));
    } else if (HoldsPlace(b.status) && slot != board.slots.end()) {
      slot->bookings.push_back(std::move(b));
      slot->free = std::max(0, slot->capacity - static_cast<int>(slot->bookings.size()));
    } else {
      board.released.push_back(std::move(b));
    }
  }
  return board;
}

}  // namespace outpost::edge
