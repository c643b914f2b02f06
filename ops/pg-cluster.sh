#!/usr/bin/env bash
# A throwaway (or standby) PostgreSQL cluster in a directory of its own, for the
# test run and for trying the hub on PostgreSQL by hand (docs/POSTGRES.md).
#
#   ops/pg-cluster.sh start DIR [PORT]     init (first time) and start; prints the admin URL
#   ops/pg-cluster.sh fresh DIR [PORT]     discard, then start: a clean cluster every time
#   ops/pg-cluster.sh stop DIR             stop it (fast shutdown); the data stays
#   ops/pg-cluster.sh discard DIR          stop it (immediate) and delete DIR
#   ops/pg-cluster.sh url DIR              print the admin URL of the cluster in DIR
#   ops/pg-cluster.sh standby PRIMARY_DIR DIR [--sync]
#                                          a streaming standby of the running primary
#                                          (pg_basebackup -R); --sync: the primary's
#                                          commits wait for it (synchronous_standby_names)
#   ops/pg-cluster.sh promote DIR          the standby in DIR becomes a primary
#   ops/pg-cluster.sh lag DIR              the standby's replay lag in seconds and bytes
#
# Layout: DIR/data is the data directory, DIR/server.log the server's log, and
# the server listens on the Unix socket DIR/.s.PGSQL.PORT only (no TCP). Every
# local connection is trusted and the superuser is named `postgres`, so the
# admin URL is postgresql:///postgres?host=DIR&port=PORT&user=postgres.
# DIR/.outpost-pg-cluster marks a directory this script made: discard deletes
# nothing else.
#
# The server never runs as root: run as root, the cluster belongs to the
# `postgres` user if it exists, else `nobody` (runuser), so DIR must be
# reachable by that user (/tmp or /dev/shm; never under /root). Durability is
# that of a real server (fsync on), so the tests exercise real commits.
set -euo pipefail

readonly marker_name=.outpost-pg-cluster
readonly superuser=postgres
readonly default_port=5432

die() {
  echo "pg-cluster: $*" >&2
  exit 1
}

usage() {
  sed -n '5,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The directory of initdb, pg_ctl and friends: pg_config's, else the newest
# Debian /usr/lib/postgresql/<version>/bin.
find_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
      echo "$dir"
      return
    fi
  fi
  for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5,5 -n -r); do
    if [ -x "$dir/initdb" ]; then
      echo "$dir"
      return
    fi
  done
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  die "no PostgreSQL server programs found (initdb): install postgresql (ops/install-deps.sh)"
}
bindir=$(find_bindir)

# The operating-system user that owns and runs the cluster.
if [ "$(id -u)" -eq 0 ]; then
  if id -u postgres >/dev/null 2>&1; then run_user=postgres; else run_user=nobody; fi
else
  run_user=$(id -un)
fi

# Runs a command as the cluster's user, from a directory it can enter (the
# server and initdb complain when started in one they cannot, e.g. /root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u "$run_user" -- "$@")
  else
    (cd / && "$@")
  fi
}

absolute_dir() {  # DIR -> its absolute path (DIR need not exist yet)
  local dir=$1
  [ -n "$dir" ] || die "no directory given"
  case "$dir" in
    /*) ;;
    *) dir="$PWD/$dir" ;;
  esac
  # No trailing slash: the URL and the socket path are built from it.
  while [ "${#dir}" -gt 1 ] && [ "${dir%/}" != "$dir" ]; do dir=${dir%/}; done
  echo "$dir"
}

is_ours() { [ -f "$1/$marker_name" ]; }
has_cluster() { [ -f "$1/data/PG_VERSION" ]; }
# Whether the postmaster named in DIR's postmaster.pid is alive. Not pg_ctl
# status: a postmaster killed a moment ago may linger as a zombie until it is
# reaped, which pg_ctl takes for a running server.
is_running() {
  local pid state
  has_cluster "$1" && [ -f "$1/data/postmaster.pid" ] || return 1
  pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null || true)
  case "$pid" in
    '' | *[!0-9]*) return 1 ;;
  esac
  state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  [ -n "$state" ] && [ "${state#Z}" = "$state" ]
}

# The port the cluster in DIR was made with (the last `port =` line wins, as
# in the server's own reading of postgresql.conf).
cluster_port() {
  local port
  port=$(sed -n 's/^port = \([0-9][0-9]*\).*/\1/p' "$1/data/postgresql.conf" | tail -n 1)
  echo "${port:-$default_port}"
}

