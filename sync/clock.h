// Clock: the one source of "now" for a component, passed in from main().
//
// Production code uses SystemClock; tests and drills use FixedClock so rules
// that depend on time (minimum notice, the 4-hour priority rule) are
// deterministic. Implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sync/status.h"

namespace outpost {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
};

// The system clock moved by a constant offset: a clock that ticks, pinned to a
// chosen instant. Every process given the same offset shares one clock, so a
// test can pin "now" for a hub and its stores and still see time pass.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(int64_t offset_ms) : offset_ms_(offset_ms) {}
  int64_t NowMs() const override { return system_.NowMs() + offset_ms_; }

 private:
  SystemClock system_;
  int64_t offset_ms_;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  void Set(int64_t now_ms) { now_ms_.store(now_ms); }
  void Advance(int64_t delta_ms) { now_ms_.fetch_add(delta_ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

// The clock a program runs on, from its environment; main() calls it once.
//   unset                            the system clock (every real desk and hub)
//   OUTPOST_NOW=<instant>            stands still at that instant (drills, demos, tests)
//   OUTPOST_NOW=<instant> and
//   OUTPOST_NOW_AT=<unix ms>         ticks: it read <instant> when the system clock
//                                    read <unix ms>; processes given the same pair
//                                    share one clock (end-to-end tests)
// An unreadable value is refused naming the variable, never replaced by the system clock.
Result<std::unique_ptr<Clock>> ClockFromEnvironment();

// "2026-11-23T15:22:25.123Z": the one text form of a system timestamp. Sorts as text.
std::string FormatUtcMs(int64_t ms);
// Accepts "2026-11-23T15:22:25Z", with optional ".123" fraction, and "+08:00" style offsets.
Result<int64_t> ParseUtcMs(std::string_view text);

}  // namespace outpost
