# The cache (~/.cache/bootlab) on a disk that fills up: during the stock kernel's download, and
# while the guest image is built. Each gives a clear error naming the cache and what to do, and
# nothing half made is left to count as good later. Needs root (a tmpfs of our own).
# usage: cache_faults.sh BOOTLAB DATA_DIR
BOOTLAB=$1 data=$2
source "$(dirname "$0")/../cli/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for a small tmpfs"; exit 77; }
cache=${BOOTLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bootlab}
exp=$data/experiments/one-boot.toml
in_small_cache() { # in_small_cache SIZE SETUP: bootlab run with BOOTLAB_CACHE on a tmpfs of SIZE
    local size=$1 setup=$2
    mkdir -p "$work/c"
    unshare -m sh -c "mount -t tmpfs -o size=$size tmpfs '$work/c' && $setup &&
        BOOTLAB_CACHE='$work/c' '$BOOTLAB' run '$exp' --db '$work/t.db' --no-report; rc=\$?;
        echo \"left: \$(ls -d '$work'/c/*/*.tmp-* 2>/dev/null) kernels: \$(ls '$work'/c/kernels 2>/dev/null | grep -c '^linux-image') images: \$(ls '$work'/c/images 2>/dev/null | grep -c 'cpio.gz\$')\"; exit \$rc"
}
# 1. The kernel's download does not fit (70 MB into 40 MB). The shared apt lists stay readable.
out=$(in_small_cache 40m "ln -s '$cache/apt' '$work/c/apt'" 2>&1); rc=$?
check "a full disk during the kernel download: exit 1, says so (exit $rc)" \
    eval '[ $rc -eq 1 ] && grep -q "$work/c: no space left on the device while fetching linux-image" <<<"$out"'
check "... and leaves no staging directory and no kernel" grep -q "^left:  kernels: 0" <<<"$out"
# 2. The kernel is there (the real cache's), the guest image does not fit in 1 MB.
out=$(in_small_cache 100m "ln -s '$cache/kernels' '$work/c/kernels' && mkdir '$work/c/images' &&
                           mount -t tmpfs -o size=1m tmpfs '$work/c/images'" 2>&1); rc=$?
check "a full disk while the guest image is built: exit 1, says so (exit $rc)" \
    eval '[ $rc -eq 1 ] && grep -q "no space left on the device while building the guest image" <<<"$out"'
check "... and leaves no image" grep -q "^left:  kernels: [0-9]* images: 0" <<<"$out"
echo "$out" | grep "bootlab:" | head -2
finish
