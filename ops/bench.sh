#!/usr/bin/env bash
# Builds the release flavour and runs the benchmarks quoted in docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./ops/install-deps.sh
./ops/build.sh release
./build/release/tests/bench/booking_bench --bookings "${BOOKINGS:-2000}" --rounds "${ROUNDS:-3}"
./build/release/tests/bench/paper_bench --rows 10000 --rounds 3
./build/release/tests/bench/backup_bench --rounds 3
./build/release/tests/bench/ingest_bench --changes "${INGEST_CHANGES:-100000}"
./build/release/tests/bench/delivery_bench --messages 5000 --rounds 5
./build/release/tests/bench/verify_bench --changes "${VERIFY_CHANGES:-1000000}" --stores 10 --rounds 3
# Identity resolution over 1 M records takes about a minute and 1 GiB:
# IDENTITY_RECORDS=1000000 ops/bench.sh
./build/release/tests/bench/identity_bench --records "${IDENTITY_RECORDS:-100000}" --stores 500
