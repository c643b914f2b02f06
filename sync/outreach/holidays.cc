#include "sync/outreach/holidays.h"

#include <cstdio>
#include <cstdlib>

#include "sync/outreach/json_in.h"

namespace outpost::outreach {

using internal::JsonIn;
using nlohmann::json;

// Defined in the file generated from holidays_cn.json (embed_text.cmake).
const char* EmbeddedHolidaysCnJson();

namespace {

constexpr char kWhat[] = "holiday calendar";

Status ReadHolidays(const JsonIn& list, HolidayCalendar& out) {
  RETURN_IF_ERROR(list.Array());
  for (size_t i = 0; i < list.value().size(); ++i) {
    const JsonIn entry = list.At(i);
    RETURN_IF_ERROR(entry.Object());
    ASSIGN_OR_RETURN(LocalDate date, entry.At("date").Date());
    ASSIGN_OR_RETURN(std::string name, entry.At("name").NonEmptyText());
    if (!out.holidays.emplace(date, std::move(name)).second) {
      return entry.At("date").Bad("'" + date.ToString() + "' is listed twice");
    }
  }
  return Status::Ok();
}

Status ReadWorkdays(const JsonIn& list, HolidayCalendar& out) {
  if (!list.Present()) return Status::Ok();
  RETURN_IF_ERROR(list.Array());
  for (size_t i = 0; i < list.value().size(); ++i) {
    const JsonIn entry = list.At(i);
    ASSIGN_OR_RETURN(LocalDate date, entry.Date());
    if (out.holidays.count(date) != 0) {
      return entry.Bad("'" + date.ToString() + "' is also listed as a holiday");
    }
    if (!out.workdays.insert(date).second) {
      return entry.Bad("'" + date.ToString() + "' is listed twice");
    }
  }
  return Status::Ok();
}

Status ReadNotes(const JsonIn& notes, HolidayCalendar& out) {
  if (!notes.Present()) return Status::Ok();
  RETURN_IF_ERROR(notes.Object());
  for (const auto& [key, unused] : notes.value().items()) {
    ASSIGN_OR_RETURN(out.notes[key], notes.At(key.c_str()).Text());
  }
  return Status::Ok();
}

}  // namespace

std::optional<std::string> HolidayCalendar::HolidayOn(const LocalDate& date) const {
  auto it = holidays.find(date);
  if (it == holidays.end()) return std::nullopt;
  return it->second;
}

std::optional<std::pair<LocalDate, std::string>> HolidayCalendar::HolidayNear(
    const LocalDate& date) const {
  for (int offset : {0, -1, 1}) {
    const LocalDate day = date.AddDays(offset);
    if (auto name = HolidayOn(day)) return std::make_pair(day, *name);
  }
  return std::nullopt;
}

bool HolidayCalendar::NearHoliday(const LocalDate& date) const {
  return HolidayNear(date).has_value();
}

Result<HolidayCalendar> ParseHolidayCalendar(const json& document) {
  const JsonIn root(kWhat, document);
  RETURN_IF_ERROR(root.Object());
  HolidayCalendar out;
  RETURN_IF_ERROR(ReadHolidays(root.At("holidays"), out));
  RETURN_IF_ERROR(ReadWorkdays(root.At("workdays"), out));
  RETURN_IF_ERROR(ReadNotes(root.At("notes"), out));
  return out;
}

Result<HolidayCalendar> ParseHolidayCalendarText(const std::string& text) {
  ASSIGN_OR_RETURN(json document, internal::ParseJsonText(kWhat, text));
  return ParseHolidayCalendar(document);
}

json HolidayCalendarJson(const HolidayCalendar& calendar) {
  json holidays = json::array();
  for (const auto& [date, name] : calendar.holidays) {
    holidays.push_back({{"date", date.ToString()}, {"name", name}});
  }
  json workdays = json::array();
  for (const LocalDate& date : calendar.workdays) workdays.push_back(date.ToString());
  json out = {{"holidays", holidays}, {"workdays", workdays}};
  if (!calendar.notes.empty()) out["notes"] = calendar.notes;
  return out;
}

const char* DefaultHolidayCalendarText() { return EmbeddedHolidaysCnJson(); }

const HolidayCalendar& DefaultHolidayCalendar() {
  // The file is part of the build and checked by a test; a broken one is our
  // bug, not the caller's, so it stops the program at first use.
  static const HolidayCalendar kCalendar = [] {
    auto parsed = ParseHolidayCalendarText(DefaultHolidayCalendarText());
    if (!parsed.ok()) {
      std::fprintf(stderr, "embedded holidays_cn.json: %s\n", parsed.status().ToString().c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return kCalendar;
}

}  // namespace outpost::outreach
