#!/usr/bin/env bash
# The test command: installs dependencies, builds, and runs every test twice,
# once in the -Werror debug build and once under ASan/UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
./ops/install-deps.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for flavour in debug asan; do
  echo "== build and test: $flavour"
  ./ops/build.sh "$flavour"
  (cd "build/$flavour" && ctest --output-on-failure -j 2 --timeout 600)
done
