#include "sync/handwritten.h"

#include <unicode/utf8.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <initializer_list>

#include "sync/i18n/messages.h"

namespace outpost {
namespace {

// The raw value for a one-line message: control characters and bytes that are
// not UTF-8 as \xNN, at most 64 bytes.
std::string Quote(std::string_view raw) {
  std::string out = "'";
  const auto* s = reinterpret_cast<const uint8_t*>(raw.data());
  const auto length = static_cast<int32_t>(raw.size() > 64 ? 64 : raw.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0x20 || c == 0x7f) {  // negative: not UTF-8
      for (int32_t j = start; j < i; ++j) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", s[j]);
        out += buf;
      }
    } else {
      out.append(raw.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
    }
  }
  if (raw.size() > 64) out += "...";
  return out + "'";
}

// The hints say what form a value takes, never a value: "(write 2026-11-24)"
// after a wrong date read as the date to write instead.
constexpr const char* kDateHint = " (write the date as YYYY-MM-DD: year, month, day)";
constexpr const char* kTimeHint = " (write the time as HH:MM, 24-hour)";

// `reason` in English (what a rejects file keeps) and `shown_reason` in the
// reader's language (what the desk prints); empty: the default reason.
Status BadDate(std::string_view raw, std::string_view reason = "is not a date",
               std::string shown_reason = "") {
  if (shown_reason.empty()) shown_reason = i18n::Tr("is not a date");
  return Status::InvalidInput("date " + Quote(raw) + " " + std::string(reason) + kDateHint)
      .WithShown(i18n::Format("date {0} {1} (write the date as YYYY-MM-DD: year, month, day)",
                              {Quote(raw), shown_reason}));
}

Status BadTime(std::string_view raw, std::string_view reason = "is not a time",
               std::string shown_reason = "") {
  if (shown_reason.empty()) shown_reason = i18n::Tr("is not a time");
  return Status::InvalidInput("time " + Quote(raw) + " " + std::string(reason) + kTimeHint)
      .WithShown(i18n::Format("time {0} {1} (write the time as HH:MM, 24-hour)",
                              {Quote(raw), shown_reason}));
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// A cursor over folded text.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool AtEnd() const { return pos_ == s_.size(); }
  void SkipSpaces() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  // Consumes `word` if the text continues with it.
  bool Take(std::string_view word) {
    if (s_.substr(pos_).starts_with(word)) {
      pos_ += word.size();
      return true;
    }
    return false;
  }
  // Consumes the first of `words` the text continues with.
  bool TakeAny(std::initializer_list<std::string_view> words) {
    for (std::string_view w : words) {
      if (Take(w)) return true;
    }
    return false;
  }
  // Consumes a run of ASCII digits; how many there were (0 if none). `value`
  // holds at most the first 9 digits.
  size_t Digits(int& value) {
    value = 0;
    size_t n = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      if (n < 9) value = value * 10 + (s_[pos_] - '0');
      ++pos_;
      ++n;
    }
    return n;
  }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  void Skip() { ++pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool InRange(size_t n, size_t lo, size_t hi) { return n >= lo && n <= hi; }

}  // namespace

std::string FoldFullWidth(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    const auto b0 = static_cast<unsigned char>(utf8[i]);
    if (i + 2 < utf8.size()) {
      const auto b1 = static_cast<unsigned char>(utf8[i + 1]);
      const auto b2 = static_cast<unsigned char>(utf8[i + 2]);
      if (b0 == 0xEF && b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) {  // U+FF01..U+FF3F
        out += static_cast<char>(b2 - 0x81 + 0x21);
        i += 3;
        continue;
      }
      if (b0 == 0xEF && b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) {  // U+FF40..U+FF5E
        out += static_cast<char>(b2 - 0x80 + 0x60);
        i += 3;
        continue;
      }
      if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) {  // U+3000 ideographic space
        out += ' ';
        i += 3;
        continue;
      }
    }
    out += utf8[i++];
  }
  size_t begin = 0;
  size_t end = out.size();
  while (begin < end && IsSpace(out[begin])) ++begin;
  while (end > begin && IsSpace(out[end - 1])) --end;
  return out.substr(begin, end - begin);
}