admin_url() { echo "postgresql:///postgres?host=$1&port=$(cluster_port "$1")&user=$superuser"; }

check_port() {
  case "$1" in
    '' | *[!0-9]*) die "port '$1' is not a number" ;;
  esac
  if [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then die "port $1 is out of range (1-65535)"; fi
}

# Creates DIR (or takes an empty or earlier one of ours) for the cluster's user.
prepare_dir() {
  local dir=$1 created=0
  # A Unix socket path holds at most 107 bytes: DIR/.s.PGSQL.PORT must fit.
  [ "${#dir}" -le 80 ] || die "$dir is too long for a Unix socket directory (at most 80 characters)"
  if [ -e "$dir" ] && ! is_ours "$dir"; then
    [ -d "$dir" ] || die "$dir exists and is not a directory"
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty and was not made by pg-cluster.sh"
  fi
  if [ ! -e "$dir" ]; then created=1; fi
  mkdir -p "$dir"
  touch "$dir/$marker_name"
  if [ "$(id -u)" -eq 0 ]; then chown "$run_user" "$dir" "$dir/$marker_name"; fi
  chmod 700 "$dir"
  if ! as_owner test -w "$dir" -a -x "$dir"; then
    if [ "$created" -eq 1 ]; then rm -rf "$dir"; fi
    die "$dir is not reachable by user $run_user (put it under /tmp or /dev/shm, never under /root)"
  fi
}

# The settings of a cluster living in DIR on PORT. Appended to postgresql.conf,
# where a later line overrides an earlier one: a standby's copy of its
# primary's file gets its own block after the primary's.
write_settings() {
  local dir=$1 port=$2
  cat >>"$dir/data/postgresql.conf" <<EOF

# ops/pg-cluster.sh: a cluster on a Unix socket in $dir only.
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
max_connections = 200
fsync = on
synchronous_commit = on
wal_level = replica
max_wal_senders = 10
wal_keep_size = 256MB
hot_standby = on
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
# Shared memory segments as files in the data directory, not in /dev/shm:
# a cluster killed -9 (the drills do it) leaves none behind there, and
# discard removes them with the rest.
dynamic_shared_memory_type = mmap
EOF
}

# A postmaster killed a moment ago can stay a zombie until its parent (often
# init) reaps it; meanwhile a new postmaster takes the old one's lock file for
# live. Waits (up to half a minute) for it to go.
wait_until_reaped() {
  local pid
  pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null || true)
  case "$pid" in
    '' | *[!0-9]*) return 0 ;;
  esac
  for _ in $(seq 1 300); do
    if [ -z "$(ps -o stat= -p "$pid" 2>/dev/null || true)" ]; then
      rm -f "$1/data/postmaster.pid"  # stale: its postmaster is gone
      return 0
    fi
    sleep 0.1
  done
  die "the earlier server (pid $pid) in $1 has not exited"
}

start_server() {
  local dir=$1
  wait_until_reaped "$dir"
  if ! as_owner "$bindir/pg_ctl" start -w -t 120 -s -D "$dir/data" -l "$dir/server.log"; then
    echo "pg-cluster: the server in $dir did not start; the end of $dir/server.log:" >&2
    tail -n 20 "$dir/server.log" >&2 || true
    exit 1
  fi
}

