# bootlab kernel build: kernel-patches/async-lab on Debian's linux-source-6.1, built for real
# (about 10 minutes on 2 cores when the cache is cold; cached in ~/.cache/bootlab like CI's),
# then broken series that must stop with the failing patch or fragment line named.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/../cli/lib.sh"
series=$(dirname "$0")/../../kernel-patches/async-lab
cache=${BOOTLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bootlab}

expect 0 "release  6.1." -- kernel build async-lab
out=$("$BOOTLAB" kernel build "$series" 2>"$work/err")
field() { sed -n "s/^$1 *//p" <<<"$out"; }
check "a warm cache builds nothing" test ! -s "$work/err"
check "the release names the series" grep -q -- "-async-lab$" <<<"$(field release)"
check "the image is a bzImage (HdrS at 0x202)" test "$(tail -c +515 "$(field image)" | head -c 4)" = HdrS
check "the config fragment holds in the build's .config" \
    bash -c "grep '^CONFIG_' '$series/config' | while read -r l; do grep -qx \"\$l\" '$(field config)' || exit 1; done"
check "the slow-probe driver is a module of this kernel" test -f "$(field modules)/kernel/drivers/misc/bootlab_slowprobe.ko"
check "modules are indexed (modprobe finds the driver)" \
    modprobe -d "$(dirname "$(dirname "$(dirname "$(field modules)")")")" -S "$(field release)" --show-depends bootlab_slowprobe >/dev/null
check "every patch of the series is in the build log" \
    bash -c "for p in \$(grep -v '^#' '$series/series'); do grep -q \"patch -p1.*\$p\" '$(field log)' || exit 1; done"

# Broken series: each must fail with exit 1 and name the culprit.
mk() { mkdir -p "$work/$1"; cp "$series/config" "$work/$1/config"; }
mk bootlab-test-bad-patch
cat > "$work/bootlab-test-bad-patch/0001-bad.patch" <<'PATCH'
--- a/kernel/async.c
+++ b/kernel/async.c
@@ -1,3 +1,3 @@
-this line is not in kernel/async.c
+nor is this one
 // nor this
PATCH
echo "0001-bad.patch" > "$work/bootlab-test-bad-patch/series"
expect 1 "0001-bad.patch: does not apply to linux-source-6.1" -- kernel build "$work/bootlab-test-bad-patch"

mk bootlab-test-missing
printf '# a comment\n0001-missing.patch\n' > "$work/bootlab-test-missing/series"
expect 1 "bootlab-test-missing/series:2: 0001-missing.patch: no such patch" -- kernel build "$work/bootlab-test-missing"

mkdir -p "$work/bootlab-test-dropped"
: > "$work/bootlab-test-dropped/series"
printf '# SATA without libata: Kconfig drops it\nCONFIG_SATA_AHCI=m\n' > "$work/bootlab-test-dropped/config"
expect 1 "config:2: CONFIG_SATA_AHCI=m did not survive into the kernel config" -- kernel build "$work/bootlab-test-dropped"

expect 1 "no patch series 'no-such-series'" -- kernel build no-such-series

# A patch that breaks the compile: the series keeps the name async-lab, so the build reuses the
# object tree of the real one and recompiles only the broken file (a minute, not ten).
mkdir -p "$work/broken/async-lab"
cp "$series"/* "$work/broken/async-lab/"
cat > "$work/broken/async-lab/0004-break.patch" <<'PATCH'
--- a/drivers/misc/bootlab_slowprobe.c
+++ b/drivers/misc/bootlab_slowprobe.c
@@ -38,4 +38,5 @@
 
 #define DRV_NAME "bootlab_slowprobe"
 #define MAX_DEVICES 64
+this is not C;
 
PATCH
echo "0004-break.patch" >> "$work/broken/async-lab/series"
out=$("$BOOTLAB" kernel build "$work/broken/async-lab" 2>&1); rc=$?
check "a compile error: exit 1" test "$rc" -eq 1
check "compiler errors name files relative to the kernel tree" grep -q "^drivers/misc/bootlab_slowprobe.c:41:9: error:" <<<"$out"
check "the error names the full build log, which has the compiler's error"     grep -q "error:" "$(sed -n 's/^full log: //p' <<<"$out")"
expect 0 "release  6.1." -- kernel build async-lab   # the good build is still cached
rm -rf "$cache"/kernels/work-bootlab-test-* "$cache"/kernels/work-bootlab-test-*.lock
finish
