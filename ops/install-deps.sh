#!/usr/bin/env bash
# Installs every Debian package Outpost needs to build, test and run.
# Idempotent: packages already present are skipped; safe to run on every build.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  sqlite3 libsqlite3-dev
  postgresql libpq-dev   # the hub on PostgreSQL; the tests' own cluster (ops/pg-cluster.sh)
  libzmq3-dev cppzmq-dev
  capnproto libcapnp-dev
  libsodium-dev
  libzstd-dev zstd
  libboost-dev
  libgtest-dev libgmock-dev
  libphonenumber-dev libprotobuf-dev
  libicu-dev
  libcli11-dev
  groff-base gettext
  libtomlplusplus-dev
  nlohmann-json3-dev
  libsimdjson-dev
  faketime
  clang-format
  clang clang-tidy
  libcurl4-openssl-dev libcpp-httplib-dev
  libsystemd-dev
  nodejs chromium fonts-wqy-microhei
  dpkg-dev file systemd   # ops/package-test.sh: cpack's dpkg-shlibdeps, systemd-analyze verify
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Test data from elsewhere, never committed: the csv-spectrum corpus (npm
# package, BSD-2-Clause) that sync/csv_test.cc checks the CSV parser against.
# Fetched once with npm, checked against its pinned SHA-256, unpacked whole.
spectrum_dir=/var/cache/outpost/csv-spectrum
spectrum_pkg=csv-spectrum@1.0.0
spectrum_sha256=6e0aee64133cff5395c60dc10c0f99323f64c46c7e597a44192a08c42b5c3915
if [ ! -d "$spectrum_dir/package/csvs" ]; then
  echo "install-deps: fetching $spectrum_pkg into $spectrum_dir"
  if ! command -v npm >/dev/null; then
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends npm
  fi
  spectrum_tmp=$(mktemp -d)
  trap 'rm -rf "$spectrum_tmp"' EXIT
  (cd "$spectrum_tmp" && npm pack --silent "$spectrum_pkg" >/dev/null)
  if ! echo "$spectrum_sha256  $spectrum_tmp/csv-spectrum-1.0.0.tgz" | sha256sum --check --quiet; then
    echo "install-deps: $spectrum_pkg does not match its pinned SHA-256" >&2
    exit 1
  fi
  mkdir "$spectrum_tmp/unpacked"
  tar -xzf "$spectrum_tmp/csv-spectrum-1.0.0.tgz" -C "$spectrum_tmp/unpacked"
  "${sudo_cmd[@]}" mkdir -p "$spectrum_dir"
  "${sudo_cmd[@]}" rm -rf "$spectrum_dir/package" "$spectrum_dir/package.partial"
  "${sudo_cmd[@]}" cp -R "$spectrum_tmp/unpacked/package" "$spectrum_dir/package.partial"
  "${sudo_cmd[@]}" chmod -R a+rX "$spectrum_dir"
  "${sudo_cmd[@]}" mv "$spectrum_dir/package.partial" "$spectrum_dir/package"
fi

# The web console's browser test (tests/web/console_test.js) drives Debian's
# chromium with playwright-core (npm package, Apache-2.0; no dependencies, and
# it never downloads a browser of its own here). Fetched once with npm,
# checked against its pinned SHA-256, unpacked whole.
playwright_dir=/var/cache/outpost/playwright
playwright_pkg=playwright-core@1.65.1
playwright_sha256=6f5a60be62a4fddfbe7d10c448d8fbd54547da3358f2f8a04211440471ee863e
if [ ! -f "$playwright_dir/node_modules/playwright-core/package.json" ]; then
  echo "install-deps: fetching $playwright_pkg into $playwright_dir"
  playwright_tmp=$(mktemp -d)
  (cd "$playwright_tmp" && npm pack --silent "$playwright_pkg" >/dev/null)
  if ! echo "$playwright_sha256  $playwright_tmp/playwright-core-1.65.1.tgz" |
      sha256sum --check --quiet; then
    echo "install-deps: $playwright_pkg does not match its pinned SHA-256" >&2
    exit 1
  fi
  mkdir "$playwright_tmp/unpacked"
  tar -xzf "$playwright_tmp/playwright-core-1.65.1.tgz" -C "$playwright_tmp/unpacked"
  "${sudo_cmd[@]}" mkdir -p "$playwright_dir/node_modules"
  "${sudo_cmd[@]}" rm -rf "$playwright_dir/node_modules/playwright-core"
  "${sudo_cmd[@]}" cp -R "$playwright_tmp/unpacked/package" \
    "$playwright_dir/node_modules/playwright-core.partial"
  "${sudo_cmd[@]}" chmod -R a+rX "$playwright_dir"
  "${sudo_cmd[@]}" mv "$playwright_dir/node_modules/playwright-core.partial" \
    "$playwright_dir/node_modules/playwright-core"
  rm -rf "$playwright_tmp"
fi
