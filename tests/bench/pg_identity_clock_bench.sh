#!/usr/bin/env bash
# What counting identity_input_clock costs a customer-heavy ingest on
# PostgreSQL, measured with the hub's own migrations: one database with the
# schema of hub_pg 0001-0002 (a row trigger per customer or vehicle row
# written) and one with 0003 too (a statement trigger per statement, the
# statement's rows counted), on a throwaway cluster of its own
# (ops/pg-cluster.sh). In each, ROUNDS rounds of BATCHES transactions of 500
# customer rows as ingest writes them: new ones by INSERT, then the same ones
# again by INSERT ... ON CONFLICT DO UPDATE (a second change to each). Prints
# each round's seconds and checks both counted the same rows.
# docs/PERFORMANCE.md, run 8.
#
#   tests/bench/pg_identity_clock_bench.sh [BATCHES] [ROUNDS] [PORT]
# Defaults: 100 batches (50,000 customers) a round, 3 rounds, port 5496.
set -euo pipefail
batches=${1:-100}
rounds=${2:-3}
port=${3:-5496}
here=$(cd "$(dirname "$0")/../.." && pwd)
migrations="$here/schema/migrations/hub_pg"
dir=/tmp/pg-identity-clock-bench-$$
"$here/ops/pg-cluster.sh" fresh "$dir" "$port" >/dev/null
trap '"$here/ops/pg-cluster.sh" discard "$dir" >/dev/null' EXIT
url() { echo "postgresql:///$1?host=$dir&port=$port&user=postgres"; }
sql() {
  local db=$1
  shift
  psql "$(url "$db")" -X -q -At -v ON_ERROR_STOP=1 "$@"
}

sql postgres -c "CREATE DATABASE per_row TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
sql postgres -c "CREATE DATABASE per_statement TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
for db in per_row per_statement; do
  sql "$db" -f "$migrations/0001_hub.sql" -f "$migrations/0002_month_report_covering.sql" >/dev/null
done
sql per_statement -f "$migrations/0003_identity_input_clock_per_statement.sql" >/dev/null

# One round's statements: BATCHES transactions inserting 500 new customers,
# then BATCHES upserting the same 500 again. Customer ids are unique per round.
round_sql() {
  local round=$1 b first
  for b in $(seq 0 $((batches - 1))); do
    first=$(((round * batches + b) * 500))
    echo "BEGIN; INSERT INTO entities (entity, entity_id, owner_site, fields, field_hlcs, last_hlc)
      SELECT 'customer', 'C-' || ($first + i), 'S1', '{\"name\":\"客户' || i || '\",\"phones\":[\"+8613900000000\"]}',
             '{}', 1700000000000 + i FROM generate_series(1, 500) i; COMMIT;"
  done
  for b in $(seq 0 $((batches - 1))); do
    first=$(((round * batches + b) * 500))
    echo "BEGIN; INSERT INTO entities (entity, entity_id, owner_site, fields, field_hlcs, last_hlc)
      SELECT 'customer', 'C-' || ($first + i), 'S1', '{\"name\":\"客户' || i || '\"}', '{}',
             1700000000001 + i FROM generate_series(1, 500) i
      ON CONFLICT (entity, entity_id) DO UPDATE SET fields = excluded.fields,
        last_hlc = excluded.last_hlc; COMMIT;"
  done
}

printf '%-14s %s\n' "schema" "seconds per round of $batches x 500 new customers, then the same again"
for db in per_row per_statement; do
  line=""
  for round in $(seq 0 $((rounds - 1))); do
    start=$(date +%s%N)
    round_sql "$round" | sql "$db" >/dev/null
    end=$(date +%s%N)
    line+=$(printf ' %7.2f' "$(echo "($end - $start) / 1000000000" | bc -l)")
  done
  printf '%-14s%s\n' "$db" "$line"
done
counted_row=$(sql per_row -c "SELECT writes FROM identity_input_clock")
counted_statement=$(sql per_statement -c "SELECT writes FROM identity_input_clock")
echo "counted: per row $counted_row, per statement $counted_statement (both: every row written)"
[ "$counted_row" = "$counted_statement" ] || {
  echo "the two schemas counted differently" >&2
  exit 1
}
