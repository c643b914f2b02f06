#!/usr/bin/env bash
# Runs clang-tidy (the checks in .clang-tidy: bug-finding, and no function over
# 150 lines) over Outpost's own sources, using build/debug's compile database.
#   ops/tidy.sh [PATH...]          the .cc files under each PATH (a folder or a
#                                  file; a header means its .cc), or every source;
#                                  full diagnostics; exits 1 on any finding
#   ops/tidy.sh --check [PATH...]  the same, one line per finding (deduplicated:
#                                  a header is seen by many sources), for CI
# TIDY_JOBS=N runs N clang-tidy processes at once (default 1: the whole project,
# 108 sources, took 48 minutes at one job on a 2-core machine shared with other
# builds; sync/ alone 8 minutes of CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
jobs=${TIDY_JOBS:-1}
build=build/debug

# The compile database, and the generated headers the sources include (the
# wire schema; SQL migrations are sources, never included).
if [ ! -f "$build/compile_commands.json" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DOUTPOST_WERROR=ON >/dev/null
fi
cmake --build "$build" --target outpost_wire_schema >/dev/null

# Every source of ours in the database (generated ones live in the build tree).
mapfile -t all < <(python3 -c '
import json, sys
for e in json.load(open(sys.argv[1])):
    print(e["file"])' "$build/compile_commands.json" | grep "^$root/" | grep -v "^$root/build" | sort -u)

files=()
if [ $# -eq 0 ]; then
  files=("${all[@]}")
else
  for arg in "$@"; do
    path=$(realpath -m "$arg")
    case "$path" in *.h) path=${path%.h}.cc ;; esac
    matched=0
    for f in "${all[@]}"; do
      if [ "$f" = "$path" ] || [[ "$f" == "$path"/* ]]; then files+=("$f"); matched=1; fi
    done
    if [ $matched -eq 0 ]; then echo "tidy: no source in the compile database under $arg" >&2; exit 2; fi
  done
fi

# The database holds GCC's flags (-Wno-restrict is unknown to clang).
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
printf '%s\0' "${files[@]}" | xargs -0 -n 1 -P "$jobs" \
  clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option >"$out" 2>/dev/null \
  || status=$?

# clang-tidy exits 0 on warnings, so findings are read from its output.
findings=$(grep -E '^/.*:[0-9]+:[0-9]+: (warning|error):' "$out" | sort -u || true)
if [ $check -eq 1 ]; then
  [ -n "$findings" ] && echo "${findings//$root\//}"
else
  cat "$out"
fi
count=$(printf '%s' "$findings" | grep -c . || true)
echo "tidy: ${#files[@]} sources, $count findings"
if [ "$count" -gt 0 ] || [ $status -ne 0 ]; then exit 1; fi
