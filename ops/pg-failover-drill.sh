#!/usr/bin/env bash
# The failover drill for a hub on PostgreSQL (docs/POSTGRES.md, "The failover
# drill"): an IT admin runs it to see a failover end to end, CI runs it as the
# ctest pg_failover_drill.
#
#   ops/pg-failover-drill.sh [BUILD_DIR]     BUILD_DIR defaults to build/debug
#
# It builds nothing: the programs must already be in BUILD_DIR. In a work
# folder under /tmp it starts a PostgreSQL primary and a SYNCHRONOUS standby
# (ops/pg-cluster.sh), two hub processes whose --db lists both servers
# (target_session_attrs=read-write: they write wherever the primary is), two
# stores syncing to either hub and booking; then the database machine is lost
# (kill -9 of the postmaster and its children) while the hubs run on, the
# standby is checked to hold everything acknowledged and is promoted, and the
# hubs reconnect to it by themselves (no restart, no change of URL) and the
# stores, which took bookings all along, drain by themselves. It then checks
# that every store's log at the hub equals the store's own (count and head),
# the hub's state digest, each store's verify against the hub, and the hub
# itself verified through a migrate-db copy.
# Prints each step ("== ...") and ends "Failover drill: consistent" (exit 0),
# or names what failed (exit 1). Everything it started is stopped and deleted
# on exit.
#
# The programs run on one ticking clock from a fixed instant (OUTPOST_NOW with
# OUTPOST_NOW_AT, sync/clock.h): a Monday 09:00 in Shanghai whatever the hour,
# so the drill passes at any time of day and under libfaketime.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build/debug}
case "$build" in
  /*) ;;
  *) build="$repo/$build" ;;
esac
edge="$build/edge/outpost-edge" hub="$build/hub/outpost-hub" tool="$build/tools/outpost"
cluster="$repo/ops/pg-cluster.sh"

fail() {
  echo "Failover drill: FAILED: $*" >&2
  exit 1
}
say() { printf '\n== %s\n' "$*"; }

for program in "$edge" "$hub" "$tool"; do
  [ -x "$program" ] || fail "$program is missing: build first (ops/build.sh debug)"
done

# The work folder: the clusters' folders inside it must be reachable by the
# user the server runs as (postgres, when run as root), hence 0711.
work=$(mktemp -d /tmp/outpost-drill.XXXXXX)
chmod 711 "$work"
primary="$work/primary" standby="$work/standby"
pids=()
hub_pids=()
cleanup() {
  local status=$?
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  "$cluster" discard "$standby" >/dev/null 2>&1
  "$cluster" discard "$primary" >/dev/null 2>&1
  if [ "$status" -ne 0 ] && [ -n "${OUTPOST_DRILL_KEEP:-}" ]; then
    echo "(work folder kept: $work)" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# One clock for every program of the drill (tests/desk_harness.h SharedClock).
export OUTPOST_NOW=2026-11-23T01:00:00Z
OUTPOST_NOW_AT=$(date +%s%3N)
export OUTPOST_NOW_AT
export OUTPOST_STAFF="SA on duty"

port=$((17000 + RANDOM % 2000))
endpoints=("tcp://127.0.0.1:$port" "tcp://127.0.0.1:$((port + 1))")
stores=(SH-PUDONG BJ-CHAOYANG)
pg_port=5432
# The hubs' --db names both servers: libpq tries them in turn and keeps the
# one that takes writes, so after the promote a hub's next connection lands on
# the new primary with the same URL (docs/POSTGRES.md, "Both servers in one URL").
hub_url="postgresql:///hub?host=$primary,$standby&port=$pg_port,$pg_port&user=postgres"
hub_url+="&target_session_attrs=read-write&connect_timeout=5"
# The standby alone, read-only: what it holds before it is promoted.
standby_url="postgresql:///hub?host=$standby&port=$pg_port&user=postgres"

hubcmd() { "$hub" --db "$hub_url" --key "$work/keys/HUB.key" "$@"; }
desk() {
  local store=$1
  shift
  "$edge" --db "$work/$store.db" "$@"
}
# The value of a number field of a store's `status --json`.
store_field() { desk "$1" status --json | tr -d ' \n' | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }
# The value of a field of one store's entry in the hub's `stores --json`.
hub_field() { hub_field_at "$hub_url" "$@"; }
hub_field_at() {
  "$hub" --db "$1" --key "$work/keys/HUB.key" stores --json | tr -d ' \n' |
    grep -o "{[^{}]*\"store_id\":\"$2\"[^{}]*}" |
    sed -n "s/.*\"$3\":\"\{0,1\}\([0-9a-f]*\)\"\{0,1\}[,}].*/\1/p"
}
# A hub process serving endpoint N. The binary is started directly (not
# through a function, which would fork a subshell), so $! is the process.
start_hub() {
  "$hub" --db "$hub_url" --key "$work/keys/HUB.key" serve --bind "${endpoints[$1]}" \
    --resolve-every-ms 500 >>"$work/hub-$1.log" 2>&1 &
  hub_pids[$1]=$!
  pids+=("$!")
}
hubs_alive() {
  local n
  for n in "${!hub_pids[@]}"; do
    kill -0 "${hub_pids[$n]}" 2>/dev/null || fail "hub process $n (${hub_pids[$n]}) stopped"
  done
}
booked=0
store_number() {  # a store's place in $stores, for its customers' phone numbers
  local i
  for i in "${!stores[@]}"; do [ "${stores[$i]}" != "$1" ] || echo "$i"; done
}
book() {  # store, customer number, slot
  local phone
  phone=$(printf '139%04d%04d' "$(store_number "$1")" "$2")
  desk "$1" book --phone "$phone" --name "客户$2" --date tomorrow --slot "$3" --json >/dev/null ||
    fail "$1 could not book customer $2 at $3"
  booked=$((booked + 1))
}
# Waits (up to a minute) until no store has changes waiting and the hub's copy
# of each store's log is as long as the store's own.
converged() {
  local s waiting store_seq hub_seq
  for _ in $(seq 1 300); do
    waiting=0
    for s in "${stores[@]}"; do
      waiting=$((waiting + $(store_field "$s" waiting)))
      store_seq=$(store_field "$s" last_seq)
      hub_seq=$(hub_field "$s" last_seq)
      [ "${hub_seq:-x}" = "$store_seq" ] || waiting=$((waiting + 1))
    done
    [ "$waiting" -eq 0 ] && return 0
    sleep 0.2
  done
  return 1
}

