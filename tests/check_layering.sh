#!/usr/bin/env bash
# Fails if a library includes a layer it must not depend on (see DEVELOPERS.md):
# edge and hub never include each other; sync and schema include neither; the
# hub's read layer (hub/queries/) sits below every command line and tool, and
# above the hub's operations and storage; only command lines use CLI11.
set -u
root=${1:-.}
status=0
check() {  # dir forbidden-prefix...
  local dir=$1; shift
  [ -d "$root/$dir" ] || return 0
  for banned in "$@"; do
    if hits=$(grep -rnE "#include \"$banned/" "$root/$dir" --include='*.h' --include='*.cc'); then
      echo "layering violation: $dir/ includes $banned/:"; echo "$hits"; status=1
    fi
  done
}
check edge hub tools
check hub edge tools
check hub/queries edge tools
if hits=$(grep -rnE '#include "hub/(hub_cli|main)\.' "$root/hub/queries" --include='*.h' --include='*.cc' 2>/dev/null); then
  echo "layering violation: hub/queries/ includes the hub's command line:"; echo "$hits"; status=1
fi
check sync edge hub tools
check schema edge hub tools sync
# The data model (sync/model/) is structs and codecs only: no SQL, no I/O.
if [ -d "$root/sync/model" ] && hits=$(grep -rnE \
    '#include [<"](sqlite3\.h|zmq\.h|fstream|sync/(sqlite|changelog|transport|wire|envelope|private_file|hub_log)\.h)' \
    "$root/sync/model" --include='*.h' --include='*.cc'); then
  echo "layering violation: sync/model/ includes SQL or I/O:"; echo "$hits"; status=1
fi
# The outreach decisions (sync/outreach/) are pure too: policy, calendar,
# timelines and projections; sending and storing them is edge's and hub's job.
if [ -d "$root/sync/outreach" ] && hits=$(grep -rnE \
    '#include [<"](sqlite3\.h|zmq\.h|curl/|fstream|sync/(sqlite|changelog|transport|wire|envelope|private_file|hub_log)\.h)' \
    "$root/sync/outreach" --include='*.h' --include='*.cc'); then
  echo "layering violation: sync/outreach/ includes SQL or I/O:"; echo "$hits"; status=1
fi
# Segments (sync/segments/) are computed, not stored: no SQL, no I/O.
if [ -d "$root/sync/segments" ] && hits=$(grep -rnE \
    '#include [<"](sqlite3\.h|zmq\.h|curl/|fstream|sync/(sqlite|changelog|transport|wire|envelope|private_file|hub_log)\.h)' \
    "$root/sync/segments" --include='*.h' --include='*.cc'); then
  echo "layering violation: sync/segments/ includes SQL or I/O:"; echo "$hits"; status=1
fi
# The command lines (edge/cli + edge/desk.cc, hub/cli + hub/hub_cli.cc, tools/) are
# the top: nothing else includes them, their parsing support (sync/cli/) or CLI11,
# and they hold no SQL and never reach for a database handle.
cli_files='^(edge/cli/|edge/desk\.cc|hub/cli/|hub/hub_cli\.cc|sync/cli/|tools/)'
if hits=$(cd "$root" && grep -rnE '#include ("(edge/cli|hub/cli|sync/cli)/|<CLI/)' \
    edge hub sync schema --include='*.h' --include='*.cc' 2>/dev/null | grep -vE "$cli_files"); then
  echo "layering violation: a library below the command lines includes them or CLI11:"; echo "$hits"; status=1
fi
if hits=$(cd "$root" && grep -nE 'Prepare\(|\.db\(\)|->db\(\)|SELECT |INSERT |UPDATE ' \
    edge/desk.cc hub/hub_cli.cc $(ls edge/cli/*.cc hub/cli/*.cc 2>/dev/null) 2>/dev/null); then
  echo "layering violation: SQL or a database handle in a command line:"; echo "$hits"; status=1
fi
# The hub's SQL lives in its storage backends only, hub/storage/sqlite/ and
# hub/storage/postgres/ (hub/storage/hub_storage.h): no other hub/ file
# includes sync/sqlite.h or holds SQL in a string literal.
hub_sql_exempt='^hub/storage/(sqlite|postgres)/'
if [ -d "$root/hub" ]; then
  while IFS= read -r file; do
    rel=${file#"$root"/}
    [[ $rel =~ $hub_sql_exempt ]] && continue
    if hits=$(grep -nE '#include "sync/sqlite\.h"|"[^"]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE (TABLE|INDEX)|ALTER TABLE|PRAGMA)\b' "$file"); then
      echo "layering violation: $rel holds SQL outside hub/storage/sqlite/ and postgres/:"; echo "$hits"; status=1
    fi
  done < <(find "$root/hub" -name '*.h' -o -name '*.cc')
fi

# The command lines (and the coming web console) sit on top: today's
# hub/hub_cli.* and edge/desk.* and the folders they move to (hub/cli/,
# edge/cli/). They may include hub/queries/; the layers below never include them.
cli_headers='#include "((hub|edge)/cli/|hub/web/|hub/hub_cli\.h|edge/desk\.h|tools/)'
no_cli() {  # dir [regex of grep hits to skip: the command lines within dir]
  local dir=$1 skip=${2:-'^$'}
  [ -d "$root/$dir" ] || return 0
  if hits=$(grep -rnE "$cli_headers" "$root/$dir" --include='*.h' --include='*.cc' |
            grep -vE "$skip"); then
    echo "layering violation: $dir/ includes a command line:"; echo "$hits"; status=1
  fi
}
no_cli sync
no_cli hub/queries
no_cli hub/storage
no_cli edge "^$root/edge/(cli/|desk\.cc:|main\.cc:)"
no_cli hub "^$root/hub/(cli/|web/|hub_cli\.cc:|main\.cc:)"
# The hub's storage (hub/storage/) is below its read layer.
check hub/storage hub/queries edge tools
# The hub's operations (hub/*.cc) are below the read layer too: only the command
# lines include hub/queries/.
if hits=$(grep -nE '#include "hub/queries/' "$root"/hub/*.h "$root"/hub/*.cc 2>/dev/null |
          grep -vE "^$root/hub/(hub_cli|main)\.cc:"); then
  echo "layering violation: the hub's operations include hub/queries/:"; echo "$hits"; status=1
fi
# CLI11 is private to the command lines: flags are parsed there and nowhere
# below. Allowed: the CLI folders, today's desk and hub command lines,
# outpost's main, and the tools' command groups (the Commands classes of
# backup, recovery and audit, which still sit beside their tool's logic).
cli11_allowed="^$root/((hub|edge|sync)/cli/|edge/desk\.cc:|hub/hub_cli\.cc:|tools/outpost_main\.cc:"
cli11_allowed+="|tools/(backup|recovery|audit)\.cc:)"
if hits=$(grep -rnE '#include [<"]CLI/' "$root" --include='*.h' --include='*.cc' \
            --exclude-dir=build --exclude-dir=.git | grep -vE "$cli11_allowed"); then
  echo "layering violation: CLI11 included outside the command lines:"; echo "$hits"; status=1
fi
[ $status -eq 0 ] && echo "layering ok"
exit $status
