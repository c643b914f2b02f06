#include "edge/bookings.h"

#include <algorithm>
#include <cstdio>

#include "edge/customers.h"
#include "edge/day_counters.h"
#include "sync/i18n/messages.h"
#include "sync/ids.h"

namespace outpost::edge {
namespace {

// Statuses that hold a place in their slot (see HoldsPlace in sync/lifecycle.h).
constexpr const char* kHolding =
    "('requested', 'confirmed', 'checked-in', 'in-service', 'completed')";

constexpr const char* kBookingColumns =
    "b.id, b.ref, b.store_id, b.customer_id, b.vehicle_id, b.service, b.slot_date, b.slot_time,"
    " b.channel, b.status, b.notes, b.staff, b.requested_at, b.created_at, b.updated_at,"
    " b.priority_reception, b.discount_eligible, b.arrived_at, b.discount_applied,"
    " b.arrival_perk, b.cancel_reason, b.rescheduled_from, b.rescheduled_to, c.name, v.plate,"
    " (SELECT group_concat(e164, ' ') FROM customer_phones p WHERE p.customer_id = c.id),"
    " b.needs_reschedule, b.form_id, b.import_batch, b.advisor, b.bay, b.team, v.vin,"
    " v.mileage_km, b.amount_fen";
constexpr const char* kBookingJoins =
    " FROM bookings b JOIN customers c ON c.id = b.customer_id"
    " LEFT JOIN vehicles v ON v.id = b.vehicle_id ";

std::vector<std::string> SplitSpaces(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<Booking> ReadBooking(const Statement& st) {
  Booking b;
  b.id = st.Text(0);
  b.ref = st.Text(1);
  b.store_id = st.Text(2);
  b.customer_id = st.Text(3);
  b.vehicle_id = st.OptionalText(4);
  b.service = st.Text(5);
  b.slot_date = st.Text(6);
  b.slot_time = st.Text(7);
  ASSIGN_OR_RETURN(b.channel, ParseChannel(st.Text(8)));
  ASSIGN_OR_RETURN(b.status, ParseBookingStatus(st.Text(9)));
  b.notes = st.Text(10);
  b.staff = st.Text(11);
  b.requested_at = st.Text(12);
  b.created_at = st.Text(13);
  b.updated_at = st.Text(14);
  b.priority_reception = st.Int(15) != 0;
  b.discount_eligible = st.Int(16) != 0;
  b.arrived_at = st.OptionalText(17);
  if (!st.IsNull(18)) b.discount_applied = st.Int(18) != 0;
  b.arrival_perk = st.OptionalText(19);
  b.cancel_reason = st.OptionalText(20);
  b.rescheduled_from = st.OptionalText(21);
  b.rescheduled_to = st.OptionalText(22);
  b.customer_name = st.Text(23);
  b.plate = st.OptionalText(24);
  b.customer_phones = SplitSpaces(st.Text(25));
  b.needs_reschedule = st.Int(26) != 0;
  b.form_id = st.OptionalText(27);
  b.import_batch = st.OptionalText(28);
  b.advisor = st.OptionalText(29);
  b.bay = st.OptionalText(30);
  b.team = st.OptionalText(31);
  b.vin = st.OptionalText(32);
  if (!st.IsNull(33)) b.mileage_km = st.Int(33);
  if (!st.IsNull(34)) b.amount_fen = st.Int(34);
  return b;
}

// Every row `st` yields, read as bookings, in its order.
Result<std::vector<Booking>> ReadBookings(Statement& st) {
  std::vector<Booking> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(Booking b, ReadBooking(st));
    out.push_back(std::move(b));
  }
  return out;
}

// Bookings of the same vehicle as `b` (or, without one, of its customer), with
// ?3 bound to the vehicle id and ?4 to the customer id. Two shapes, so each
// finds its rows through an index (vehicle or customer, day).
std::string SameVisitorSql(const Booking& b) {
  return b.vehicle_id ? "vehicle_id = ?3 AND ?4 IS NOT NULL"
                      : "customer_id = ?4 AND vehicle_id IS NULL AND ?3 IS NULL";
}

}  // namespace

bool IsBookingRef(const std::string& text) {
  if (text.size() < 8 || text[6] != '-') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i != 6 && (text[i] < '0' || text[i] > '9')) return false;
  }
  return true;
}

