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
  libboost1.81-dev libtomlplusplus-dev     # Boost.Process v2, experiment files (TOML)
  libarchive-dev libssl-dev                # guest initramfs (cpio), SHA-256
  qemu-system-x86 busybox-static kmod      # boots: the emulator, the guest's userland, depmod
  libvirt-dev libvirt-daemon-system        # the libvirt backend, and the libvirtd its tests start
  libvirt-clients iproute2                 # tests: virsh, test hosts in network namespaces
  make bc bison flex libelf-dev patch xz-utils  # patched kernels: building linux-source-6.1
  ccache                                   # patched kernels: series share compiled objects
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev  # bootlab-gui: Qt6 Widgets + Charts
  libgtest-dev libxml2-utils sqlite3 jq    # tests: GoogleTest, xmllint, sqlite3 shell, jq
  clang libclang-rt-14-dev                 # tests: libFuzzer targets (tests/fuzz)
  xvfb xauth fonts-dejavu-core             # tests: the GUI's screenshots under Xvfb
)
# Only for `test`: a browser for the service's pages, and wrk and nginx for its load benchmark.
# Installed without starting any daemon: the benchmark runs its own nginx on loopback.
test_packages=(chromium wrk nginx)

say() { printf '\n== %s\n' "$*" >&2; }

install_packages() { # install_packages [--no-daemons] PACKAGE...
    local no_daemons=
    [ "${1:-}" = --no-daemons ] && { no_daemons=1; shift; }
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    mkdir -p "$cache/apt/partial"
    local aptopt=(-o "Dir::Cache::Archives=$cache/apt/")
    export DEBIAN_FRONTEND=noninteractive
    [ -n "${apt_updated:-}" ] || "${sudo[@]}" apt-get update -qq
    apt_updated=1
    local policy=/usr/sbin/policy-rc.d
    if [ -n "$no_daemons" ] && [ ! -e $policy ]; then # invoke-rc.d then starts nothing
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee $policy >/dev/null
        "${sudo[@]}" chmod 755 $policy
        "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${aptopt[@]}" "${missing[@]}" || {
            "${sudo[@]}" rm -f $policy; return 1; }
        "${sudo[@]}" rm -f $policy
        return 0
    fi
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
    # The default experiment: the stock Debian kernel (downloaded once, never installed) booted
    # in QEMU with async vs synchronous SCSI scanning of three LSI adapters, 4 times each after a
    # warm-up boot; every boot is stored in your database, a summary ending with the verdict is
    # printed and an HTML report written to bootlab-report/.
    say "running lab/experiments/default.toml (9 boots of 10-20 s each under TCG)"
    "$build/bin/bootlab" run "$root/lab/experiments/default.toml" "$@"
}

mkdir -p "$cache"
install_packages "${packages[@]}"
if [ "$mode" = test ]; then install_packages --no-daemons "${test_packages[@]}"; fi
build
case $mode in
    demo) if [ $# -gt 0 ]; then shift; fi; demo "$@" ;;
    test) say "running the test suite"; ctest --test-dir "$build" --output-on-failure -j 2 ;;
    build) ;;
    *) echo "usage: lab/bootstrap.sh demo|test|build" >&2; exit 2 ;;
esac
