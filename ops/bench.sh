#!/usr/bin/env bash
# Builds the release flavour and runs the benchmarks quoted in docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./ops/install-deps.sh
./ops/build.sh release
./build/release/tests/bench/booking_bench --bookings "${BOOKINGS:-2000}" --rounds "${ROUNDS:-3}"