// Places taken in a slot: bookings that hold one and have not lost it.
Result<int64_t> PlacesTaken(Db& db, const std::string& date, const std::string& time) {
  ASSIGN_OR_RETURN(
      Statement count,
      db.Prepare(std::string("SELECT count(*) FROM bookings WHERE slot_date = ? AND"
                             " slot_time = ? AND needs_reschedule = 0 AND status IN ") +
                 kHolding));
  count.Bind(1, date).Bind(2, time);
  ASSIGN_OR_RETURN(bool row, count.Step());
  return row ? count.Int(0) : int64_t{0};
}

// The booking (id) by which `b`'s vehicle (or, without a vehicle, its customer)
// already holds `b`'s slot, if any. With `same_day`, any slot of that day.
Result<std::optional<std::string>> SameVisit(Db& db, const Booking& b, bool same_day) {
  ASSIGN_OR_RETURN(Statement same,
                   db.Prepare("SELECT id FROM bookings WHERE " + SameVisitorSql(b) +
                              " AND slot_date = ?1 AND"
                              " (?5 OR slot_time = ?2) AND status IN " +
                              kHolding + " ORDER BY slot_time = ?2 DESC, created_at LIMIT 1"));
  same.Bind(1, b.slot_date)
      .Bind(2, b.slot_time)
      .Bind(3, b.vehicle_id)
      .Bind(4, b.customer_id)
      .Bind(5, int64_t{same_day});
  ASSIGN_OR_RETURN(bool found, same.Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(same.Text(0));
}

// Refuses the booking if its slot is full or its vehicle (or, without a
// vehicle, its customer) already holds a place in that slot.
Status CheckPlace(Db& db, const Booking& b, int capacity) {
  ASSIGN_OR_RETURN(int64_t taken, PlacesTaken(db, b.slot_date, b.slot_time));
  if (taken >= capacity) {
    return Status::Refused("slot " + b.slot_date + " " + b.slot_time + " is full (" +
                           std::to_string(taken) + " of " + std::to_string(capacity) +
                           " places taken)")
        .WithShown(i18n::Format(
            "slot {0} {1} is full ({2} of {3} places taken)",
            {b.slot_date, b.slot_time, std::to_string(taken), std::to_string(capacity)}))
        .WithField("slot");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> dup, SameVisit(db, b, false));
  if (dup) {
    ASSIGN_OR_RETURN(Statement ref, db.Prepare("SELECT ref FROM bookings WHERE id = ?"));
    ref.Bind(1, *dup);
    ASSIGN_OR_RETURN(bool row, ref.Step());
    return Status::Refused(std::string(b.vehicle_id ? "this vehicle" : "this customer") +
                           " already has booking " + (row ? ref.Text(0) : *dup) + " in slot " +
                           b.slot_date + " " + b.slot_time)
        .WithShown(
            i18n::Format("{0} already has booking {1} in slot {2} {3}",
                         {b.vehicle_id ? i18n::Tr("this vehicle") : i18n::Tr("this customer"),
                          (row ? ref.Text(0) : *dup), b.slot_date, b.slot_time}))
        .WithField(b.vehicle_id ? "vehicle" : "customer");
  }
  return Status::Ok();
}

Result<std::string> NextBookingRef(Db& db, const LocalDate& date) {
  ASSIGN_OR_RETURN(
      int64_t n, BumpDayCounter(db, DayCounter::kBookingRefs, date, 1, "allocating a booking ref"));
  return DayKey(date) + "-" + std::to_string(n);
}

Status AppendBookingHistory(Db& db, const HistoryRow& h) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("INSERT INTO booking_history (booking_id, at, staff, action,"
                              " from_status, to_status, changes, reason)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, h.booking_id).Bind(2, h.at).Bind(3, h.staff).Bind(4, h.action);
  if (h.from) {
    st.Bind(5, BookingStatusName(*h.from));
  } else {
    st.BindNull(5);
  }
  st.Bind(6, BookingStatusName(h.to)).Bind(7, h.changes_json);
  if (h.reason.empty()) {
    st.BindNull(8);
  } else {
    st.Bind(8, h.reason);
  }
  return st.Run();
}

namespace {

// Every column of a booking's row, bound as ?1 (the id) to ?30: one order for
// the insert and the rewrite, so a column added is added to both.
constexpr const char* kRowColumns =
    "id, ref, store_id, customer_id, vehicle_id, service, slot_date, slot_time, channel, status,"
    " notes, staff, requested_at, created_at, updated_at, priority_reception, discount_eligible,"
    " rescheduled_from, form_id, import_batch, arrived_at, discount_applied, arrival_perk,"
    " cancel_reason, rescheduled_to, needs_reschedule, advisor, bay, team, amount_fen";

void BindRow(Statement& st, const Booking& b) {
  st.Bind(1, b.id)
      .Bind(2, b.ref)
      .Bind(3, b.store_id)
      .Bind(4, b.customer_id)
      .Bind(5, b.vehicle_id)
      .Bind(6, b.service)
      .Bind(7, b.slot_date)
      .Bind(8, b.slot_time)
      .Bind(9, ChannelName(b.channel))
      .Bind(10, BookingStatusName(b.status))
      .Bind(11, b.notes)
      .Bind(12, b.staff)
      .Bind(13, b.requested_at)
      .Bind(14, b.created_at)
      .Bind(15, b.updated_at)
      .Bind(16, int64_t{b.priority_reception})
      .Bind(17, int64_t{b.discount_eligible})
      .Bind(18, b.rescheduled_from)
      .Bind(19, b.form_id)
      .Bind(20, b.import_batch)
      .Bind(21, b.arrived_at);
  if (b.discount_applied) {
    st.Bind(22, int64_t{*b.discount_applied});
  } else {
    st.BindNull(22);
  }
  st.Bind(23, b.arrival_perk).Bind(24, b.cancel_reason).Bind(25, b.rescheduled_to);
  st.Bind(26, int64_t{b.needs_reschedule});
  st.Bind(27, b.advisor).Bind(28, b.bay).Bind(29, b.team);
  if (b.amount_fen) {
    st.Bind(30, *b.amount_fen);
  } else {
    st.BindNull(30);
  }
}

}  // namespace

Status InsertBookingRow(Db& db, const Booking& b) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("INSERT INTO bookings (") + kRowColumns +
                                            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                                            " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
                                            " ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28,"
                                            " ?29, ?30)"));
  BindRow(st, b);
  return st.Run();
}

