// Bookings and slots (tables bookings, booking_ref_counters, booking_history).
//
// The only place that holds their SQL. The booking rules (notice, capacity,
// one place per vehicle, perks, the lifecycle, cases) run in edge::Store,
// which calls these functions inside its write transaction and logs each
// change through its ChangeWriter (edge/change_writer.h) in that same
// transaction; tools read through them without a Store (audit of a store's
// database). Functions act on the caller's Db; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sync/civil_time.h"
#include "sync/lifecycle.h"
#include "sync/model/booking.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

// A booking as logged (sync/model/booking.h), with what the desk shows beside it.
struct Booking : outpost::model::Booking {
  // Joined for display.
  std::string customer_name;
  std::vector<std::string> customer_phones;
  std::optional<std::string> plate;
  // The vehicle's VIN and last known mileage (the preparation list).
  std::optional<std::string> vin;
  std::optional<int64_t> mileage_km;
};

struct HistoryEntry {
  int64_t seq = 0;
  std::string booking_id;
  std::string at;
  std::string staff;
  std::string action;
  std::optional<std::string> from_status;
  std::string to_status;
  std::string changes_json;
  std::optional<std::string> reason;
};

// ---- reads ----

// A desk ref as staff say it: "YYMMDD-N".
bool IsBookingRef(const std::string& text);

// A booking by ref ("261124-3"), id, or unique id prefix, with its customer's
// name and phones and its vehicle's plate.
Result<Booking> FindBooking(Db& db, const std::string& query);
// A customer's bookings, newest slot first.
Result<std::vector<Booking>> BookingsOfCustomer(Db& db, const std::string& customer_id);
// The bookings of a day ("YYYY-MM-DD"), by slot and booking order.
Result<std::vector<Booking>> BookingsOn(Db& db, const std::string& date);
Result<std::vector<HistoryEntry>> BookingHistoryOf(Db& db, const std::string& booking_id);
// Every booking whose slot or making (requested_at, UTC text) falls in
// [from, to): the month report's bookings (sync/kpi/month_report.h). The
// caller widens the range by a day each side and decides by local dates.
Result<std::vector<Booking>> BookingsForReport(Db& db, const std::string& from_date,
                                               const std::string& to_date);
// When each booking was cancelled (its first history step to "cancelled"),
// by booking id, for the bookings with a slot in [from_date, to_date).
Result<std::map<std::string, std::string>> CancelTimes(Db& db, const std::string& from_date,
                                                       const std::string& to_date);

// Places taken in a slot: bookings that hold one and have not lost it.
Result<int64_t> PlacesTaken(Db& db, const std::string& date, const std::string& time);
// Bookings holding a place on `date`, whatever their slot.
Result<int64_t> BookingsHoldingPlacesOn(Db& db, const std::string& date);
// The booking (id) by which `b`'s vehicle (or, without a vehicle, its customer)
// already holds `b`'s slot, if any. With `same_day`, any slot of that day.
Result<std::optional<std::string>> SameVisit(Db& db, const Booking& b, bool same_day);
// Refuses the booking if its slot is full or its vehicle (or, without a
// vehicle, its customer) already holds a place in that slot. The refusal
// names the field "slot", "vehicle" or "customer".
Status CheckPlace(Db& db, const Booking& b, int capacity);

// Another booking holding a place the same day for `b`'s vehicle (or
// customer) by a channel other than `b`'s.
struct SameDayBooking {
  std::string id;
  std::string ref;
  std::string slot_time;
  std::string channel;
};
Result<std::optional<SameDayBooking>> OtherChannelSameDay(Db& db, const Booking& b);

// An active booking of a slot, as the settling of an over-full slot weighs it.
struct SlotHolder {
  std::string id, ref;
  BookingStatus status = BookingStatus::kRequested;
  std::string requested_at, channel, customer_id, name, phone;
  bool needs_reschedule = false;  // told to move by an earlier overflow
};
// Every booking holding a place in the slot, in order of asking (then id).
Result<std::vector<SlotHolder>> SlotHolders(Db& db, const std::string& date,
                                            const std::string& time);
// The ref of a booking still to move (lost its place, not yet moved), if it is.
Result<std::optional<std::string>> RefIfStillToMove(Db& db, const std::string& id);
// Flags (or clears) that a booking lost its place; the caller logs it.
Status SetNeedsReschedule(Db& db, const std::string& id, bool needs, const std::string& at);

// Whether a booking lost its place in an over-full slot.
Result<bool> NeedsReschedule(Db& db, const std::string& id);

// ---- writes (in the caller's transaction; the caller logs the change) ----

// The next desk ref of a slot day: "YYMMDD-N", never handed out twice.
Result<std::string> NextBookingRef(Db& db, const LocalDate& date);
// A new booking's row, every column as `b` has it.
Status InsertBookingRow(Db& db, const Booking& b);

// One row of the desk's per-booking history.
struct HistoryRow {
  std::string booking_id;
  std::string at;  // UTC text
  std::string staff;
  std::string action;
  std::optional<BookingStatus> from;
  BookingStatus to = BookingStatus::kRequested;
  std::string changes_json;
  std::string reason;  // empty: none
};
Status AppendBookingHistory(Db& db, const HistoryRow& row);

// A status change; set fields are written, unset ones kept.
struct StatusRow {
  BookingStatus to = BookingStatus::kRequested;
  std::string at;  // updated_at, UTC text
  std::optional<std::string> arrived_at;
  std::optional<bool> discount_applied;
  std::optional<std::string> arrival_perk;
  std::optional<std::string> cancel_reason;
  bool clears_needs_reschedule = false;  // came in despite losing the place
  std::optional<int64_t> amount_fen;     // a completion's worth
};
Status UpdateBookingStatus(Db& db, const std::string& id, const StatusRow& change);
// The old booking of a move: 'rescheduled', linked to the new one.
Status MarkRescheduled(Db& db, const std::string& old_id, const std::string& new_id,
                       const std::string& at);
// An assignment: advisor, bay and team set where given (unset: kept), and
// updated_at. The caller checks the booking may change and logs it.
struct AssignmentRow {
  std::optional<std::string> advisor, bay, team;
  std::string at;  // updated_at, UTC text
};
Status UpdateBookingAssignment(Db& db, const std::string& id, const AssignmentRow& change);
// Every column of an existing booking set to `b`'s (replay and verify
// --repair put a row as its change log says). NotFound when none has the id.
Status UpdateBookingRow(Db& db, const Booking& b);

// A booking a reader named: its id and the store that holds it.
struct BookingKey {
  std::string id;
  std::string store_id;
};

// The bookings a desk ref ("261124-3") or an id (or unique prefix) names:
// none, one, or several when a prefix is ambiguous.
Result<std::vector<BookingKey>> FindBookingKeys(Db& db, const std::string& query);

}  // namespace outpost::edge
