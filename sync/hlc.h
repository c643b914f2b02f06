// Hybrid logical clock (Kulkarni et al.): timestamps that follow wall time but
// never go backwards and order every event after those it has seen, even when
// store clocks are skewed by hours.
//
// Packed in 64 bits: the upper 48 are wall-clock milliseconds, the lower 16 a
// logical counter. Values compare as integers. Pure functions: the caller keeps
// the last value (the edge reads it from its change log inside the transaction,
// so several desk processes share one clock).
#pragma once

#include <cstdint>
#include <string>

namespace outpost {

using Hlc = uint64_t;

constexpr Hlc MakeHlc(int64_t wall_ms, uint32_t logical) {
  return (static_cast<uint64_t>(wall_ms) << 16) | (logical & 0xffff);
}
constexpr int64_t HlcWallMs(Hlc hlc) { return static_cast<int64_t>(hlc >> 16); }
constexpr uint32_t HlcLogical(Hlc hlc) { return static_cast<uint32_t>(hlc & 0xffff); }

// The timestamp of a local event, after `last`, at wall time `wall_ms`.
Hlc HlcNext(Hlc last, int64_t wall_ms);
// The clock after receiving `remote`: later than both it and `last`.
Hlc HlcMerge(Hlc last, Hlc remote, int64_t wall_ms);

// "2026-11-23T15:22:25.123Z+3": wall time and logical counter, for people.
std::string FormatHlc(Hlc hlc);

}  // namespace outpost
