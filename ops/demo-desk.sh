#!/usr/bin/env bash
# The main job (for now): a scripted day at one store's booking desk, on a
# temporary store, with no network. The desk clock is pinned (OUTPOST_NOW) so
# the story is the same every time: Monday 2026-11-23 and Tuesday 2026-11-24,
# Shanghai time.
set -euo pipefail
cd "$(dirname "$0")/.."
./ops/install-deps.sh >/dev/null
./ops/build.sh debug >/dev/null
desk="$PWD/build/debug/edge/outpost-edge"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OUTPOST_DB="$work/store.db" OUTPOST_STAFF="SA Zhang"

say()  { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run()  { printf '$ outpost-edge %s\n' "$*"; "$desk" "$@"; }
# A command the desk must refuse: shows the reason and the exit code.
refused() {
  printf '$ outpost-edge %s\n' "$*"
  local rc=0
  "$desk" "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then echo "demo: expected a refusal" >&2; exit 1; fi
  echo "   (exit $rc: nothing was written)"
}
at() { export OUTPOST_NOW="$1"; say "$2"; }

at 2026-11-23T01:00:00Z "Monday 09:00 - the store opens its desk (no network needed)"
run init --store-id SH-PUDONG --name "浦东服务中心" --open-days 123456
run config

at 2026-11-23T01:05:00Z "09:05 - Mr Wang phones: maintenance tomorrow at 08:30"
run book --phone "138 0013 8000" --name "王伟" --plate "京A·12345" --vin LSVAU218XN2183294 \
  --mileage 15200 --service maintenance --date tomorrow --slot 08:30

at 2026-11-23T01:20:00Z "09:20 - Ms Li books the same slot on WeChat; it is now full"
run book --phone "+86 139-0013-9000" --name "李娜" --date tomorrow --slot 08:30 --channel wechat
refused book --phone 13700137000 --name "赵强" --date tomorrow --slot 08:30

at 2026-11-23T01:30:00Z "09:30 - typos are caught before anything is written"
refused book --phone 1370013700 --name "赵强" --date tomorrow --slot 10:00
refused book --phone 13700137000 --name "赵强" --date tomorrow --slot 09:00
run book --phone 13700137000 --name "赵强" --plate "沪B·D12345" --date tomorrow --slot 10:00

at 2026-11-23T06:00:00Z "14:00 - Ms Chen books, then calls back to move it"
run book --phone 13600136000 --name "陈静" --service "tyre change" --date tomorrow --slot 15:00
run reschedule 261124-4 --date tomorrow --slot 16:00 --reason "customer asked for later"

say "The SA's board for tomorrow"
run board --date 2026-11-24

at 2026-11-23T23:00:00Z "Tuesday 07:00 - confirmation calls, two hours ahead"
run confirm 261124-1
run confirm 261124-3

at 2026-11-24T00:10:00Z "08:10 - Mr Wang arrives early: discount holds, breakfast offered"
run check-in 261124-1
run start 261124-1 --staff "Tech Wu"

at 2026-11-24T01:00:00Z "09:00 - Ms Li has not come: recorded as a no-show (SA follows up for 3 days)"
run no-show 261124-2

at 2026-11-24T01:30:00Z "09:30 - Mr Zhao cancels; a walk-in takes a place in the 10:00 slot"
refused cancel 261124-3
run cancel 261124-3 --reason "car not ready to leave the office car park"
run book --phone 13500135000 --name "孙丽" --date today --slot 10:00 --channel walk-in

at 2026-11-24T02:30:00Z "10:30 - Mr Wang's car is done"
run complete 261124-1 --staff "Tech Wu"
refused cancel 261124-1 --reason "too late"

say "Everything that happened to Mr Wang's booking, and who did it"
run booking show 261124-1
say "Find a customer the way they say their number"
run customer find "+86 138-0013-8000"
say "The board at the end of the morning"
run board --date today
