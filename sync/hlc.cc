#include "sync/hlc.h"

#include <algorithm>

#include "sync/clock.h"

namespace outpost {

Hlc HlcNext(Hlc last, int64_t wall_ms) {
  const int64_t last_wall = HlcWallMs(last);
  if (wall_ms > last_wall) return MakeHlc(wall_ms, 0);
  // Wall clock behind or equal: keep the last wall time, count logically.
  // 65,536 events in one millisecond carry into the next millisecond.
  return last + 1;
}

Hlc HlcMerge(Hlc last, Hlc remote, int64_t wall_ms) {
  const Hlc newest = std::max(last, remote);
  if (wall_ms > HlcWallMs(newest)) return MakeHlc(wall_ms, 0);
  return newest + 1;
}

std::string FormatHlc(Hlc hlc) {
  return FormatUtcMs(HlcWallMs(hlc)) + "+" + std::to_string(HlcLogical(hlc));
}

}  // namespace outpost