Result<LocalDate> ParseWrittenDate(std::string_view raw) {
  const std::string text = FoldFullWidth(raw);
  Cursor c(text);
  LocalDate d;
  if (c.Digits(d.year) != 4) return BadDate(raw);
  c.SkipSpaces();
  bool ok = false;
  if (c.Take("年")) {
    c.SkipSpaces();
    if (InRange(c.Digits(d.month), 1, 2)) {
      c.SkipSpaces();
      if (c.Take("月")) {
        c.SkipSpaces();
        if (InRange(c.Digits(d.day), 1, 2)) {
          c.SkipSpaces();
          c.TakeAny({"日", "号", "號"});
          c.SkipSpaces();
          ok = c.AtEnd();
        }
      }
    }
  } else if (const char sep = c.Peek(); sep == '-' || sep == '/' || sep == '.') {
    c.Skip();
    c.SkipSpaces();
    if (InRange(c.Digits(d.month), 1, 2)) {
      c.SkipSpaces();
      if (c.Peek() == sep) {
        c.Skip();
        c.SkipSpaces();
        ok = InRange(c.Digits(d.day), 1, 2) && c.AtEnd();
      }
    }
  }
  if (!ok) return BadDate(raw);
  if (d.year < 2000 || d.year > 2099)
    return BadDate(raw, "is not between 2000 and 2099", i18n::Tr("is not between 2000 and 2099"));
  const std::chrono::year_month_day ymd{std::chrono::year(d.year),
                                        std::chrono::month(static_cast<unsigned>(d.month)),
                                        std::chrono::day(static_cast<unsigned>(d.day))};
  if (!ymd.ok())
    return BadDate(raw, "is not a real calendar date", i18n::Tr("is not a real calendar date"));
  return d;
}

Result<LocalTime> ParseWrittenTime(std::string_view raw) {
  const std::string text = FoldFullWidth(raw);
  Cursor c(text);

  enum class Part { kNone, kMorning, kNoon, kAfternoon, kEvening };
  Part part = Part::kNone;
  if (c.TakeAny({"上午", "早上"})) {
    part = Part::kMorning;
  } else if (c.Take("中午")) {
    part = Part::kNoon;
  } else if (c.Take("下午")) {
    part = Part::kAfternoon;
  } else if (c.TakeAny({"傍晚", "晚上"})) {
    part = Part::kEvening;
  }
  c.SkipSpaces();

  LocalTime t;
  const size_t hour_digits = c.Digits(t.hour);
  if (hour_digits > 2 && c.AtEnd()) {
    return BadTime(raw, "has no separator between hour and minutes",
                   i18n::Tr("has no separator between hour and minutes"));
  }
  if (!InRange(hour_digits, 1, 2)) return BadTime(raw);
  c.SkipSpaces();
  bool ok = false;
  if (c.Peek() == ':' || c.Peek() == '.') {
    const char sep = c.Peek();
    c.Skip();
    c.SkipSpaces();
    if (c.Digits(t.minute) == 2) {
      c.SkipSpaces();
      int seconds = 0;
      if (sep == ':' && c.Take(":")) {  // 10:00:00 from a spreadsheet's time cell
        c.SkipSpaces();
        ok = c.Digits(seconds) == 2 && seconds == 0;
      } else {
        ok = true;
      }
    }
  } else if (c.TakeAny({"点", "點", "时", "時"})) {
    c.SkipSpaces();
    // Same bodies, different text consumed: 10点钟 and 10点 are both on the hour.
    if (c.TakeAny({"钟", "鐘", "整"})) {  // NOLINT(bugprone-branch-clone)
      ok = true;
    } else if (c.Take("半")) {
      t.minute = 30;
      ok = true;
    } else if (const size_t n = c.Digits(t.minute); n > 0) {
      c.SkipSpaces();
      const bool fen = c.Take("分");
      ok = n == 2 || (n == 1 && fen);
    } else {
      ok = true;  // 10点
    }
  }
  c.SkipSpaces();
  if (!ok || !c.AtEnd()) return BadTime(raw);
  if (t.hour > 23 || t.minute > 59) {
    return BadTime(raw, "is not a time of day: hours go to 23, minutes to 59",
                   i18n::Tr("is not a time of day: hours go to 23, minutes to 59"));
  }

  switch (part) {
    case Part::kNone:
      break;
    case Part::kMorning:
      if (t.hour > 12)
        return BadTime(raw, "puts an afternoon hour in the morning",
                       i18n::Tr("puts an afternoon hour in the morning"));
      break;
    case Part::kNoon:
      if (t.hour >= 1 && t.hour <= 2) {
        t.hour += 12;
      } else if (t.hour < 11 || t.hour > 14) {
        return BadTime(raw, "is not around noon", i18n::Tr("is not around noon"));
      }
      break;
    case Part::kAfternoon:
      if (t.hour == 0)
        return BadTime(raw, "puts midnight in the afternoon",
                       i18n::Tr("puts midnight in the afternoon"));
      if (t.hour < 12) t.hour += 12;
      break;
    case Part::kEvening:
      if (t.hour == 0 || t.hour == 12) {
        return BadTime(raw, "could be noon or midnight", i18n::Tr("could be noon or midnight"));
      }
      if (t.hour < 12) t.hour += 12;
      break;
  }
  return t;
}

}  // namespace outpost
