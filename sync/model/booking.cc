#include "sync/model/booking.h"

#include "sync/civil_time.h"
#include "sync/i18n/messages.h"
#include "sync/model/fields.h"

namespace outpost::model {
namespace {

using nlohmann::json;

constexpr const char* kKind = "booking";

Result<BookingStatus> StatusField(const FieldReader& in) {
  ASSIGN_OR_RETURN(std::string text, in.Text("status"));
  auto status = ParseBookingStatus(text);
  if (!status.ok()) return in.Bad("status", "'" + text + "' is not a booking status");
  return status.value();
}

Result<Channel> ChannelField(const FieldReader& in) {
  ASSIGN_OR_RETURN(std::string text, in.Text("channel"));
  auto channel = ParseChannel(text);
  if (!channel.ok()) return in.Bad("channel", "'" + text + "' is not a booking channel");
  return channel.value();
}

// What a visit was worth, in fen: a whole number, never negative.
Result<std::optional<int64_t>> AmountField(const FieldReader& in) {
  ASSIGN_OR_RETURN(std::optional<int64_t> fen, in.OptionalInt("amount_fen"));
  if (fen && *fen < 0) return in.Bad("amount_fen", std::to_string(*fen) + " is negative");
  return fen;
}

// The slot, checked as a store-local date and time.
Status ReadSlot(const FieldReader& in, Booking& b) {
  ASSIGN_OR_RETURN(b.slot_date, in.Text("slot_date"));
  if (!LocalDate::Parse(b.slot_date).ok()) {
    return in.Bad("slot_date", "'" + b.slot_date + "' is not a date YYYY-MM-DD");
  }
  ASSIGN_OR_RETURN(b.slot_time, in.Text("slot_time"));
  if (!LocalTime::Parse(b.slot_time).ok()) {
    return in.Bad("slot_time", "'" + b.slot_time + "' is not a time HH:MM");
  }
  return Status::Ok();
}

// The fields only updates write (absent from an insert).
Status ReadLaterFields(const FieldReader& in, Booking& b) {
  ASSIGN_OR_RETURN(b.arrived_at, in.OptionalText("arrived_at"));
  ASSIGN_OR_RETURN(b.discount_applied, in.OptionalBool("discount_applied"));
  ASSIGN_OR_RETURN(b.arrival_perk, in.OptionalText("arrival_perk"));
  ASSIGN_OR_RETURN(b.cancel_reason, in.OptionalText("cancel_reason"));
  ASSIGN_OR_RETURN(b.rescheduled_to, in.OptionalText("rescheduled_to"));
  ASSIGN_OR_RETURN(b.amount_fen, AmountField(in));
  ASSIGN_OR_RETURN(std::optional<bool> moving, in.OptionalBool("needs_reschedule"));
  b.needs_reschedule = moving.value_or(false);
  return Status::Ok();
}

}  // namespace

json BookingJson(const Booking& b) {
  return {{"id", b.id},
          {"ref", b.ref},
          {"store_id", b.store_id},
          {"customer_id", b.customer_id},
          {"vehicle_id", OrNull(b.vehicle_id)},
          {"service", b.service},
          {"slot_date", b.slot_date},
          {"slot_time", b.slot_time},
          {"channel", ChannelName(b.channel)},
          {"status", BookingStatusName(b.status)},
          {"notes", b.notes},
          {"staff", b.staff},
          {"requested_at", b.requested_at},
          {"created_at", b.created_at},
          {"updated_at", b.updated_at},
          {"priority_reception", b.priority_reception},
          {"discount_eligible", b.discount_eligible},
          {"arrived_at", OrNull(b.arrived_at)},
          {"discount_applied", OrNull(b.discount_applied)},
          {"arrival_perk", OrNull(b.arrival_perk)},
          {"cancel_reason", OrNull(b.cancel_reason)},
          {"rescheduled_from", OrNull(b.rescheduled_from)},
          {"rescheduled_to", OrNull(b.rescheduled_to)},
          {"needs_reschedule", b.needs_reschedule},
          {"form_id", OrNull(b.form_id)},
          {"import_batch", OrNull(b.import_batch)},
          {"advisor", OrNull(b.advisor)},
          {"bay", OrNull(b.bay)},
          {"team", OrNull(b.team)},
          {"amount_fen", OrNull(b.amount_fen)}};
}

json BookingInsertFields(const Booking& b) {
  const json all = BookingJson(b);
  json fields = json::object();
  for (const char* key :
       {"ref", "store_id", "customer_id", "vehicle_id", "service", "slot_date", "slot_time",
        "channel", "status", "notes", "staff", "requested_at", "created_at", "updated_at",
        "priority_reception", "discount_eligible", "rescheduled_from"}) {
    fields[key] = all[key];
  }
  SetIfPresent(fields, "form_id", b.form_id);
  SetIfPresent(fields, "import_batch", b.import_batch);
  // So a store rebuilt from its log knows which head office requests it answered.
  SetIfPresent(fields, "hub_request_seq", b.hub_request_seq);
  // Newer than the log format: absent, never null, when not assigned.
  SetIfPresent(fields, "advisor", b.advisor);
  SetIfPresent(fields, "bay", b.bay);
  SetIfPresent(fields, "team", b.team);
  SetIfPresent(fields, "amount_fen", b.amount_fen);
  return fields;
}

json BookingUpdateFields(const BookingUpdate& u) {
  json fields = json::object();
  if (u.status) fields["status"] = BookingStatusName(*u.status);
  SetIfPresent(fields, "updated_at", u.updated_at);
  SetIfPresent(fields, "arrived_at", u.arrived_at);
  SetIfPresent(fields, "discount_applied", u.discount_applied);
  SetIfPresent(fields, "arrival_perk", u.arrival_perk);
  SetIfPresent(fields, "cancel_reason", u.cancel_reason);
  SetIfPresent(fields, "rescheduled_to", u.rescheduled_to);
  SetIfPresent(fields, "needs_reschedule", u.needs_reschedule);
  SetIfPresent(fields, "hub_request_seq", u.hub_request_seq);
  SetIfPresent(fields, "advisor", u.advisor);
  SetIfPresent(fields, "bay", u.bay);
  SetIfPresent(fields, "team", u.team);
  SetIfPresent(fields, "amount_fen", u.amount_fen);
  return fields;
}

Result<Booking> ParseBooking(const std::string& id, const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  Booking b;
  b.id = id;
  ASSIGN_OR_RETURN(b.ref, in.Text("ref"));
  ASSIGN_OR_RETURN(b.store_id, in.Text("store_id"));
  ASSIGN_OR_RETURN(b.customer_id, in.Text("customer_id"));
  ASSIGN_OR_RETURN(b.vehicle_id, in.OptionalText("vehicle_id"));
  ASSIGN_OR_RETURN(b.service, in.Text("service"));
  RETURN_IF_ERROR(ReadSlot(in, b));
  ASSIGN_OR_RETURN(b.channel, ChannelField(in));
  ASSIGN_OR_RETURN(b.status, StatusField(in));
  ASSIGN_OR_RETURN(b.notes, in.TextOr("notes", ""));
  ASSIGN_OR_RETURN(b.staff, in.Text("staff"));
  ASSIGN_OR_RETURN(b.requested_at, in.Text("requested_at"));
  ASSIGN_OR_RETURN(b.created_at, in.Text("created_at"));
  ASSIGN_OR_RETURN(b.updated_at, in.Text("updated_at"));
  ASSIGN_OR_RETURN(b.priority_reception, in.Bool("priority_reception"));
  ASSIGN_OR_RETURN(b.discount_eligible, in.Bool("discount_eligible"));
  ASSIGN_OR_RETURN(b.rescheduled_from, in.OptionalText("rescheduled_from"));
  ASSIGN_OR_RETURN(b.form_id, in.OptionalText("form_id"));
  ASSIGN_OR_RETURN(b.import_batch, in.OptionalText("import_batch"));
  ASSIGN_OR_RETURN(b.hub_request_seq, in.OptionalInt("hub_request_seq"));
  ASSIGN_OR_RETURN(b.advisor, in.OptionalText("advisor"));
  ASSIGN_OR_RETURN(b.bay, in.OptionalText("bay"));
  ASSIGN_OR_RETURN(b.team, in.OptionalText("team"));
  RETURN_IF_ERROR(ReadLaterFields(in, b));
  return b;
}

Result<BookingUpdate> ParseBookingUpdate(const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  BookingUpdate u;
  if (in.Has("status")) {
    ASSIGN_OR_RETURN(u.status, StatusField(in));
  }
  ASSIGN_OR_RETURN(u.updated_at, in.OptionalText("updated_at"));
  ASSIGN_OR_RETURN(u.arrived_at, in.OptionalText("arrived_at"));
  ASSIGN_OR_RETURN(u.discount_applied, in.OptionalBool("discount_applied"));
  ASSIGN_OR_RETURN(u.arrival_perk, in.OptionalText("arrival_perk"));
  ASSIGN_OR_RETURN(u.cancel_reason, in.OptionalText("cancel_reason"));
  ASSIGN_OR_RETURN(u.rescheduled_to, in.OptionalText("rescheduled_to"));
  ASSIGN_OR_RETURN(u.needs_reschedule, in.OptionalBool("needs_reschedule"));
  ASSIGN_OR_RETURN(u.hub_request_seq, in.OptionalInt("hub_request_seq"));
  ASSIGN_OR_RETURN(u.advisor, in.OptionalText("advisor"));
  ASSIGN_OR_RETURN(u.bay, in.OptionalText("bay"));
  ASSIGN_OR_RETURN(u.team, in.OptionalText("team"));
  ASSIGN_OR_RETURN(u.amount_fen, AmountField(in));
  return u;
}

Result<int64_t> ParseAmountYuan(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidInput("amount: '" + text + "' " + why)
        .WithShown(i18n::Format("amount: '{0}' {1}", {text, i18n::Tr(why)}));
  };
  if (!text.empty() && text[0] == '-') return bad("is negative");
  const size_t dot = text.find('.');
  const std::string whole = text.substr(0, dot);
  const std::string decimals = dot == std::string::npos ? "" : text.substr(dot + 1);
  auto digits = [](const std::string& s) {
    return s.find_first_not_of("0123456789") == std::string::npos;
  };
  if (whole.empty() || !digits(whole) || !digits(decimals) ||
      (dot != std::string::npos && decimals.empty())) {
    return bad("is not an amount in yuan (e.g. 680 or 680.50)");
  }
  if (decimals.size() > 2) return bad("has more than two decimals (fen)");
  // Leading zeros aside, more than 8 digits of yuan is over the limit already.
  const size_t first = whole.find_first_not_of('0');
  const std::string significant = first == std::string::npos ? "0" : whole.substr(first);
  if (significant.size() > 8) return bad("is more than 10000000 yuan");
  int64_t fen = std::stoll(significant) * 100;
  if (!decimals.empty()) fen += std::stoll(decimals) * (decimals.size() == 1 ? 10 : 1);
  if (fen > kMaxAmountFen) return bad("is more than 10000000 yuan");
  return fen;
}

