#include "sync/store_calendar.h"

#include <algorithm>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

using nlohmann::json;

Status BadField(const std::string& field, const std::string& why) {
  return Status::InvalidInput("store settings: " + field + ": " + why)
      .WithShown(i18n::Format("store settings: {0}: {1}", {field, i18n::Tr(why)}));
}

Result<std::string> TextField(const json& fields, const char* key) {
  if (!fields.contains(key) || !fields[key].is_string())
    return BadField(key, "missing or not text");
  return fields[key].get<std::string>();
}

Result<int> IntField(const json& fields, const char* key, int low, int high) {
  if (!fields.contains(key) || !fields[key].is_number_integer()) {
    return BadField(key, "missing or not a whole number");
  }
  const int64_t v = fields[key].get<int64_t>();
  if (v < low || v > high) {
    return BadField(key, std::to_string(v) + " is outside " + std::to_string(low) + ".." +
                             std::to_string(high));
  }
  return static_cast<int>(v);
}

// "Mondays" ... "Sundays" (ISO weekday 1-7) in the process's language.
std::string ShownDayName(int iso_weekday) {
  const std::string names[] = {i18n::Tr("Mondays"),   i18n::Tr("Tuesdays"), i18n::Tr("Wednesdays"),
                               i18n::Tr("Thursdays"), i18n::Tr("Fridays"),  i18n::Tr("Saturdays"),
                               i18n::Tr("Sundays")};
  return names[iso_weekday - 1];
}

}  // namespace

json StoreCalendarFields(const StoreCalendar& calendar) {
  const StoreSettings& s = calendar.settings;
  json slots = json::array();
  for (const auto& slot : s.slots)
    slots.push_back({{"time", slot.start_time}, {"capacity", slot.capacity}});
  json closed = json::object();
  for (const auto& [day, reason] : calendar.closed) closed[day] = reason;
  return {{"store_id", s.store_id},
          {"name", s.name},
          {"time_zone", s.time_zone},
          {"phone_region", s.phone_region},
          {"open_days", s.open_days},
          {"slots", slots},
          {"min_notice_minutes", s.min_notice_minutes},
          {"priority_notice_minutes", s.priority_notice_minutes},
          {"discount_cutoff", s.discount_cutoff},
          {"discount_percent", s.discount_percent},
          {"closed", closed}};
}

Result<StoreCalendar> ParseStoreCalendar(const json& fields) {
  if (!fields.is_object()) return BadField("fields", "not an object");
  StoreCalendar out;
  StoreSettings& s = out.settings;
  ASSIGN_OR_RETURN(s.store_id, TextField(fields, "store_id"));
  ASSIGN_OR_RETURN(s.name, TextField(fields, "name"));
  ASSIGN_OR_RETURN(s.time_zone, TextField(fields, "time_zone"));
  ASSIGN_OR_RETURN(s.phone_region, TextField(fields, "phone_region"));
  ASSIGN_OR_RETURN(s.open_days, TextField(fields, "open_days"));
  if (s.open_days.empty() || !std::all_of(s.open_days.begin(), s.open_days.end(),
                                          [](char c) { return c >= '1' && c <= '7'; })) {
    return BadField("open_days", "'" + s.open_days + "' is not a list of ISO weekdays 1-7");
  }
  ASSIGN_OR_RETURN(s.min_notice_minutes, IntField(fields, "min_notice_minutes", 0, 30 * 24 * 60));
  ASSIGN_OR_RETURN(s.priority_notice_minutes,
                   IntField(fields, "priority_notice_minutes", 0, 365 * 24 * 60));
  ASSIGN_OR_RETURN(s.discount_cutoff, TextField(fields, "discount_cutoff"));
  if (!LocalTime::Parse(s.discount_cutoff).ok()) {
    return BadField("discount_cutoff", "'" + s.discount_cutoff + "' is not HH:MM");
  }
  ASSIGN_OR_RETURN(s.discount_percent, IntField(fields, "discount_percent", 0, 100));
  if (!fields.contains("slots") || !fields["slots"].is_array() || fields["slots"].empty()) {
    return BadField("slots", "missing or empty");
  }
  s.slots.clear();
  for (const auto& slot : fields["slots"]) {
    if (!slot.is_object()) return BadField("slots", "an entry is not an object");
    ASSIGN_OR_RETURN(std::string time, TextField(slot, "time"));
    if (!LocalTime::Parse(time).ok()) return BadField("slots", "'" + time + "' is not HH:MM");
    ASSIGN_OR_RETURN(int capacity, IntField(slot, "capacity", 1, 500));
    s.slots.push_back({time, capacity});
  }
  if (fields.contains("closed")) {
    if (!fields["closed"].is_object()) return BadField("closed", "not an object");
    for (const auto& [day, reason] : fields["closed"].items()) {
      if (!LocalDate::Parse(day).ok() || !reason.is_string()) {
        return BadField("closed", "'" + day + "' is not a date with a reason");
      }
      out.closed[day] = reason.get<std::string>();
    }
  }
  return out;
}

