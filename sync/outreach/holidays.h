// A chain's holiday calendar: the public holidays (date and name) and the
// make-up working days (调休上班) the State Council announces each year, as
// data that head office edits and syncs to every store.
//
// The contact policy (policy.h) keeps marketing away from public holidays and
// the day before and after each one. The calendar shipped with Outpost
// (DefaultHolidayCalendar) is China's 2026 and 2027 schedule from
// sync/outreach/holidays_cn.json, embedded at build time; a year whose notice
// is not yet published is marked provisional in `notes`.
//
// Values; pure functions; thread-safe.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "sync/civil_time.h"
#include "sync/status.h"

namespace outpost::outreach {

struct HolidayCalendar {
  std::map<LocalDate, std::string> holidays;  // date -> name ("国庆节")
  std::set<LocalDate> workdays;               // make-up working days: never holidays
  // Where each year comes from, by year ("2027": "provisional: ..."); for people.
  std::map<std::string, std::string> notes;

  // The holiday's name on `date`, or nullopt on an ordinary day.
  std::optional<std::string> HolidayOn(const LocalDate& date) const;
  // A public holiday, or the day before or after one. The day after a
  // holiday is still "near" even if it is a make-up working day: people are
  // travelling back.
  bool NearHoliday(const LocalDate& date) const;
  // The holiday that makes `date` near one (itself, the day after, or the day
  // before, in that order), or nullopt.
  std::optional<std::pair<LocalDate, std::string>> HolidayNear(const LocalDate& date) const;
};

// {"holidays": [{"date": "2026-10-01", "name": "国庆节"}, ...],
//  "workdays": ["2026-09-20", ...], "notes": {"2027": "..."}}.
// "notes" and "workdays" may be absent. A bad entry is refused naming its
// position and value ("holiday calendar: holidays[3].date: '2026-13-01' is not
// a date (YYYY-MM-DD)"); so is a date that is both a holiday and a workday, or
// listed twice.
Result<HolidayCalendar> ParseHolidayCalendar(const nlohmann::json& json);
// The same from the text of a file.
Result<HolidayCalendar> ParseHolidayCalendarText(const std::string& text);
nlohmann::json HolidayCalendarJson(const HolidayCalendar& calendar);

// China's official holidays and make-up working days for 2026, and 2027 as
// far as known (see its note). Parsed once from the embedded file.
const HolidayCalendar& DefaultHolidayCalendar();
// The embedded file's text, as shipped (for `export` and for tests).
const char* DefaultHolidayCalendarText();

}  // namespace outpost::outreach
