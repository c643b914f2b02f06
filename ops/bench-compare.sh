#!/usr/bin/env bash
# Runs the benchmarks of docs/PERFORMANCE.md for two release builds in the same
# run, alternating (before, after, before, after) so that the machine's load
# falls on both alike; each benchmark also measures its own raw baseline.
#   ops/bench-compare.sh BEFORE_BUILD_DIR AFTER_BUILD_DIR [OUT_DIR]
# e.g. a worktree of the old commit built with `ops/build.sh release`, and this one.
set -euo pipefail
before=$1/tests/bench
after=$2/tests/bench
out=${3:-/tmp/bench-compare}
mkdir -p "$out"
run() {  # name args...
  local name=$1; shift
  for round in 1 2; do
    for side in before after; do
      local dir=$before; [ "$side" = after ] && dir=$after
      echo "== $name $side round $round: $*" | tee -a "$out/$name.txt"
      "$dir/$name" "$@" 2>&1 | tail -12 | tee -a "$out/$name.txt"
    done
  done
}
run booking_bench --bookings "${BOOKINGS:-2000}" --rounds 3
run ingest_bench --changes "${INGEST_CHANGES:-100000}"
run catchup_bench --bookings "${CATCHUP_BOOKINGS:-10000}"
run verify_bench --changes "${VERIFY_CHANGES:-200000}" --stores 10 --rounds 3
run identity_bench --records "${IDENTITY_RECORDS:-100000}" --stores 500
echo "results in $out"
