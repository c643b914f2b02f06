// Dates and times as people write them on paper booking forms, typed into a
// spreadsheet later by someone else: full-width digits from a Chinese input
// method, 年月日, 点/时 with 半 and 分, 上午/下午/晚上.
//
// Each parser accepts the forms listed below and nothing else: a refusal is
// InvalidInput that names the value and says how to write it, so the row can go
// to a reject file for a person to fix. A form that could mean two things
// ("1000", 晚上12点) is refused, never guessed. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "sync/civil_time.h"
#include "sync/status.h"

namespace outpost {

// Full-width ASCII (U+FF01..U+FF5E) to ASCII and the ideographic space (U+3000)
// to a space, then leading and trailing ASCII whitespace trimmed. Everything
// else, invalid UTF-8 included, is left as it is.
std::string FoldFullWidth(std::string_view utf8);

// A date between 2000-01-01 and 2099-12-31 that exists on the calendar, written
// as 2026-11-24, 2026/11/24 or 2026.11.24 (month and day may have one digit:
// 2026-1-5; one separator throughout) or 2026年11月24日 (日 optional; 号 or 號
// instead of 日), after FoldFullWidth; spaces between the parts are allowed.
// Anything else: "date '...' is not a date (write the date as YYYY-MM-DD:
// year, month, day)", or a reason
// ("is not a real calendar date", "is not between 2000 and 2099").
Result<LocalDate> ParseWrittenDate(std::string_view raw);

// A time of day 00:00..23:59, written (after FoldFullWidth, so 10：30 works) as
//   10:00, 9:30, 10.30, 10:00:00 (seconds only as :00)
//   10点, 10点钟, 10点整, 10点半 (10:30), 10点30, 10点30分, 10点5分 (a one-digit
//   minute needs 分); 时, 時 and 點 instead of 点
// optionally after a part of the day:
//   上午 / 早上   morning: the hour is kept (0-12)
//   中午          noon: 11-14 kept, 1-2 become 13-14
//   下午          afternoon: 1-11 gain 12, 12-23 kept
//   傍晚 / 晚上   evening: 1-11 gain 12, 13-23 kept (晚上12点 is refused)
// Refused: digits without a separator ("1000", "930": a time, or a number typed
// into the wrong column?), a bare hour ("10"), hours over 23 or minutes over 59, and a part of the
// day that contradicts the hour (上午15点). Message: "time '...' is not a time (write the time as
// HH:MM, 24-hour)", with the reason where there is one.
Result<LocalTime> ParseWrittenTime(std::string_view raw);

}  // namespace outpost
