#!/usr/bin/env bash
# Installs every Debian package Outpost needs to build, test and run.
# Idempotent: packages already present are skipped; safe to run on every build.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  sqlite3 libsqlite3-dev
  libzmq3-dev cppzmq-dev
  capnproto libcapnp-dev
  libsodium-dev
  libzstd-dev zstd
  libboost-dev
  libgtest-dev libgmock-dev
  libphonenumber-dev libprotobuf-dev
  libicu-dev
  libcli11-dev
  nlohmann-json3-dev
  libsimdjson-dev
  faketime
  clang-format
  clang clang-tidy
  libcurl4-openssl-dev libcpp-httplib-dev
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