Status UpdateBookingRow(Db& db, const Booking& b) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare("UPDATE bookings SET ref = ?2, store_id = ?3, customer_id = ?4,"
                 " vehicle_id = ?5, service = ?6, slot_date = ?7, slot_time = ?8, channel = ?9,"
                 " status = ?10, notes = ?11, staff = ?12, requested_at = ?13, created_at = ?14,"
                 " updated_at = ?15, priority_reception = ?16, discount_eligible = ?17,"
                 " rescheduled_from = ?18, form_id = ?19, import_batch = ?20, arrived_at = ?21,"
                 " discount_applied = ?22, arrival_perk = ?23, cancel_reason = ?24,"
                 " rescheduled_to = ?25, needs_reschedule = ?26, advisor = ?27, bay = ?28,"
                 " team = ?29, amount_fen = ?30 WHERE id = ?1"));
  BindRow(st, b);
  RETURN_IF_ERROR(st.Run());
  if (db.RowsChanged() != 1) {
    return Status::NotFound("booking " + b.id + " does not exist")
        .WithShown(i18n::Format("booking {0} does not exist", {b.id}));
  }
  return Status::Ok();
}

Status UpdateBookingAssignment(Db& db, const std::string& id, const AssignmentRow& a) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("UPDATE bookings SET advisor = coalesce(?, advisor),"
                                            " bay = coalesce(?, bay), team = coalesce(?, team),"
                                            " updated_at = ? WHERE id = ?"));
  st.Bind(1, a.advisor).Bind(2, a.bay).Bind(3, a.team).Bind(4, a.at).Bind(5, id);
  RETURN_IF_ERROR(st.Run());
  if (db.RowsChanged() != 1) {
    return Status::NotFound("booking " + id + " does not exist")
        .WithShown(i18n::Format("booking {0} does not exist", {id}));
  }
  return Status::Ok();
}

Status UpdateBookingStatus(Db& db, const std::string& id, const StatusRow& s) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("UPDATE bookings SET status = ?, updated_at = ?,"
                              " arrived_at = coalesce(?, arrived_at),"
                              " discount_applied = coalesce(?, discount_applied),"
                              " arrival_perk = coalesce(?, arrival_perk),"
                              " cancel_reason = coalesce(?, cancel_reason),"
                              " amount_fen = coalesce(?, amount_fen),"
                              " needs_reschedule = needs_reschedule AND ? WHERE id = ?"));
  st.Bind(1, BookingStatusName(s.to)).Bind(2, s.at).Bind(3, s.arrived_at);
  if (s.discount_applied) {
    st.Bind(4, int64_t{*s.discount_applied});
  } else {
    st.BindNull(4);
  }
  st.Bind(5, s.arrival_perk).Bind(6, s.cancel_reason);
  if (s.amount_fen) {
    st.Bind(7, *s.amount_fen);
  } else {
    st.BindNull(7);
  }
  st.Bind(8, int64_t{!s.clears_needs_reschedule}).Bind(9, id);
  return st.Run();
}

