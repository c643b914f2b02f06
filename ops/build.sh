#!/usr/bin/env bash
# Configures and builds one flavour of Outpost into build/<flavour>.
#   ops/build.sh debug     -Werror debug build (tests, demo)
#   ops/build.sh asan      AddressSanitizer + UndefinedBehaviorSanitizer
#   ops/build.sh release   optimised, for benchmarks
#   ops/build.sh tsan T... ThreadSanitizer under clang with -Wthread-safety, only the
#                          targets named (the threaded tests and the annotated code)
#   ops/build.sh threadsafety T...  clang with -Wthread-safety -Werror, only the
#                          targets named (those with locking annotations)
# BUILD_JOBS=N compiles N files at once (default 2).
# OUTPOST_UNITY_BUILD=ON compiles a target's files in batches (CMake's unity
# build: about 3x less compile time from scratch, as ops/test.sh and CI build);
# OFF suits editing one file at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-debug}
shift || true
targets=()
for t in "$@"; do targets+=(--target "$t"); done
case "$flavour" in
  debug)   args=(-DCMAKE_BUILD_TYPE=Debug) ;;
  asan)    args=(-DCMAKE_BUILD_TYPE=Debug -DOUTPOST_SANITIZE=ON -DOUTPOST_BENCH=OFF) ;;
  release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
  # Built by clang with the locking annotations checked too (-Wthread-safety):
  # one build of the threaded code serves both, as ops/test.sh runs it.
  tsan)    args=(-DCMAKE_BUILD_TYPE=Debug -DOUTPOST_TSAN=ON -DOUTPOST_THREAD_SAFETY=ON -DOUTPOST_BENCH=OFF
                 -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  # The analysis is clang's: the compiler is chosen when the folder is first configured.
  threadsafety)
    args=(-DCMAKE_BUILD_TYPE=Debug -DOUTPOST_THREAD_SAFETY=ON -DOUTPOST_BENCH=OFF
          -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "ops/build.sh: unknown flavour '$flavour' (debug, asan, release, tsan, threadsafety)" >&2
     exit 1 ;;
esac
# Unset, a folder keeps the unity setting it was configured with (OFF when new):
# ops/demo.sh after ops/test.sh reuses that build instead of redoing it.
if [[ -n "${OUTPOST_UNITY_BUILD:-}" ]]; then args+=(-DCMAKE_UNITY_BUILD="$OUTPOST_UNITY_BUILD"); fi
cmake -S . -B "build/$flavour" -G Ninja -DOUTPOST_WERROR=ON "${args[@]}" >/dev/null
cmake --build "build/$flavour" -j "${BUILD_JOBS:-2}" "${targets[@]}"