cmd_start() {
  local dir port
  dir=$(absolute_dir "${1:-}")
  port=${2:-}
  [ -z "$port" ] || check_port "$port"
  if has_cluster "$dir"; then
    if [ -n "$port" ] && [ "$port" != "$(cluster_port "$dir")" ]; then
      die "the cluster in $dir listens on port $(cluster_port "$dir"), not $port (discard it first)"
    fi
    if ! is_running "$dir"; then start_server "$dir"; fi
    admin_url "$dir"
    return
  fi
  prepare_dir "$dir"
  rm -rf "$dir/data"  # a half-made data directory from an interrupted init
  if ! as_owner "$bindir/initdb" -D "$dir/data" -U "$superuser" --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    echo "pg-cluster: initdb failed in $dir/data; its output:" >&2
    cat "$dir/initdb.log" >&2
    exit 1
  fi
  write_settings "$dir" "${port:-$default_port}"
  start_server "$dir"
  admin_url "$dir"
}

cmd_stop() {
  local dir
  dir=$(absolute_dir "${1:-}")
  has_cluster "$dir" || die "no cluster in $dir"
  if is_running "$dir"; then as_owner "$bindir/pg_ctl" stop -w -t 120 -s -m fast -D "$dir/data"; fi
}

cmd_discard() {
  local dir
  dir=$(absolute_dir "${1:-}")
  [ -e "$dir" ] || return 0
  is_ours "$dir" || die "$dir was not made by pg-cluster.sh ($marker_name is missing): not deleting it"
  if is_running "$dir"; then
    as_owner "$bindir/pg_ctl" stop -w -t 60 -s -m immediate -D "$dir/data" ||
      die "could not stop the server in $dir"
  fi
  rm -rf "$dir"
}

cmd_url() {
  local dir
  dir=$(absolute_dir "${1:-}")
  has_cluster "$dir" || die "no cluster in $dir"
  admin_url "$dir"
}

# psql on the cluster in DIR: one value per line, no headers, stop on error.
sql() {
  local dir=$1
  shift
  "$bindir/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$dir" -p "$(cluster_port "$dir")" \
    -U "$superuser" -d postgres "$@"
}

# The name a standby in DIR goes by on its primary (its application_name).
standby_name() { basename "$1" | LC_ALL=C tr -c '[:alnum:]_\n' '_' | LC_ALL=C tr '[:upper:]' '[:lower:]'; }

cmd_standby() {
  local primary dir sync=0 port name
  primary=$(absolute_dir "${1:-}")
  dir=$(absolute_dir "${2:-}")
  case "${3:-}" in
    '') ;;
    --sync) sync=1 ;;
    *) die "unknown option '${3}' (standby PRIMARY_DIR DIR [--sync])" ;;
  esac
  is_running "$primary" || die "no running primary in $primary (ops/pg-cluster.sh start $primary)"
  [ "$primary" != "$dir" ] || die "the standby needs a directory of its own"
  name=$(standby_name "$dir")
  if has_cluster "$dir"; then
    [ -f "$dir/data/standby.signal" ] || die "$dir holds a cluster that is not a standby"
    if ! is_running "$dir"; then start_server "$dir"; fi
    admin_url "$dir"
    return
  fi
  port=$(cluster_port "$primary")
  prepare_dir "$dir"
  rm -rf "$dir/data"
  if ! as_owner "$bindir/pg_basebackup" -D "$dir/data" -R -X stream -c fast \
    -d "host=$primary port=$port user=$superuser application_name=$name" \
    >"$dir/basebackup.log" 2>&1; then
    echo "pg-cluster: pg_basebackup from $primary failed; its output:" >&2
    cat "$dir/basebackup.log" >&2
    exit 1
  fi
  write_settings "$dir" "$port"
  # The standby connects under its own name, so that synchronous_standby_names can name it.
  echo "primary_conninfo = 'host=$primary port=$port user=$superuser application_name=$name'" \
    >>"$dir/data/postgresql.auto.conf"
  start_server "$dir"
  wait_streaming "$primary" "$name"
  if [ "$sync" -eq 1 ]; then
    sql "$primary" -c "ALTER SYSTEM SET synchronous_standby_names = '\"$name\"'" \
      -c "ALTER SYSTEM SET synchronous_commit = 'on'" -c "SELECT pg_reload_conf()" >/dev/null
    wait_sync_state "$primary" "$name" sync
  fi
  admin_url "$dir"
}

