// The waitlist (table waitlist_entries): customers waiting for a place in a
// date range, offered freed places by tier, then waiting time, with a hold.
//
// The rules (who gets which place, holds, booking on acceptance) are the
// store's operations (edge/store.h, written in edge/store_waitlist.cc, logged
// as entity "waitlist" through its ChangeWriter in the row's transaction);
// the functions here are the only SQL on the table, used by the store and by
// replay. Each row's columns are the entry's logged fields
// (sync/model/waitlist.h), read back through the model's codec. Functions act
// on the caller's Db; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "edge/bookings.h"
#include "sync/model/waitlist.h"
#include "sync/sqlite.h"
#include "sync/status.h"

namespace outpost::edge {

// An entry as logged, with what the desk shows beside it.
struct WaitlistEntry : outpost::model::WaitlistEntry {
  std::string customer_name;
  std::vector<std::string> customer_phones;  // E.164
  std::optional<std::string> plate;
  std::optional<std::string> booking_ref;  // when booked
  // Where AddToWaitlist took the tier from: "given" (staff said), "segment"
  // (head office's profile), "default" (no segment known: regular). Not a
  // column: empty on entries read back later.
  std::string tier_from;
};

// What staff type to put a customer on the list: raw, checked by
// Store::AddToWaitlist, which names the field of a refusal.
struct WaitlistRequest {
  std::string customer;  // id, phone, plate or member id
  // Plate or VIN of one of the customer's vehicles; empty: their only one, if
  // they have exactly one, else none.
  std::string vehicle;
  std::string service = "maintenance";
  std::string date_from;  // YYYY-MM-DD, today, tomorrow or +N
  std::string date_to;
  // Slot times of the grid, or "morning" (slots before 12:00) / "afternoon";
  // empty: any slot.
  std::vector<std::string> preferred_times;
  // vip, regular, new (model::kWaitlistTiers); empty: the customer's value
  // tier from head office's profile (its segment), else "regular".
  std::string tier;
  bool auto_book = false;  // book at once, without asking the customer again
  std::string note;        // kept as the entry's reason
  std::string staff;
};

// How an offer run holds places.
struct WaitlistOfferOptions {
  int hold_minutes = 120;  // 1 to 1440
  std::string staff;
};

// One thing an offer run did, in the order it did them.
struct WaitlistAction {
  // "expired": a hold ran out unanswered; "offered": a place held for the
  // entry; "booked": an auto-book entry booked; "not-booked": the booking rules
  // refused an auto-book entry this place (it keeps waiting; nothing written).
  std::string kind;
  WaitlistEntry entry;  // as it is after the action
  std::optional<Booking> booking;
  std::string detail;
};

struct WaitlistRun {
  std::vector<WaitlistAction> actions;
};

// ---- the waitlist_entries table ----

// Writes the row whole as `entry` has it (inserted, or replaced by id), with no
// change logged: the store logs its own change beside it; replay writes what
// the log says.
Status WriteWaitlistRow(Db& db, const model::WaitlistEntry& entry);
// The door for replay (edge/replay.cc): the row as the log's fold of the entry
// says, not logged. In the caller's transaction.
Status PutWaitlistEntryFromLog(Db& db, const model::WaitlistEntry& entry);

// By id, unique id prefix or its last digits as shown (ShortId).
Result<WaitlistEntry> FindWaitlistEntry(Db& db, const std::string& query);
// In offer order (model::WaitlistOrder); `open_only`: waiting and offered.
Result<std::vector<WaitlistEntry>> WaitlistEntries(Db& db, bool open_only);
// A customer's open entries (waiting or offered).
Result<std::vector<WaitlistEntry>> OpenWaitlistEntriesOf(Db& db, const std::string& customer_id);

}  // namespace outpost::edge
