#!/usr/bin/env bash
# Installs, upgrades, removes and purges the package for real, with dpkg, in a
# throwaway copy of this machine: run by ops/package-test.sh inside a private
# mount namespace (unshare -m) where /etc, /var and /usr are overlays whose
# writes land in WORK_DIR, so the machine itself never sees the package, the
# user or the files. Prints one `ok NAME` or `FAIL NAME` line per check.
#   unshare -m --propagation private ops/packaging/install-check.sh DEB WORK_DIR
set -u
deb=$1
work=$2

for dir in etc var usr; do
  mkdir -p "$work/$dir/upper" "$work/$dir/work"
  if ! mount -t overlay overlay \
      -o "lowerdir=/$dir,upperdir=$work/$dir/upper,workdir=$work/$dir/work" "/$dir"; then
    echo "FAIL overlay of /$dir for the throwaway install"
    exit 0
  fi
done

# expect NAME COMMAND...: one line, the command's output only when it fails.
expect() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then echo "ok   $name"; else echo "FAIL $name"; printf '%s\n' "$out" | sed 's/^/     /'; fi
}
mode_owner() { test "$(stat -c '%a %U:%G' "$2")" = "$1"; }

expect "dpkg -i: installs" dpkg -i "$deb"
expect "dpkg -i: system user outpost, home /var/lib/outpost, no login shell" \
  bash -c "getent passwd outpost | grep -q ':/var/lib/outpost:/usr/sbin/nologin$'"
expect "dpkg -i: /etc/outpost 750 root:outpost" mode_owner "750 root:outpost" /etc/outpost
expect "dpkg -i: /etc/outpost/hub.toml 640 root:outpost" mode_owner "640 root:outpost" /etc/outpost/hub.toml
expect "dpkg -i: /var/lib/outpost 700 outpost:outpost" mode_owner "700 outpost:outpost" /var/lib/outpost
expect "dpkg -i: /var/backups/outpost 700 outpost:outpost" \
  mode_owner "700 outpost:outpost" /var/backups/outpost

# A store's data and an admin's edits, then an upgrade (the same version
# again: postinst configure with the old version, as for a real upgrade).
expect "the outpost user creates a store database in /var/lib/outpost" \
  su -s /bin/sh outpost -c "cd /var/lib/outpost && OUTPOST_NOW=2026-11-23T01:00:00Z \
    outpost-edge --db /var/lib/outpost/store.db init --store-id SH-PUDONG --name Pudong"
echo "# the admin's edit" >>/etc/outpost/edge.toml
echo "not a real key" >/etc/outpost/keys/SH-PUDONG.key
sum_before=$(md5sum /var/lib/outpost/store.db)
expect "dpkg -i again (upgrade): succeeds" dpkg -i "$deb"
expect "upgrade: the database untouched" test "$(md5sum /var/lib/outpost/store.db)" = "$sum_before"
expect "upgrade: the admin's edit of edge.toml kept (conffile)" \
  grep -qx "# the admin's edit" /etc/outpost/edge.toml
expect "upgrade: the outpost user reads its database" \
  su -s /bin/sh outpost -c "cd /var/lib/outpost && outpost-edge --db /var/lib/outpost/store.db board"

expect "dpkg -r: removes the programs" bash -c "dpkg -r outpost && test ! -e /usr/bin/outpost-edge"
expect "dpkg -r: the database kept" test "$(md5sum /var/lib/outpost/store.db)" = "$sum_before"
expect "dpkg -P: purges" dpkg -P outpost
expect "dpkg -P: the configuration files removed" test ! -e /etc/outpost/hub.toml
expect "dpkg -P: the database kept, 700 outpost:outpost" \
  bash -c "test \"\$(md5sum /var/lib/outpost/store.db)\" = '$sum_before' &&
           test \"\$(stat -c '%a %U:%G' /var/lib/outpost)\" = '700 outpost:outpost'"
expect "dpkg -P: the keys and /var/backups/outpost kept" \
  test -f /etc/outpost/keys/SH-PUDONG.key -a -d /var/backups/outpost
expect "dpkg -i after a purge: the same user, the database still there" \
  bash -c "dpkg -i '$deb' >/dev/null && getent passwd outpost >/dev/null &&
           test \"\$(md5sum /var/lib/outpost/store.db)\" = '$sum_before'"