say "Keys: one pair for the hub, one per store"
"$tool" keygen --site HUB --dir "$work/keys" >/dev/null
for s in "${stores[@]}"; do "$tool" keygen --site "$s" --dir "$work/keys" >/dev/null; done

say "PostgreSQL: a primary and a synchronous standby"
"$cluster" start "$primary" "$pg_port" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "postgresql:///postgres?host=$primary&port=$pg_port&user=postgres" \
  -c "CREATE DATABASE hub TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'" >/dev/null
"$cluster" standby "$primary" "$standby" --sync >/dev/null
echo "primary $primary, standby $standby (synchronous)"

say "Head office: two hub processes on the primary, two stores allowed"
hubcmd init >/dev/null
for s in "${stores[@]}"; do hubcmd allow "$work/keys/$s.pub" >/dev/null; done
start_hub 0
start_hub 1
echo "hub processes ${hub_pids[*]} on ${endpoints[*]}; --db lists $primary then $standby"

say "Two stores open their desks and sync to either hub"
hub_list=$(IFS=,; echo "${endpoints[*]}")
for s in "${stores[@]}"; do
  desk "$s" init --store-id "$s" --name "$s" --capacity 20 >/dev/null
  "$edge" --db "$work/$s.db" sync --hub "$hub_list" --hub-key "$work/keys/HUB.pub" \
    --key "$work/keys/$s.key" >/dev/null 2>>"$work/sync-$s.log" &
  pids+=($!)
done

say "Morning bookings, synced to the hub"
for s in "${stores[@]}"; do
  for n in 1 2 3 4; do book "$s" "$n" 10:00; done
done
converged || fail "the stores did not drain to the hub on the primary"
hubcmd stores

say "More bookings; the database machine is lost (kill -9 of the postmaster and its children)"
for s in "${stores[@]}"; do book "$s" 5 11:00; done
declare -A acked
for s in "${stores[@]}"; do
  acked[$s]=$(store_field "$s" hub_acked_seq)
  echo "$s: hub_acked_seq ${acked[$s]} before the loss"
done
postmaster=$(head -n 1 "$primary/data/postmaster.pid")
children=$(ps -o pid= --ppid "$postmaster" | tr '\n' ' ')
# shellcheck disable=SC2086 # the children's pids are words
kill -9 "$postmaster" $children
# What the stores were told before the hubs lost their database: acknowledged
# by a commit on the primary (and, synchronously, flushed on the standby).
# The hubs run on: they answer nothing they cannot commit.
for s in "${stores[@]}"; do
  now=$(store_field "$s" hub_acked_seq)
  [ "$now" -ge "${acked[$s]}" ] || fail "$s: hub_acked_seq went back from ${acked[$s]} to $now"
  acked[$s]=$now
