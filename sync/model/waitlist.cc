#include "sync/model/waitlist.h"

#include <algorithm>
#include <iterator>

#include "sync/civil_time.h"
#include "sync/clock.h"
#include "sync/model/fields.h"

namespace outpost::model {
namespace {

using nlohmann::json;

constexpr const char* kKind = "waitlist";

// Each check of an optional value: absent passes, present must be well formed.
Status CheckDate(const FieldReader& in, const char* key, const std::optional<std::string>& v) {
  if (v && !LocalDate::Parse(*v).ok()) return in.Bad(key, "'" + *v + "' is not a date YYYY-MM-DD");
  return Status::Ok();
}

Status CheckTime(const FieldReader& in, const char* key, const std::optional<std::string>& v) {
  if (v && !LocalTime::Parse(*v).ok()) return in.Bad(key, "'" + *v + "' is not a time HH:MM");
  return Status::Ok();
}

// A system timestamp: a bad one is refused here, never read as 0 later.
Status CheckStamp(const FieldReader& in, const char* key, const std::optional<std::string>& v) {
  if (v && !ParseUtcMs(*v).ok()) return in.Bad(key, "'" + *v + "' is not a UTC time");
  return Status::Ok();
}

Status CheckStatus(const FieldReader& in, const std::optional<std::string>& v) {
  if (v && !IsWaitlistStatus(*v)) {
    return in.Bad("status", "'" + *v +
                                "' is not a waitlist status (waiting, offered, booked, declined,"
                                " expired, cancelled)");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> PreferredTimes(const FieldReader& in, const json& fields) {
  if (!in.Has("preferred_times") || !fields["preferred_times"].is_array()) {
    return in.Bad("preferred_times", "missing or not a list");
  }
  std::vector<std::string> times;
  for (const auto& t : fields["preferred_times"]) {
    if (!t.is_string()) return in.Bad("preferred_times", "a time that is not text");
    RETURN_IF_ERROR(CheckTime(in, "preferred_times", t.get<std::string>()));
    times.push_back(t.get<std::string>());
  }
  return times;
}

// The fields an update may carry, read and checked alike for an update and a
// whole entry (where they are the later values of its fold).
Result<WaitlistUpdate> ReadChangeableFields(const FieldReader& in) {
  WaitlistUpdate u;
  ASSIGN_OR_RETURN(u.status, in.OptionalText("status"));
  RETURN_IF_ERROR(CheckStatus(in, u.status));
  ASSIGN_OR_RETURN(u.offer_date, in.OptionalText("offer_date"));
  RETURN_IF_ERROR(CheckDate(in, "offer_date", u.offer_date));
  ASSIGN_OR_RETURN(u.offer_time, in.OptionalText("offer_time"));
  RETURN_IF_ERROR(CheckTime(in, "offer_time", u.offer_time));
  ASSIGN_OR_RETURN(u.offered_at, in.OptionalText("offered_at"));
  RETURN_IF_ERROR(CheckStamp(in, "offered_at", u.offered_at));
  ASSIGN_OR_RETURN(u.hold_until, in.OptionalText("hold_until"));
  RETURN_IF_ERROR(CheckStamp(in, "hold_until", u.hold_until));
  ASSIGN_OR_RETURN(u.booking_id, in.OptionalText("booking_id"));
  ASSIGN_OR_RETURN(u.reason, in.OptionalText("reason"));
  ASSIGN_OR_RETURN(u.updated_at, in.OptionalText("updated_at"));
  RETURN_IF_ERROR(CheckStamp(in, "updated_at", u.updated_at));
  return u;
}

// What the status promises is there: an offered entry's held place, a booked
// entry's booking.
Status CheckConsistent(const FieldReader& in, const WaitlistEntry& e) {
  if (e.date_to < e.date_from) {
    return in.Bad("date_to", "'" + e.date_to + "' is before date_from '" + e.date_from + "'");
  }
  if (e.status == "offered") {
    for (const auto& [key, value] :
         {std::pair{"offer_date", &e.offer_date}, std::pair{"offer_time", &e.offer_time},
          std::pair{"offered_at", &e.offered_at}, std::pair{"hold_until", &e.hold_until}}) {
      if (!*value) return in.Bad(key, "missing for an offered entry");
    }
  }
  if (e.status == "booked" && !e.booking_id) {
    return in.Bad("booking_id", "missing for a booked entry");
  }
  return Status::Ok();
}

}  // namespace

int WaitlistTierRank(const std::string& tier) {
  const auto* it = std::find(std::begin(kWaitlistTiers), std::end(kWaitlistTiers), tier);
  return it == std::end(kWaitlistTiers) ? -1 : static_cast<int>(it - std::begin(kWaitlistTiers));
}

bool IsWaitlistStatus(const std::string& status) {
  return std::find(std::begin(kWaitlistStatuses), std::end(kWaitlistStatuses), status) !=
         std::end(kWaitlistStatuses);
}

bool WaitlistOrder(const WaitlistEntry& a, const WaitlistEntry& b) {
  const int ra = WaitlistTierRank(a.tier), rb = WaitlistTierRank(b.tier);
  if (ra != rb) return ra < rb;
  if (a.created_at != b.created_at) return a.created_at < b.created_at;  // UTC text sorts
  return a.id < b.id;
}

bool HoldRanOut(const WaitlistEntry& e, int64_t now_ms) {
  if (e.status != "offered" || !e.hold_until) return false;
  auto until = ParseUtcMs(*e.hold_until);
  // Checked when read (ParseWaitlistEntry); unreadable, it holds nothing.
  return !until.ok() || until.value() <= now_ms;
}

json WaitlistInsertFields(const WaitlistEntry& e) {
  return {{"store_id", e.store_id},
          {"customer_id", e.customer_id},
          {"vehicle_id", OrNull(e.vehicle_id)},
          {"service", e.service},
          {"date_from", e.date_from},
          {"date_to", e.date_to},
          {"preferred_times", e.preferred_times},
          {"tier", e.tier},
          {"auto_book", e.auto_book},
          {"created_at", e.created_at},
          {"staff", e.staff},
          {"status", e.status},
          {"offer_date", OrNull(e.offer_date)},
          {"offer_time", OrNull(e.offer_time)},
          {"offered_at", OrNull(e.offered_at)},
          {"hold_until", OrNull(e.hold_until)},
          {"booking_id", OrNull(e.booking_id)},
          {"reason", e.reason},
          {"updated_at", e.updated_at}};
}

json WaitlistUpdateFields(const WaitlistUpdate& u) {
  json fields = json::object();
  SetIfPresent(fields, "status", u.status);
  SetIfPresent(fields, "offer_date", u.offer_date);
  SetIfPresent(fields, "offer_time", u.offer_time);
  SetIfPresent(fields, "offered_at", u.offered_at);
  SetIfPresent(fields, "hold_until", u.hold_until);
  SetIfPresent(fields, "booking_id", u.booking_id);
  SetIfPresent(fields, "reason", u.reason);
  SetIfPresent(fields, "updated_at", u.updated_at);
  return fields;
}

json WaitlistJson(const WaitlistEntry& e) {
  json out = WaitlistInsertFields(e);
  out["id"] = e.id;
  return out;
}

Result<WaitlistEntry> ParseWaitlistEntry(const std::string& id, const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  WaitlistEntry e;
  e.id = id;
  ASSIGN_OR_RETURN(e.store_id, in.Text("store_id"));
  ASSIGN_OR_RETURN(e.customer_id, in.Text("customer_id"));
  ASSIGN_OR_RETURN(e.vehicle_id, in.OptionalText("vehicle_id"));
  ASSIGN_OR_RETURN(e.service, in.Text("service"));
  ASSIGN_OR_RETURN(e.date_from, in.Text("date_from"));
  RETURN_IF_ERROR(CheckDate(in, "date_from", e.date_from));
  ASSIGN_OR_RETURN(e.date_to, in.Text("date_to"));
  RETURN_IF_ERROR(CheckDate(in, "date_to", e.date_to));
  ASSIGN_OR_RETURN(e.preferred_times, PreferredTimes(in, fields));
  ASSIGN_OR_RETURN(e.tier, in.Text("tier"));
  if (WaitlistTierRank(e.tier) < 0) {
    return in.Bad("tier", "'" + e.tier + "' is not a tier (vip, regular, new)");
  }
  ASSIGN_OR_RETURN(e.auto_book, in.Bool("auto_book"));
  ASSIGN_OR_RETURN(e.created_at, in.Text("created_at"));
  RETURN_IF_ERROR(CheckStamp(in, "created_at", e.created_at));
  ASSIGN_OR_RETURN(e.staff, in.Text("staff"));
  if (!in.Has("status")) return in.Bad("status", "missing or not text");
  ASSIGN_OR_RETURN(WaitlistUpdate later, ReadChangeableFields(in));
  if (!later.updated_at) return in.Bad("updated_at", "missing or not text");
  ApplyWaitlistUpdate(later, e);
  RETURN_IF_ERROR(CheckConsistent(in, e));
  return e;
}

Result<WaitlistUpdate> ParseWaitlistUpdate(const json& fields) {
  const FieldReader in(kKind, fields);
  RETURN_IF_ERROR(in.CheckObject());
  return ReadChangeableFields(in);
}

void ApplyWaitlistUpdate(const WaitlistUpdate& u, WaitlistEntry& e) {
  if (u.status) e.status = *u.status;
  if (u.offer_date) e.offer_date = u.offer_date;
  if (u.offer_time) e.offer_time = u.offer_time;
  if (u.offered_at) e.offered_at = u.offered_at;
  if (u.hold_until) e.hold_until = u.hold_until;
  if (u.booking_id) e.booking_id = u.booking_id;
  if (u.reason) e.reason = *u.reason;
  if (u.updated_at) e.updated_at = *u.updated_at;
}

}  // namespace outpost::model