Status MarkRescheduled(Db& db, const std::string& old_id, const std::string& new_id,
                       const std::string& at) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("UPDATE bookings SET status = 'rescheduled',"
                                            " rescheduled_to = ?, updated_at = ? WHERE id = ?"));
  st.Bind(1, new_id).Bind(2, at).Bind(3, old_id);
  return st.Run();
}

Result<bool> NeedsReschedule(Db& db, const std::string& id) {
  ASSIGN_OR_RETURN(Statement flag,
                   db.Prepare("SELECT needs_reschedule FROM bookings WHERE id = ?"));
  flag.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, flag.Step());
  const bool needs = row && flag.Int(0) != 0;
  flag.Reset();
  return needs;
}

Result<int64_t> BookingsHoldingPlacesOn(Db& db, const std::string& date) {
  ASSIGN_OR_RETURN(Statement count,
                   db.Prepare(std::string("SELECT count(*) FROM bookings WHERE slot_date = ?"
                                          " AND status IN ") +
                              kHolding));
  count.Bind(1, date);
  ASSIGN_OR_RETURN(bool row, count.Step());
  const int64_t n = row ? count.Int(0) : 0;
  count.Reset();
  return n;
}

Result<std::optional<SameDayBooking>> OtherChannelSameDay(Db& db, const Booking& b) {
  ASSIGN_OR_RETURN(
      Statement other,
      db.Prepare("SELECT id, ref, slot_time, channel FROM bookings WHERE " + SameVisitorSql(b) +
                 " AND slot_date = ?1 AND id != ?2 AND status IN " + kHolding +
                 " AND channel != ?5 ORDER BY slot_time LIMIT 1"));
  other.Bind(1, b.slot_date)
      .Bind(2, b.id)
      .Bind(3, b.vehicle_id)
      .Bind(4, b.customer_id)
      .Bind(5, ChannelName(b.channel));
  ASSIGN_OR_RETURN(bool twice, other.Step());
  if (!twice) return std::optional<SameDayBooking>();
  SameDayBooking found{other.Text(0), other.Text(1), other.Text(2), other.Text(3)};
  other.Reset();
  return std::optional<SameDayBooking>(std::move(found));
}

Result<Booking> FindBooking(Db& db, const std::string& query) {
  std::string where;
  if (IsBookingRef(query)) {
    where = "WHERE b.ref = ?1";
  } else if (IsIdPrefix(query)) {
    where = "WHERE " + IdMatchSql("b.id");
  } else {
    return Status::InvalidInput("booking: '" + query +
                                "' is neither a booking ref (261124-3) nor a booking id")
        .WithShown(i18n::Format(
            "booking: '{0}' is neither a booking ref (261124-3) nor a booking id", {query}));
  }
  ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kBookingColumns +
                                            kBookingJoins + where + " LIMIT 2"));
  st.Bind(1, query);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return Status::NotFound("booking: no booking '" + query + "'")
        .WithShown(i18n::Format("booking: no booking '{0}'", {query}));
  }
  ASSIGN_OR_RETURN(Booking b, ReadBooking(st));
  ASSIGN_OR_RETURN(bool second, st.Step());
  if (second) {
    return Status::InvalidInput("booking: id '" + query +
                                "' matches several bookings; give more of it")
        .WithShown(
            i18n::Format("booking: id '{0}' matches several bookings; give more of it", {query}));
  }
  return b;
}

Result<std::vector<HistoryEntry>> BookingHistoryOf(Db& db, const std::string& booking_id) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT seq, booking_id, at, staff, action, from_status,"
                              " to_status, changes, reason FROM booking_history"
                              " WHERE booking_id = ? ORDER BY seq"));
  st.Bind(1, booking_id);
  std::vector<HistoryEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.OptionalText(5),
                   st.Text(6), st.Text(7), st.OptionalText(8)});
  }
  return out;
}

