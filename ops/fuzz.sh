#!/usr/bin/env bash
# Runs the libFuzzer targets with clang (ASan + UBSan), starting from the
# committed seed corpus; new interesting inputs go to build/fuzz/corpus-*.
#   ops/fuzz.sh [RUNS]      default 1,000,000 executions per target
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
./ops/install-deps.sh
if ! command -v clang++ >/dev/null || ! dpkg -s libclang-rt-14-dev >/dev/null 2>&1; then
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev
fi
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOUTPOST_LIBFUZZER=ON -DOUTPOST_WERROR=OFF -DOUTPOST_BENCH=OFF >/dev/null
cmake --build build/fuzz -j 2 --target decoder_fuzzer paper_csv_fuzzer inbound_fuzzer
for target in decoder paper_csv inbound; do
  echo "== fuzz: ${target}_fuzzer, $runs runs"
  mkdir -p "build/fuzz/corpus-$target"
  cp -n "tests/fuzz/corpus/$target"/* "build/fuzz/corpus-$target/" 2>/dev/null || true
  "./build/fuzz/tests/fuzz/${target}_fuzzer" -runs="$runs" -max_len=65536 -print_final_stats=1 \
    "build/fuzz/corpus-$target"
done