done

say "The stores take bookings while head office's database is down; the hubs run on"
for s in "${stores[@]}"; do
  for n in 6 7 8; do book "$s" "$n" 14:00; done
done
for s in "${stores[@]}"; do
  echo "$s: $(store_field "$s" waiting) changes waiting"
done
hubs_alive
for s in "${stores[@]}"; do
  now=$(store_field "$s" hub_acked_seq)
  [ "$now" -eq "${acked[$s]}" ] ||
    fail "$s: acknowledged up to $now with no database (${acked[$s]} at the loss)"
done
echo "no acknowledgement while no database took writes"

say "Before the promote: the standby holds everything the stores had acknowledged"
# Read while it is still a standby, so no hub can have written to it: once the
# stores reach a hub on it, one that lost changes would ask them for a resend
# and the loss would heal unseen. First its replay catches up with what it
# received (what the primary's commits waited for).
for _ in $(seq 1 100); do
  replayed=$(psql -X -A -t -d "postgresql:///postgres?host=$standby&port=$pg_port&user=postgres" \
    -c "SELECT pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn()")
  [ "$replayed" = t ] && break
  sleep 0.1
done
[ "$replayed" = t ] || fail "the standby did not replay what it had received"
for s in "${stores[@]}"; do
  standby_seq=$(hub_field_at "$standby_url" "$s" last_seq)
  echo "$s: acknowledged up to ${acked[$s]}, the standby holds ${standby_seq:-nothing}"
  if [ -z "$standby_seq" ] || [ "$standby_seq" -lt "${acked[$s]}" ]; then
    fail "$s: the standby lost changes the store had acknowledged (up to ${acked[$s]})"
  fi
done

say "The standby is promoted; the hubs reconnect to it by themselves"
"$cluster" promote "$standby" >/dev/null

say "More bookings at the stores; every store drains by itself"
for s in "${stores[@]}"; do
  for n in 9 10; do book "$s" "$n" 15:00; done
done
converged || fail "the stores did not drain to the hubs on the promoted standby"
hubcmd stores
hubs_alive
for n in "${!hub_pids[@]}"; do
  echo "hub process $n (${hub_pids[$n]}): the same process; $(grep -c 'not answered' \
    "$work/hub-$n.log" || true) store messages left unanswered while no server took writes"
done

say "Each store's log at the hub equals its own"
for s in "${stores[@]}"; do
  store_seq=$(store_field "$s" last_seq)
  store_head=$(desk "$s" status --json | tr -d ' \n' | sed -n 's/.*"log_head":"\([0-9a-f]*\)".*/\1/p')
  hub_seq=$(hub_field "$s" last_seq)
  hub_head=$(hub_field "$s" log_head)
  printf '%-12s acked before the loss %3s; store %3s changes, head %.16s...; hub %3s, head %.16s...\n' \
    "$s" "${acked[$s]}" "$store_seq" "$store_head" "$hub_seq" "$hub_head"
  [ "$hub_seq" -ge "${acked[$s]}" ] ||
    fail "$s: the promoted hub holds $hub_seq changes, the store had $s acknowledged up to ${acked[$s]}"
  if [ "$hub_seq" != "$store_seq" ] || [ -z "$store_head" ] || [ "$hub_head" != "$store_head" ]; then
    fail "$s: the hub's copy of its log differs from the store's"
  fi
done
echo "$booked bookings made"

say "The hub's state digest"
digest=$(hubcmd digest) || fail "outpost-hub digest failed"
echo "$digest"

say "Verify: each store against the hub"
for s in "${stores[@]}"; do
  "$tool" verify --db "$work/$s.db" --hub "${endpoints[0]}" --keys "$work/keys/$s.key" \
    --hub-key "$work/keys/HUB.pub" || fail "$s does not verify against the hub"
done

say "Verify: the hub, through a migrate-db copy of the promoted database"
"$hub" --key "$work/keys/HUB.key" migrate-db --from "$hub_url" --to "$work/hub-copy.db" >/dev/null ||
  fail "migrate-db could not copy the promoted hub"
copy_digest=$("$hub" --db "$work/hub-copy.db" --key "$work/keys/HUB.key" digest)
[ "$copy_digest" = "$digest" ] || fail "the copy's state digest differs from the hub's"
"$tool" verify --db "$work/hub-copy.db" --hub-secret "$work/keys/HUB.key" ||
  fail "the hub's copy does not verify"

echo
echo "Failover drill: consistent"
