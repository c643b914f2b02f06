// Assignment and the day-before preparation list (issue 16, item 3;
// docs/OUTREACH.md, "Assignment and the preparation list").
//
// Before a customer arrives the store prepares parts, bay, technician team and
// service advisor; before closing, tomorrow's bookings go to the workshop
// supervisor. A booking carries its advisor, bay and team (logged fields of
// the booking, sync/model/booking.h); Store::Assign sets them and
// Store::Preparation reads a day's list (edge/store_prep.cc). The list holds
// no full phone number: it is printed and handed round the workshop, so a
// phone is shown by its last four digits only. Pure types and functions here;
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/bookings.h"
#include "sync/lifecycle.h"
#include "sync/status.h"

namespace outpost::edge {

// What an assignment changes, as typed at the desk; unset fields are kept.
// Store::Assign cleans each (CleanText) and refuses an empty one: an
// assignment is replaced, never cleared.
struct Assignment {
  std::optional<std::string> advisor;
  std::optional<std::string> bay;
  std::optional<std::string> team;
};

// The longest advisor, bay and team the store keeps (characters).
constexpr size_t kMaxAdvisorChars = 60;
constexpr size_t kMaxBayChars = 20;
constexpr size_t kMaxTeamChars = 60;

// An advisor, bay or team as typed ("advisor", "bay", "team"), cleaned like
// other desk text (one line) and held to its length; nothing when it cleans
// to empty. InvalidInput naming the field and the value when bad.
Result<std::optional<std::string>> CleanAssigned(const std::string& field, const std::string& raw);

// One arrival to prepare for.
struct PrepEntry {
  std::string booking_id;
  std::string ref;
  std::string slot_time;
  BookingStatus status = BookingStatus::kRequested;
  std::string customer_name;
  // The last four digits of the customer's first phone; empty when none.
  std::string phone_last4;
  std::string service;
  std::optional<std::string> plate;
  std::optional<std::string> vin;
  std::optional<int64_t> mileage_km;  // the vehicle's last known mileage
  std::string notes;                  // the parts note: the booking's notes
  std::optional<std::string> advisor;
  std::optional<std::string> bay;
  std::optional<std::string> team;
  Channel channel = Channel::kPhone;
  bool priority_reception = false;
  bool discount_eligible = false;
};

// How many arrivals one advisor has; `advisor` unset: the unassigned ones.
struct AdvisorLoad {
  std::optional<std::string> advisor;
  int bookings = 0;
};

// A day's preparation list.
struct PrepList {
  std::string store_id;
  std::string store_name;
  std::string date;  // "YYYY-MM-DD", store local
  bool open = true;
  std::string closed_reason;
  // Every booking holding a place that day, in slot order (then booking order).
  std::vector<PrepEntry> entries;
  // Per advisor, by name; the unassigned last, when there are any.
  std::vector<AdvisorLoad> per_advisor;
  int unassigned = 0;  // entries with no advisor
  // Bookings of the day that lost their place in an over-full slot: not on
  // the list until staff move or keep them (the board shows them).
  int to_move = 0;
};

// "8000" for "+8613800138000": the last four digits, or all of a shorter one.
std::string PhoneLast4(const std::string& e164);
// One arrival as the list shows it (no full phone kept).
PrepEntry PrepEntryOf(const Booking& b);
// Counts the list's entries per advisor into `list.per_advisor` and `list.unassigned`.
void CountPerAdvisor(PrepList& list);

// Columns a UTF-8 text takes on a terminal or a printed page: East Asian wide
// and full-width characters take two, combining marks none, others one.
int DisplayColumns(std::string_view utf8);
// `text` broken into lines of at most `columns` display columns, at spaces
// where it can and between characters where it must (Chinese has no spaces);
// its own line breaks kept. Invalid UTF-8 is cut bytewise (never produced:
// desk text is cleaned).
std::vector<std::string> WrapToColumns(std::string_view text, int columns);

}  // namespace outpost::edge