# Waits (up to a minute) until the primary lists the standby as streaming.
wait_streaming() {
  local primary=$1 name=$2
  for _ in $(seq 1 600); do
    if [ "$(sql "$primary" -c "SELECT count(*) FROM pg_stat_replication
                WHERE application_name = '$name' AND state = 'streaming'")" = 1 ]; then
      return
    fi
    sleep 0.1
  done
  die "the standby $name did not start streaming from $primary within a minute"
}

wait_sync_state() {
  local primary=$1 name=$2 want=$3
  for _ in $(seq 1 600); do
    if [ "$(sql "$primary" -c "SELECT sync_state FROM pg_stat_replication
                WHERE application_name = '$name'")" = "$want" ]; then
      return
    fi
    sleep 0.1
  done
  die "the standby $name did not become $want on $primary within a minute"
}

cmd_promote() {
  local dir
  dir=$(absolute_dir "${1:-}")
  is_running "$dir" || die "no running server in $dir"
  [ "$(sql "$dir" -c 'SELECT pg_is_in_recovery()')" = t ] || die "the server in $dir is not a standby"
  as_owner "$bindir/pg_ctl" promote -w -t 120 -s -D "$dir/data"
  admin_url "$dir"
}

# Replay lag: seconds since the last transaction the standby replayed, or 0
# when it has replayed everything it received (an idle primary is no lag);
# bytes of WAL the primary has written that the standby has not yet replayed
# (measured against the primary when it answers, else against what the
# standby has received).
cmd_lag() {
  local dir row recovering replay_lsn receive_lsn seconds host port primary_lsn bytes
  dir=$(absolute_dir "${1:-}")
  is_running "$dir" || die "no running server in $dir"
  row=$(sql "$dir" -F ' ' -c "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(),
          pg_last_wal_receive_lsn(),
          CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
               ELSE round(extract(epoch FROM clock_timestamp()
                                  - pg_last_xact_replay_timestamp())::numeric, 3) END")
  read -r recovering replay_lsn receive_lsn seconds <<<"$row"
  [ "$recovering" = t ] || die "the server in $dir is not a standby"
  seconds=${seconds:-0}
  bytes=$(sql "$dir" -c "SELECT pg_wal_lsn_diff('$receive_lsn', '$replay_lsn')")
  row=$(sql "$dir" -F ' ' -c "SELECT sender_host, sender_port FROM pg_stat_wal_receiver" || true)
  read -r host port <<<"$row" || true
  if [ -n "${host:-}" ] && primary_lsn=$("$bindir/psql" -X -At -h "$host" -p "$port" \
    -U "$superuser" -d postgres -c 'SELECT pg_current_wal_lsn()' 2>/dev/null); then
    bytes=$(sql "$dir" -c "SELECT greatest(0, pg_wal_lsn_diff('$primary_lsn', '$replay_lsn'))")
  fi
  echo "replay_lag_seconds=$seconds replay_lag_bytes=$bytes"
}

# args MIN MAX "$@": the usage unless there are MIN to MAX arguments.
args() {
  local min=$1 max=$2
  shift 2
  if [ $# -lt "$min" ] || [ $# -gt "$max" ]; then usage; fi
}

command=${1:-}
shift || true
case "$command" in
  start) args 1 2 "$@"; cmd_start "$@" ;;
  fresh) args 1 2 "$@"; cmd_discard "$1"; cmd_start "$@" ;;
  stop) args 1 1 "$@"; cmd_stop "$1" ;;
  discard) args 1 1 "$@"; cmd_discard "$1" ;;
  url) args 1 1 "$@"; cmd_url "$1" ;;
  standby) args 2 3 "$@"; cmd_standby "$@" ;;
  promote) args 1 1 "$@"; cmd_promote "$1" ;;
  lag) args 1 1 "$@"; cmd_lag "$1" ;;
  *) usage ;;
esac
