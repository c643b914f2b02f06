// A waitlist entry as the change log carries it (entity "waitlist"), and its codec.
//
// A customer waits for a place in a date range, at preferred slot times (none:
// any slot). When a place frees, the store offers it to the waiting entries in
// offer order (WaitlistOrder: tier, then waiting time) with a hold time; the
// customer accepts (booked through the store's booking rules), declines or
// lets the hold run out, and the place goes to the next entry.
//
// Logged whole when added (op "insert": WaitlistInsertFields, every key
// written, null where absent), then by the fields that changed (op "update":
// WaitlistUpdateFields). An update never clears a field: the offer fields keep
// the last offer made (its date, time, when and until when), and `status` says
// whether it is still held ("offered"). So a fold of the log by key (sync/merge.h)
// is the entry. Parse errors are InvalidInput naming the field ("waitlist:
// hold_until: '...' is not a UTC time"); a timestamp that does not parse is
// refused, never read as 0. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sync/status.h"

namespace outpost::model {

// Tiers in offer order: "vip" first, then "regular", then "new" (a customer
// without history waits behind those the store already serves).
inline constexpr const char* kWaitlistTiers[] = {"vip", "regular", "new"};
// The tier's place in offer order (0 first); -1 for a text that is no tier.
int WaitlistTierRank(const std::string& tier);

// An entry's states. "waiting": in line for a place; "offered": a place is
// held for it until hold_until; "booked": accepted (or auto-booked), see
// booking_id; "declined", "expired" (the hold ran out unanswered) and
// "cancelled" leave the line for good (staff add the customer again to wait anew).
inline constexpr const char* kWaitlistStatuses[] = {"waiting",  "offered", "booked",
                                                    "declined", "expired", "cancelled"};
bool IsWaitlistStatus(const std::string& status);

struct WaitlistEntry {
  std::string id;  // the entity id; not among the logged fields
  std::string store_id;
  std::string customer_id;
  std::optional<std::string> vehicle_id;
  std::string service;
  std::string date_from;                     // "YYYY-MM-DD", store local, inclusive
  std::string date_to;                       // "YYYY-MM-DD", not before date_from
  std::vector<std::string> preferred_times;  // "HH:MM" slots of the grid; empty: any
  std::string tier = "regular";              // kWaitlistTiers
  bool auto_book = false;  // the customer asked to be booked without being asked again
  std::string created_at;  // UTC; when the wait began (the order within a tier)
  std::string staff;       // who put the customer on the list
  std::string status = "waiting";
  // The last place offered (kept after the offer ends; `status` says if it is held).
  std::optional<std::string> offer_date;  // "YYYY-MM-DD"
  std::optional<std::string> offer_time;  // "HH:MM"
  std::optional<std::string> offered_at;  // UTC
  std::optional<std::string> hold_until;  // UTC
  std::optional<std::string> booking_id;  // when booked
  std::string reason;                     // why the last change happened, as staff read it
  std::string updated_at;                 // UTC
};

// The changed fields of one update; unset fields did not change.
struct WaitlistUpdate {
  std::optional<std::string> status;
  std::optional<std::string> offer_date;
  std::optional<std::string> offer_time;
  std::optional<std::string> offered_at;
  std::optional<std::string> hold_until;
  std::optional<std::string> booking_id;
  std::optional<std::string> reason;
  std::optional<std::string> updated_at;
};

// Offer order: tier rank, then the longer wait (created_at), then the id, so
// every replica orders the same entries the same way.
bool WaitlistOrder(const WaitlistEntry& a, const WaitlistEntry& b);

// Whether `e` holds an offer whose hold has run out at `now_ms` (compared as
// instants, whatever the text's form).
bool HoldRanOut(const WaitlistEntry& e, int64_t now_ms);

// Every logged field (all keys, null where absent).
nlohmann::json WaitlistInsertFields(const WaitlistEntry& entry);
// Exactly the fields set in `update`.
nlohmann::json WaitlistUpdateFields(const WaitlistUpdate& update);
// The insert fields with the id: what `outpost-edge waitlist ... --json` prints.
nlohmann::json WaitlistJson(const WaitlistEntry& entry);

// An insert's fields, or the fold of its changes; `id` is the entity id.
// Checks every field (dates, times, timestamps, tier, status, the offer of an
// "offered" entry, the booking of a "booked" one) and names the first wrong one.
Result<WaitlistEntry> ParseWaitlistEntry(const std::string& id, const nlohmann::json& fields);
Result<WaitlistUpdate> ParseWaitlistUpdate(const nlohmann::json& fields);
// Folds an update into the entry it changes.
void ApplyWaitlistUpdate(const WaitlistUpdate& update, WaitlistEntry& entry);

}  // namespace outpost::model