Status CheckAmountFen(int64_t fen) {
  if (fen < 0) {
    return Status::InvalidInput("amount: " + FormatYuan(fen) + " is negative")
        .WithShown(i18n::Format("amount: {0} is negative", {FormatYuan(fen)}));
  }
  if (fen > kMaxAmountFen) {
    return Status::InvalidInput("amount: " + FormatYuan(fen) + " is more than 10000000 yuan")
        .WithShown(i18n::Format("amount: {0} is more than 10000000 yuan", {FormatYuan(fen)}));
  }
  return Status::Ok();
}

std::string FormatYuan(int64_t fen) {
  const bool negative = fen < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  const uint64_t cents = magnitude % 100;
  return std::string(negative ? "-" : "") + std::to_string(magnitude / 100) + "." +
         (cents < 10 ? "0" : "") + std::to_string(cents);
}

void ApplyBookingUpdate(const BookingUpdate& u, Booking& b) {
  if (u.status) b.status = *u.status;
  if (u.updated_at) b.updated_at = *u.updated_at;
  if (u.arrived_at) b.arrived_at = u.arrived_at;
  if (u.discount_applied) b.discount_applied = u.discount_applied;
  if (u.arrival_perk) b.arrival_perk = u.arrival_perk;
  if (u.cancel_reason) b.cancel_reason = u.cancel_reason;
  if (u.rescheduled_to) b.rescheduled_to = u.rescheduled_to;
  if (u.needs_reschedule) b.needs_reschedule = *u.needs_reschedule;
  if (u.hub_request_seq) b.hub_request_seq = u.hub_request_seq;
  if (u.advisor) b.advisor = u.advisor;
  if (u.bay) b.bay = u.bay;
  if (u.team) b.team = u.team;
  if (u.amount_fen) b.amount_fen = u.amount_fen;
}

}  // namespace outpost::model
