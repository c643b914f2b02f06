#include "sync/civil_time.h"

#include <unicode/timezone.h>

#include <chrono>
#include <cstdio>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

bool ParseDigits(std::string_view text, size_t pos, size_t n, int& out) {
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

Result<LocalDate> LocalDate::Parse(std::string_view text) {
  LocalDate d;
  if (text.size() != 10 || !ParseDigits(text, 0, 4, d.year) || text[4] != '-' ||
      !ParseDigits(text, 5, 2, d.month) || text[7] != '-' || !ParseDigits(text, 8, 2, d.day)) {
    return Status::InvalidInput("date '" + std::string(text) + "' is not of the form YYYY-MM-DD")
        .WithShown(i18n::Format("date '{0}' is not of the form YYYY-MM-DD", {text}));
  }
  std::chrono::year_month_day ymd{std::chrono::year(d.year),
                                  std::chrono::month(static_cast<unsigned>(d.month)),
                                  std::chrono::day(static_cast<unsigned>(d.day))};
  if (!ymd.ok()) {
    return Status::InvalidInput("date '" + std::string(text) + "' does not exist")
        .WithShown(i18n::Format("date '{0}' does not exist", {text}));
  }
  return d;
}

LocalDate LocalDate::FromDays(int32_t days_since_epoch) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days_since_epoch}}};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

int32_t LocalDate::ToDays() const {
  std::chrono::year_month_day ymd{std::chrono::year(year),
                                  std::chrono::month(static_cast<unsigned>(month)),
                                  std::chrono::day(static_cast<unsigned>(day))};
  return static_cast<int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

int LocalDate::IsoWeekday() const {
  std::chrono::weekday wd{std::chrono::sys_days{std::chrono::days{ToDays()}}};
  return static_cast<int>(wd.iso_encoding());
}

std::string LocalDate::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

Result<LocalTime> LocalTime::Parse(std::string_view text) {
  LocalTime t;
  if (text.size() != 5 || !ParseDigits(text, 0, 2, t.hour) || text[2] != ':' ||
      !ParseDigits(text, 3, 2, t.minute) || t.hour > 23 || t.minute > 59) {
    return Status::InvalidInput("time '" + std::string(text) + "' is not of the form HH:MM")
        .WithShown(i18n::Format("time '{0}' is not of the form HH:MM", {text}));
  }
  return t;
}

std::string LocalTime::ToString() const {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", hour, minute);
  return buf;
}

struct TimeZone::Zone {
  std::unique_ptr<icu::TimeZone> icu_zone;
};

Result<TimeZone> TimeZone::Load(const std::string& id) {
  auto zone = std::make_shared<Zone>();
  zone->icu_zone.reset(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(id)));
  if (!zone->icu_zone || *zone->icu_zone == icu::TimeZone::getUnknown()) {
    return Status::InvalidInput("time zone '" + id +
                                "' is not a known IANA zone (e.g. Asia/Shanghai)")
        .WithShown(
            i18n::Format("time zone '{0}' is not a known IANA zone (e.g. Asia/Shanghai)", {id}));
  }
  TimeZone tz;
  tz.id_ = id;
  tz.zone_ = std::move(zone);
  return tz;
}

int64_t TimeZone::LocalToUtcMs(const LocalDate& date, const LocalTime& time) const {
  int64_t local_ms = int64_t{date.ToDays()} * 86'400'000 + time.MinutesOfDay() * 60'000LL;
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  zone_->icu_zone->getOffset(static_cast<UDate>(local_ms), /*local=*/true, raw, dst, status);
  return local_ms - raw - dst;
}

LocalDateTime TimeZone::UtcToLocal(int64_t utc_ms) const {
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  zone_->icu_zone->getOffset(static_cast<UDate>(utc_ms), /*local=*/false, raw, dst, status);
  int64_t local_ms = utc_ms + raw + dst;
  int64_t days = local_ms >= 0 ? local_ms / 86'400'000 : -((-local_ms + 86'399'999) / 86'400'000);
  int64_t in_day = local_ms - days * 86'400'000;
  LocalDateTime out;
  out.date = LocalDate::FromDays(static_cast<int32_t>(days));
  out.time = {static_cast<int>(in_day / 3'600'000), static_cast<int>(in_day / 60'000 % 60)};
  out.second = static_cast<int>(in_day / 1000 % 60);
  return out;
}

}  // namespace outpost
