#include "sync/clock.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "sync/civil_time.h"
#include "sync/i18n/messages.h"

namespace outpost {

int64_t SystemClock::NowMs() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Result<std::unique_ptr<Clock>> ClockFromEnvironment() {
  const char* now = std::getenv("OUTPOST_NOW");
  if (now == nullptr || *now == '\0') return std::unique_ptr<Clock>(new SystemClock());
  auto pinned = ParseUtcMs(now);
  if (!pinned.ok()) {
    return Status::InvalidInput("OUTPOST_NOW: " + pinned.status().message())
        .WithShown(i18n::Format("OUTPOST_NOW: {0}", {pinned.status().shown()}));
  }
  const char* at = std::getenv("OUTPOST_NOW_AT");
  if (at == nullptr || *at == '\0') return std::unique_ptr<Clock>(new FixedClock(pinned.value()));
  int64_t at_ms = 0;
  const std::string_view text(at);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), at_ms);
  if (ec != std::errc() || end != text.data() + text.size() || at_ms <= 0) {
    return Status::InvalidInput("OUTPOST_NOW_AT: '" + std::string(text) +
                                "' is not a positive count of milliseconds since 1970")
        .WithShown(i18n::Format(
            "OUTPOST_NOW_AT: '{0}' is not a positive count of milliseconds since 1970", {text}));
  }
  return std::unique_ptr<Clock>(new OffsetClock(pinned.value() - at_ms));
}

std::string FormatUtcMs(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86'400'000 : -((-ms + 86'399'999) / 86'400'000);
  int64_t in_day = ms - days * 86'400'000;
  LocalDate date = LocalDate::FromDays(static_cast<int32_t>(days));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date.year, date.month,
                date.day, static_cast<int>(in_day / 3'600'000),
                static_cast<int>(in_day / 60'000 % 60), static_cast<int>(in_day / 1000 % 60),
                static_cast<int>(in_day % 1000));
  return buf;
}

Result<int64_t> ParseUtcMs(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidInput("timestamp '" + std::string(text) +
                                "' is not of the form 2026-11-23T15:22:25Z")
        .WithShown(i18n::Format("timestamp '{0}' is not of the form 2026-11-23T15:22:25Z", {text}));
  };
  if (text.size() < 20 || text[10] != 'T') return bad();
  ASSIGN_OR_RETURN(LocalDate date, LocalDate::Parse(text.substr(0, 10)));
  auto digits = [&](size_t pos, size_t n, int& out) {
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int h, m, s;
  if (!digits(11, 2, h) || text[13] != ':' || !digits(14, 2, m) || text[16] != ':' ||
      !digits(17, 2, s) || h > 23 || m > 59 || s > 60) {
    return bad();
  }
  size_t pos = 19;
  int frac_ms = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int scale = 100;
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      frac_ms += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad();
  }
  int64_t offset_ms = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!digits(pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(pos + 4, 2, om)) {
      return bad();
    }
    offset_ms = (oh * 60 + om) * 60'000LL * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  return int64_t{date.ToDays()} * 86'400'000 + (h * 3600 + m * 60 + s) * 1000LL + frac_ms -
         offset_ms;
}

}  // namespace outpost
