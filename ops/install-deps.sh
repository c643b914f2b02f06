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
  libboost-dev
  libgtest-dev libgmock-dev
  libphonenumber-dev libprotobuf-dev
  libicu-dev
  libcli11-dev
  nlohmann-json3-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
