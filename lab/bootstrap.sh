#!/bin/bash
# One command from a fresh Debian 12 machine (as root) to a working bootlab:
#   lab/bootstrap.sh demo   install what is needed, build, run the default experiment end to end
#   lab/bootstrap.sh test   install what is needed, build, run the whole test suite (ctest)
#   lab/bootstrap.sh build  install and build only
# Downloads (apt packages, kernels) are cached under ~/.cache/bootlab, so a second run is fast.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=${BOOTLAB_CACHE:-$HOME/.cache/bootlab}
build=${BOOTLAB_BUILD:-$root/build}
mode=${1:-demo}

# Everything bootlab builds and runs with, from Debian 12's archive.
packages=(
  cmake ninja-build g++ pkg-config         # build
  libsqlite3-dev libzstd-dev               # store
  libcli11-dev nlohmann-json3-dev          # CLI, JSON
  libgtest-dev libxml2-utils sqlite3       # tests: GoogleTest, xmllint, sqlite3 shell
)

say() { printf '\n== %s\n' "$*" >&2; }

install_packages() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    mkdir -p "$cache/apt/partial"
    local aptopt=(-o "Dir::Cache::Archives=$cache/apt/")
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${aptopt[@]}" "${missing[@]}"
}

build() {
    say "building in $build"
    local werror=OFF
    [ -n "${CI:-}" ] && werror=ON
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
          -DBOOTLAB_WERROR=$werror >/dev/null
    cmake --build "$build" -j "$(nproc)"
}

demo() {
    # Until `bootlab run` boots kernels itself, the demo imports two real boots from the lab
    # (async vs synchronous SCSI scan) into the user's database.
    local bl=$build/bin/bootlab out=$root/bootlab-report
    local data=$root/tests/data
    say "importing two real boots: async SCSI scan vs scsi_mod.scan=sync"
    "$bl" import --experiment demo "$data/debian-6.1-q35-ahci-lsi-e1000-async.log" \
                                   "$data/debian-6.1-q35-ahci-lsi-e1000-scan-sync.log" | tee "$cache/demo.out"
    local async_run sync_run
    async_run=$(sed -n '1s/.*: run \([0-9]*\) .*/\1/p' "$cache/demo.out")
    sync_run=$(sed -n '2s/.*: run \([0-9]*\) .*/\1/p' "$cache/demo.out")
    say "summary of run $async_run (slowest spans first)"
    "$bl" show "$async_run" --limit 15
    say "summary of run $sync_run"
    "$bl" show "$sync_run" --limit 8
    mkdir -p "$out"
    for r in "$async_run" "$sync_run"; do
        "$bl" export "$r" --format svg -o "$out/run-$r.svg"
        "$bl" export "$r" --format perfetto -o "$out/run-$r.perfetto.json"
    done
    say "report: $out/ (open the .svg in a browser, the .json in https://ui.perfetto.dev)"
}

mkdir -p "$cache"
install_packages
build
case $mode in
    demo) demo ;;
    test) say "running the test suite"; ctest --test-dir "$build" --output-on-failure -j 2 ;;
    build) ;;
    *) echo "usage: lab/bootstrap.sh demo|test|build" >&2; exit 2 ;;
esac
