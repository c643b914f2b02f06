// A booking as the change log carries it (entity "booking"), and its one codec.
//
// A booking is logged whole when made (op "insert": BookingInsertFields) and
// then by the fields that changed (op "update": BookingUpdateFields); the hub,
// replay and verify fold the two by key (sync/merge.h), so an update's keys
// are the booking's own field names. ParseBooking reads an insert or any such
// fold; BookingJson is every field, null where absent, as the desk prints it.
// The field names and which of them an insert always writes are the log
// format: existing logs must keep reading and hashing the same. Pure
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sync/lifecycle.h"
#include "sync/status.h"

namespace outpost::model {

struct Booking {
  std::string id;   // the entity id; not among the logged fields
  std::string ref;  // "YYMMDD-N", unique in the store
  std::string store_id;
  std::string customer_id;
  std::optional<std::string> vehicle_id;
  std::string service;
  std::string slot_date;  // "YYYY-MM-DD", store local
  std::string slot_time;  // "HH:MM", store local
  Channel channel = Channel::kPhone;
  BookingStatus status = BookingStatus::kRequested;
  std::string notes;
  std::string staff;
  std::string requested_at;  // business time, UTC text
  std::string created_at;
  std::string updated_at;
  bool priority_reception = false;
  bool discount_eligible = false;
  std::optional<std::string> arrived_at;
  std::optional<bool> discount_applied;
  std::optional<std::string> arrival_perk;
  std::optional<std::string> cancel_reason;
  std::optional<std::string> rescheduled_from;
  std::optional<std::string> rescheduled_to;
  // Lost its place in an over-full slot: holds no place until staff act.
  bool needs_reschedule = false;
  std::optional<std::string> form_id;       // paper form it was written on
  std::optional<std::string> import_batch;  // paper import that brought it in
  std::optional<int64_t> hub_request_seq;   // head office request it answers (logged, not a column)
  // Who and what prepare the visit (the day-before preparation list): the
  // service advisor, the bay and the technician team. Unset until assigned;
  // logged only once set, so bookings made before they existed read the same.
  std::optional<std::string> advisor;
  std::optional<std::string> bay;
  std::optional<std::string> team;
  // What the visit was worth, in fen (1/100 yuan), recorded on completion
  // (outpost-edge complete --amount). Logged only once set, like advisor.
  std::optional<int64_t> amount_fen;
};

// The changed fields of one update; unset fields did not change.
struct BookingUpdate {
  std::optional<BookingStatus> status;
  std::optional<std::string> updated_at;
  std::optional<std::string> arrived_at;
  std::optional<bool> discount_applied;
  std::optional<std::string> arrival_perk;
  std::optional<std::string> cancel_reason;
  std::optional<std::string> rescheduled_to;
  std::optional<bool> needs_reschedule;
  // The head-office request (cancel, reschedule) this change applies.
  std::optional<int64_t> hub_request_seq;
  // An assignment (outpost-edge assign): each set only when it changed.
  std::optional<std::string> advisor;
  std::optional<std::string> bay;
  std::optional<std::string> team;
  // The visit's worth in fen, set with the completion that records it.
  std::optional<int64_t> amount_fen;
};

// The fields of an insert: the booking as made. vehicle_id and
// rescheduled_from are always written (null when absent); form_id,
// import_batch, hub_request_seq, advisor, bay, team and amount_fen only when set (an
// insert without them is byte for byte what it was before they existed); the
// fields only updates set (arrived_at, ...) never.
nlohmann::json BookingInsertFields(const Booking& booking);
// The fields of an update: exactly those set in `update`.
nlohmann::json BookingUpdateFields(const BookingUpdate& update);
// Every field with its id, null where absent (hub_request_seq aside: it is
// not part of the booking's row); what `outpost-edge ... --json` prints.
nlohmann::json BookingJson(const Booking& booking);

// An insert's fields, or an entity's folded fields; `id` is the entity id.
// Checks every field and names the first that is wrong.
Result<Booking> ParseBooking(const std::string& id, const nlohmann::json& fields);
Result<BookingUpdate> ParseBookingUpdate(const nlohmann::json& fields);
// What a visit may be worth: 0 to 10,000,000 yuan, in fen. More is a typo.
inline constexpr int64_t kMaxAmountFen = int64_t{10'000'000} * 100;
// Yuan as typed at the desk ("680", "680.5", "680.50") to fen; refused
// (InvalidInput naming field "amount", the value and why) when negative, not
// a number, with more than two decimals, or above kMaxAmountFen.
Result<int64_t> ParseAmountYuan(const std::string& text);
// InvalidInput naming field "amount" unless 0 <= fen <= kMaxAmountFen.
Status CheckAmountFen(int64_t fen);
// Fen as yuan with two decimals: 68050 -> "680.50".
std::string FormatYuan(int64_t fen);

// Folds an update into the booking it changes.
void ApplyBookingUpdate(const BookingUpdate& update, Booking& booking);

}  // namespace outpost::model
