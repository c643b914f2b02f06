#!/usr/bin/env bash
# The package test: builds the Debian package from a build folder with CPack,
# unpacks it into a scratch root and checks what an admin's `apt install` would
# get (docs/OPERATIONS.md): the control fields and dependencies, the maintainer
# scripts, the files and their modes, the conffiles, and the systemd units with
# `systemd-analyze verify` against the unpacked programs; then, as root, dpkg
# installs, upgrades, removes and purges it in a throwaway overlay of this
# machine (nothing reaches the machine itself). One line per check, then `package-test: N passed, M failed`;
# exit 1 when any check failed.
#   ops/package-test.sh build/debug
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
if [ $# -ne 1 ] || [ ! -f "$1/CMakeCache.txt" ]; then
  echo "usage: ops/package-test.sh BUILD_DIR (a configured and built CMake folder)" >&2
  exit 1
fi
build_dir=$(cd "$1" && pwd)
scratch=$(mktemp -d /tmp/outpost-package-test.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

passed=0
failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
# check NAME COMMAND...: passes when the command succeeds; its output is shown
# only when it fails.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name"; printf '%s\n' "$out" | sed 's/^/     /'; fi
}
finish() {
  echo "package-test: $passed passed, $failed failed"
  if [ "$failed" -eq 0 ]; then exit 0; else exit 1; fi
}

units=(outpost-hub.service outpost-web.service outpost-hub-notify.service
       outpost-edge-sync.service outpost-edge-notify.service
       outpost-backup.service outpost-backup.timer)
programs=(outpost outpost-edge outpost-hub)
conffiles=(/etc/outpost/hub.toml /etc/outpost/edge.toml /etc/outpost/backup.env)

# 1. The package, built in the scratch folder (the build folder gets no
# _CPack_Packages of its own).
if (cd "$build_dir" && cpack -G DEB -B "$scratch/out") >"$scratch/cpack.log" 2>&1; then
  pass "cpack -G DEB builds the package"
else
  fail "cpack -G DEB builds the package"
  sed 's/^/     /' "$scratch/cpack.log"
  finish
fi
shopt -s nullglob
debs=("$scratch"/out/outpost_*.deb)
if [ ${#debs[@]} -ne 1 ]; then
  fail "one package outpost_VERSION_ARCH.deb (found ${#debs[@]})"
  finish
fi
deb=${debs[0]}
pass "one package: ${deb##*/}"

# 2. The control fields.
dpkg-deb -f "$deb" >"$scratch/control.txt"
field() { dpkg-deb -f "$deb" "$1"; }
check "control: Package is outpost" test "$(field Package)" = outpost
check "control: Version is the project's ($(field Version))" \
  grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+' <<<"$(field Version)"
check "control: Architecture is this machine's ($(field Architecture))" \
  test "$(field Architecture)" = "$(dpkg --print-architecture)"
depends=$(field Depends)
# shlibdeps: the libraries the programs link, each as its Debian package.
for lib in adduser libsqlite3 libzmq5 libsodium libzstd libicu libcapnp libphonenumber; do
  check "control: Depends names $lib" grep -q "$lib" <<<"$depends"
done
check "control: Maintainer and Description present" \
  grep -q . <<<"$(field Maintainer)$(field Description)"

# 3. The maintainer scripts: present, executable, valid sh, and none removes data.
dpkg-deb -e "$deb" "$scratch/DEBIAN"
for script in postinst prerm postrm; do
  path=$scratch/DEBIAN/$script
  check "maintainer script $script: present and executable" test -x "$path"
  check "maintainer script $script: sh -n" sh -n "$path"
  # Outside comments: no rm of the data or backup folders, no deluser/delgroup.
  check "maintainer script $script: removes nothing under /var/lib/outpost or /var/backups" \
    bash -c "! grep -Ev '^[[:space:]]*#' '$path' |
             grep -E '(^|[^[:alnum:]_-])rm .*(/var/lib/outpost|/var/backups)|deluser|delgroup'"
done
check "postinst: creates the outpost system user (adduser --system --group)" \
  grep -q 'adduser --system --group --home /var/lib/outpost' "$scratch/DEBIAN/postinst"
check "postinst: /var/lib/outpost created 0700 outpost:outpost only when missing" \
  grep -q 'install -d -o outpost -g outpost -m 0700 /var/lib/outpost' "$scratch/DEBIAN/postinst"

# 4. The conffiles: listed, and each one in the package.
listed=$(sed '/^$/d' "$scratch/DEBIAN/conffiles" 2>/dev/null | sort)
check "conffiles lists exactly ${conffiles[*]}" \
  test "$listed" = "$(printf '%s\n' "${conffiles[@]}" | sort)"

# 5. The files and their modes, as dpkg will create them (from the archive's
# listing: the scratch root is unpacked by a user who may not own them).
dpkg-deb -c "$deb" | awk '{print $1, $2, $6}' >"$scratch/listing.txt"
# shellcheck disable=SC2317 # called through check
mode_is() { grep -qxF -- "$2 root/root ./${1#/}" "$scratch/listing.txt"; }
for program in "${programs[@]}"; do
  check "/usr/bin/$program: -rwxr-xr-x root" mode_is "/usr/bin/$program" -rwxr-xr-x
  check "/usr/share/man/man1/$program.1: -rw-r--r--" mode_is "/usr/share/man/man1/$program.1" -rw-r--r--
  check "/usr/share/bash-completion/completions/$program: -rw-r--r--" \
    mode_is "/usr/share/bash-completion/completions/$program" -rw-r--r--
done
check "/etc/outpost: drwxr-x--- (group outpost set by postinst)" mode_is /etc/outpost/ drwxr-x---
check "/etc/outpost/keys: drwxr-x---" mode_is /etc/outpost/keys/ drwxr-x---
for conf in "${conffiles[@]}"; do
  check "$conf: -rw-r----- (not world-readable)" mode_is "$conf" -rw-r-----
done
for unit in "${units[@]}"; do
  check "/lib/systemd/system/$unit: -rw-r--r--" mode_is "/lib/systemd/system/$unit" -rw-r--r--
done
check "/var/lib/outpost is not in the package (dpkg never owns the data)" \
  bash -c "! grep -q '/var/lib/outpost' '$scratch/listing.txt'"
check "/usr/share/doc/outpost/OPERATIONS.md is in the package" \
  grep -q ' ./usr/share/doc/outpost/OPERATIONS.md$' "$scratch/listing.txt"

# 6. Unpacked into the scratch root: the programs run from there.
root=$scratch/root
dpkg-deb -x "$deb" "$root"
for program in "${programs[@]}"; do
  check "$program --help runs from the unpacked package" "$root/usr/bin/$program" --help
done
for conf in hub edge; do
  check "/etc/outpost/$conf.toml names only paths under /var/lib/outpost and /etc/outpost" \
    bash -c "! grep -E '^[a-z-]+ *= *\"/' '$root/etc/outpost/$conf.toml' |
             grep -Ev '\"/(var/lib/outpost|etc/outpost)/'"
done

# 7. The units, verified by systemd against the scratch root: their syntax,
# every key known, ExecStart pointing at an executable there, the timer's
# service present. The root gets this machine's own units (the targets the
# outpost units start after) and its /bin/sh (the backup unit's shell);
# `verify` answers 0 for a unit it ignored a key of, so any output fails too.
mkdir -p "$root/bin"
cp -L /bin/sh "$root/bin/sh"
for f in /lib/systemd/system/*; do
  [ -e "$root/lib/systemd/system/${f##*/}" ] || cp -a "$f" "$root/lib/systemd/system/"
done
verify_out=$scratch/verify.txt
if (cd "$root/lib/systemd/system" &&
      SYSTEMD_LOG_COLOR=0 systemd-analyze verify --root="$root" "${units[@]}") >"$verify_out" 2>&1 &&
    [ ! -s "$verify_out" ]; then
  pass "systemd-analyze verify: ${#units[@]} units, no error, no warning"
else
  fail "systemd-analyze verify: ${#units[@]} units, no error, no warning"
  sed 's/^/     /' "$verify_out"
fi
for unit in "${units[@]:0:5}"; do
  check "$unit: Type=notify, WatchdogSec=30, User=outpost, ProtectSystem=strict" \
    bash -c "grep -qx 'Type=notify' '$root/lib/systemd/system/$unit' &&
             grep -qx 'WatchdogSec=30' '$root/lib/systemd/system/$unit' &&
             grep -qx 'User=outpost' '$root/lib/systemd/system/$unit' &&
             grep -qx 'ProtectSystem=strict' '$root/lib/systemd/system/$unit'"
done
# The exposure score systemd-analyze security gives each service (0 is the
# safest, 10 the least safe); the units stay at or under 2.0 ("OK").
for unit in "${units[@]:0:6}"; do
  score=$(systemd-analyze security --offline=true --root="$root" "$unit" 2>&1 |
          sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  check "$unit: systemd-analyze security exposure ${score:-unknown} <= 2.0" \
    awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
done

# 8. Installed for real: dpkg -i, an upgrade, remove and purge, in a throwaway
# overlay of this machine's /etc, /var and /usr (ops/packaging/install-check.sh):
# the user, the modes, the data and the admin's edits kept. Needs root (for
# the mount namespace); skipped, and said so, without it.
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
  unshare -m --propagation private bash ops/packaging/install-check.sh "$deb" "$scratch/install" \
    >"$scratch/install.txt" 2>&1
  while IFS= read -r line; do
    case "$line" in
      "ok   "*) echo "$line"; passed=$((passed + 1)) ;;
      "FAIL "*) echo "$line"; failed=$((failed + 1)) ;;
      *) echo "$line" ;;
    esac
  done <"$scratch/install.txt"
else
  echo "skip dpkg -i in a throwaway overlay: needs root"
fi

finish