Result<LocalDate> ParseDeskDate(const std::string& text, const LocalDate& today) {
  if (text == "today") return today;
  if (text == "tomorrow") return today.AddDays(1);
  if (text.size() >= 2 && text.size() <= 4 && text[0] == '+' &&
      std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return today.AddDays(std::stoi(text.substr(1)));
  }
  auto date = LocalDate::Parse(text);
  if (!date.ok()) {
    return Status::InvalidInput("date: '" + text +
                                "' is not a date (YYYY-MM-DD, today, tomorrow or +N)")
        .WithShown(
            i18n::Format("date: '{0}' is not a date (YYYY-MM-DD, today, tomorrow or +N)", {text}))
        .WithField("date");
  }
  return date;
}

Result<RuleSettings> RulesOf(const StoreSettings& settings) {
  ASSIGN_OR_RETURN(LocalTime cutoff, LocalTime::Parse(settings.discount_cutoff));
  return RuleSettings{settings.min_notice_minutes, settings.priority_notice_minutes, cutoff};
}

Result<int> CheckBookable(const StoreSettings& settings, const TimeZone& zone,
                          const std::optional<std::string>& closed_reason, const LocalDate& date,
                          const LocalTime& time, Channel channel, int64_t now_ms) {
  const std::string slot_text = time.ToString();
  auto slot = std::find_if(settings.slots.begin(), settings.slots.end(),
                           [&](const SlotSpec& s) { return s.start_time == slot_text; });
  if (slot == settings.slots.end()) {
    std::string grid;
    for (const auto& s : settings.slots) grid += (grid.empty() ? "" : ", ") + s.start_time;
    return Status::InvalidInput("slot: '" + slot_text + "' is not in the grid (" + grid + ")")
        .WithShown(i18n::Format("slot: '{0}' is not in the grid ({1})", {slot_text, grid}))
        .WithField("slot");
  }
  const LocalDate today = zone.UtcToLocal(now_ms).date;
  if (date < today) {
    return Status::InvalidInput("date: '" + date.ToString() + "' is in the past (today is " +
                                today.ToString() + ")")
        .WithShown(i18n::Format("date: '{0}' is in the past (today is {1})",
                                {date.ToString(), today.ToString()}))
        .WithField("date");
  }
  static constexpr const char* kDayNames[] = {"",          "Mondays", "Tuesdays",  "Wednesdays",
                                              "Thursdays", "Fridays", "Saturdays", "Sundays"};
  const int weekday = date.IsoWeekday();
  if (settings.open_days.find(static_cast<char>('0' + weekday)) == std::string::npos) {
    return Status::Refused("store is closed on " + std::string(kDayNames[weekday]) + " (" +
                           date.ToString() + ")")
        .WithShown(
            i18n::Format("store is closed on {0} ({1})", {ShownDayName(weekday), date.ToString()}))
        .WithField("date");
  }
  if (closed_reason) {
    // The reason is the store's own text, shown as staff wrote it.
    return Status::Refused("store is closed on " + date.ToString() + ": " + *closed_reason)
        .WithShown(i18n::Format("store is closed on {0}: {1}", {date.ToString(), *closed_reason}))
        .WithField("date");
  }
  ASSIGN_OR_RETURN(RuleSettings rules, RulesOf(settings));
  RETURN_IF_ERROR(
      CheckNotice(rules, {now_ms, today}, {date, time, zone.LocalToUtcMs(date, time)}, channel));
  return slot->capacity;
}

}  // namespace outpost
