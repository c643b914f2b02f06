// Store's assignment and preparation list (the marked block of edge/store.h;
// types in edge/prep.h; docs/OUTREACH.md, "Assignment and the preparation
// list"). The assignment is a logged update of the booking (fields advisor,
// bay, team: sync/model/booking.h), written through the bookings' owner
// (edge/bookings.h) with its history row and
// change-log entry in one transaction. The list is read through the day's
// board, so it holds the bookings the board shows holding a place.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "edge/bookings.h"
#include "edge/prep.h"
#include "edge/store.h"
#include "sync/i18n/messages.h"
#include "sync/normalize.h"

namespace outpost::edge {
namespace {

using nlohmann::json;

// One field of an assignment: what was typed, cleaned; an empty value is
// refused (an assignment is replaced, never cleared).
Result<std::optional<std::string>> AssignedField(const char* field,
                                                 const std::optional<std::string>& raw) {
  if (!raw) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::optional<std::string> clean, CleanAssigned(field, *raw));
  if (!clean) {
    return Status::InvalidInput(std::string(field) +
                                ": empty; give who or what to assign (an assignment is"
                                " replaced, not cleared)")
        .WithShown(i18n::Format(
            "{0}: empty; give who or what to assign (an assignment is replaced, not cleared)",
            {field}))
        .WithField(field);
  }
  return clean;
}

// The fields of `wanted` that differ from what `b` holds, for the row, the
// log and the history; with none left, InvalidInput naming the first field
// given (the booking holds it already).
Status Differences(const Booking& b, const Assignment& wanted, AssignmentRow& row,
                   model::BookingUpdate& logged, json& changes) {
  struct Field {
    const char* name;
    const std::optional<std::string>& want;
    const std::optional<std::string>& held;
    std::optional<std::string>& row_value;
    std::optional<std::string>& logged_value;
  };
  const Field fields[] = {{"advisor", wanted.advisor, b.advisor, row.advisor, logged.advisor},
                          {"bay", wanted.bay, b.bay, row.bay, logged.bay},
                          {"team", wanted.team, b.team, row.team, logged.team}};
  const Field* first_given = nullptr;
  for (const Field& f : fields) {
    if (!f.want) continue;
    if (!first_given) first_given = &f;
    if (f.want == f.held) continue;
    f.row_value = f.want;
    f.logged_value = f.want;
    changes[f.name] = {f.held ? json(*f.held) : json(nullptr), *f.want};
  }
  if (!first_given) {
    return Status::InvalidInput("assign: nothing to change; give --advisor, --bay or --team")
        .WithField("advisor");
  }
  if (changes.empty()) {
    return Status::InvalidInput(std::string(first_given->name) + ": booking " + b.ref +
                                " already has " + first_given->name + " '" + *first_given->held +
                                "'; nothing to change")
        .WithShown(i18n::Format("{0}: booking {1} already has {2} '{3}'; nothing to change",
                                {first_given->name, b.ref, first_given->name, *first_given->held}))
        .WithField(first_given->name);
  }
  return Status::Ok();
}

}  // namespace

Result<Booking> Store::Assign(const std::string& booking, const Assignment& assignment,
                              const std::string& staff_text) {
  ASSIGN_OR_RETURN(std::string staff,
                   WithField(CleanText("staff", staff_text, 60, /*required=*/true), "staff"));
  Assignment wanted;
  ASSIGN_OR_RETURN(wanted.advisor, AssignedField("advisor", assignment.advisor));
  ASSIGN_OR_RETURN(wanted.bay, AssignedField("bay", assignment.bay));
  ASSIGN_OR_RETURN(wanted.team, AssignedField("team", assignment.team));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Booking b, LoadBooking(booking));
  // A final booking's visit is over or will not happen: nothing to prepare,
  // and its record stays as it ended.
  if (IsFinal(b.status)) {
    return Status::Refused("booking " + b.ref + " is " + std::string(BookingStatusName(b.status)) +
                           ": a final booking is not assigned")
        .WithShown(i18n::Format("booking {0} is {1}: a final booking is not assigned",
                                {b.ref, BookingStatusName(b.status)}))
        .WithField("status");
  }
  const std::string now = Now();
  AssignmentRow row;
  row.at = now;
  model::BookingUpdate logged;
  logged.updated_at = now;
  json changes = json::object();
  RETURN_IF_ERROR(Differences(b, wanted, row, logged, changes));
  RETURN_IF_ERROR(UpdateBookingAssignment(*db_, b.id, row));
  RETURN_IF_ERROR(
      AppendHistoryLocked(b.id, staff, "assign", b.status, b.status, changes.dump(), ""));
  RETURN_IF_ERROR(
      log_.Record("booking", b.id, "update", model::BookingUpdateFields(logged).dump(), staff));
  RETURN_IF_ERROR(tx->Commit());
  return LoadBooking(b.id);
}

Result<PrepList> Store::Preparation(const std::string& date) {
  ASSIGN_OR_RETURN(Board board, DayBoard(date));
  PrepList list;
  list.store_id = settings_.store_id;
  list.store_name = settings_.name;
  list.date = board.date;
  list.open = board.open;
  list.closed_reason = board.closed_reason;
  for (const BoardSlot& slot : board.slots) {
    for (const Booking& b : slot.bookings) list.entries.push_back(PrepEntryOf(b));
  }
  // A booking still holding a place at a time the grid no longer has (the
  // grid changed after it was made) is on the board's released list, but the
  // customer is still coming.
  for (const Booking& b : board.released) {
    if (HoldsPlace(b.status)) list.entries.push_back(PrepEntryOf(b));
  }
  // The grid as configured may not be in time order; the list always is
  // (stable: each slot keeps its booking order).
  std::stable_sort(
      list.entries.begin(), list.entries.end(),
      [](const PrepEntry& a, const PrepEntry& b) { return a.slot_time < b.slot_time; });
  list.to_move = static_cast<int>(board.needs_reschedule.size());
  CountPerAdvisor(list);
  return list;
}

}  // namespace outpost::edge
