// Civil (wall-clock) dates and times, and a store's time zone.
//
// A slot is named in the store's local time ("2026-11-24 10:00" in
// Asia/Shanghai); rules that compare it with "now" convert through TimeZone,
// which uses ICU's time-zone database (DST and historical offsets included).
// All types are values; TimeZone is immutable and thread-safe after Load().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sync/status.h"

namespace outpost {

struct LocalDate {
  int year = 1970;
  int month = 1;
  int day = 1;

  // Strict "YYYY-MM-DD", a real calendar date.
  static Result<LocalDate> Parse(std::string_view text);
  static LocalDate FromDays(int32_t days_since_epoch);
  int32_t ToDays() const;
  LocalDate AddDays(int32_t n) const { return FromDays(ToDays() + n); }
  // ISO weekday: 1 = Monday ... 7 = Sunday.
  int IsoWeekday() const;
  std::string ToString() const;
  auto operator<=>(const LocalDate&) const = default;
};

struct LocalTime {
  int hour = 0;
  int minute = 0;

  // Strict "HH:MM", 00:00 to 23:59.
  static Result<LocalTime> Parse(std::string_view text);
  int MinutesOfDay() const { return hour * 60 + minute; }
  std::string ToString() const;
  auto operator<=>(const LocalTime&) const = default;
};

struct LocalDateTime {
  LocalDate date;
  LocalTime time;
  int second = 0;
};

class TimeZone {
 public:
  // An IANA id such as "Asia/Shanghai"; unknown ids are refused.
  static Result<TimeZone> Load(const std::string& id);

  const std::string& id() const { return id_; }
  int64_t LocalToUtcMs(const LocalDate& date, const LocalTime& time) const;
  LocalDateTime UtcToLocal(int64_t utc_ms) const;

 private:
  std::string id_;
  struct Zone;  // wraps the ICU zone
  std::shared_ptr<const Zone> zone_;
};

}  // namespace outpost