Result<std::vector<Booking>> BookingsOfCustomer(Db& db, const std::string& customer_id) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(std::string("SELECT ") + kBookingColumns + kBookingJoins +
                              "WHERE b.customer_id = ? ORDER BY b.slot_date DESC,"
                              " b.slot_time DESC"));
  st.Bind(1, customer_id);
  return ReadBookings(st);
}

Result<std::vector<Booking>> BookingsForReport(Db& db, const std::string& from_date,
                                               const std::string& to_date) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(std::string("SELECT ") + kBookingColumns + kBookingJoins +
                              "WHERE (b.slot_date >= ?1 AND b.slot_date < ?2)"
                              " OR (b.requested_at >= ?1 AND b.requested_at < ?2)"
                              " ORDER BY b.slot_date, b.slot_time, b.id"));
  st.Bind(1, from_date).Bind(2, to_date);
  return ReadBookings(st);
}

Result<std::map<std::string, std::string>> CancelTimes(Db& db, const std::string& from_date,
                                                       const std::string& to_date) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT h.booking_id, MIN(h.at) FROM booking_history h"
                                            " JOIN bookings b ON b.id = h.booking_id"
                                            " WHERE h.to_status = 'cancelled' AND b.slot_date >= ?"
                                            " AND b.slot_date < ? GROUP BY h.booking_id"));
  st.Bind(1, from_date).Bind(2, to_date);
  std::map<std::string, std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Text(0)] = st.Text(1);
  }
  return out;
}

Result<std::vector<Booking>> BookingsOn(Db& db, const std::string& date) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare(std::string("SELECT ") + kBookingColumns + kBookingJoins +
                              "WHERE b.slot_date = ? ORDER BY b.slot_time,"
                              " b.created_at, b.ref"));
  st.Bind(1, date);
  return ReadBookings(st);
}

Result<std::vector<SlotHolder>> SlotHolders(Db& db, const std::string& date,
                                            const std::string& time) {
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare("SELECT b.id, b.ref, b.status, b.requested_at, b.channel, b.customer_id,"
                 " c.name, (SELECT min(e164) FROM customer_phones p WHERE p.customer_id = c.id),"
                 " b.needs_reschedule"
                 " FROM bookings b JOIN customers c ON c.id = b.customer_id"
                 " WHERE b.slot_date = ? AND b.slot_time = ?"
                 " AND b.status IN ('requested', 'confirmed', 'checked-in', 'in-service',"
                 " 'completed') ORDER BY b.requested_at, b.id"));
  st.Bind(1, date).Bind(2, time);
  std::vector<SlotHolder> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(BookingStatus status, ParseBookingStatus(st.Text(2)));
    out.push_back({st.Text(0), st.Text(1), status, st.Text(3), st.Text(4), st.Text(5), st.Text(6),
                   st.OptionalText(7).value_or(""), st.Int(8) != 0});
  }
  return out;
}

Result<std::optional<std::string>> RefIfStillToMove(Db& db, const std::string& id) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT ref, status FROM bookings WHERE id = ?"
                                            " AND needs_reschedule = 1 AND status IN"
                                            " ('requested', 'confirmed')"));
  st.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  std::optional<std::string> ref = st.Text(0);
  st.Reset();
  return ref;
}

Status SetNeedsReschedule(Db& db, const std::string& id, bool needs, const std::string& at) {
  // Two fixed texts, so each stays one pooled prepared statement.
  ASSIGN_OR_RETURN(Statement flag, db.Prepare(needs ? "UPDATE bookings SET needs_reschedule = 1,"
                                                      " updated_at = ? WHERE id = ?"
                                                    : "UPDATE bookings SET needs_reschedule = 0,"
                                                      " updated_at = ? WHERE id = ?"));
  flag.Bind(1, at).Bind(2, id);
  return flag.Run();
}

Result<std::vector<BookingKey>> FindBookingKeys(Db& db, const std::string& query) {
  const bool is_ref = query.size() >= 8 && query[6] == '-';
  ASSIGN_OR_RETURN(
      Statement st,
      db.Prepare(is_ref ? "SELECT id, store_id FROM bookings WHERE ref = ?1"
                        : "SELECT id, store_id FROM bookings WHERE " + IdMatchSql("id")));
  st.Bind(1, query);
  std::vector<BookingKey> found;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    found.push_back({st.Text(0), st.Text(1)});
  }
  return found;
}

}  // namespace outpost::edge
