# Hostile or broken guests and emulators: each ends as a stored run with the right status (or a
# clear error before anything boots), and nothing is left running.
# usage: hostile_guests.sh BOOTLAB DATA_DIR
BOOTLAB=$1 data=$2
source "$(dirname "$0")/../boot/lib.sh"
cache=${BOOTLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bootlab}
sed 's/^timeout = 240/timeout = 30/' "$data/experiments/one-boot.toml" > "$work/one.toml"
status() { sqlite3 -batch -noheader "$1" "SELECT status || ': ' || coalesce(error, '') FROM run ORDER BY id DESC LIMIT 1"; }

# 1. A guest that prints the lab's own control lines out of place: a poweroff long before the
#    end, an impossible marker, a `calling` with a negative pid, a ring-buffer dump never closed.
expect 0 "" -- run "$work/one.toml" --db "$work/forge.db" --no-report --cmdline-append "$tagarg bootlab.forge=1"
check "forged lines: the boot is stored as ok" test "$(status "$work/forge.db")" = "ok: "
check "forged lines: init-done is the real one (one marker, no absurd duration)" \
    test "$(sqlite3 "$work/forge.db" "SELECT count(*) FROM marker WHERE name = 'init-done' AND (duration_us IS NULL OR duration_us < 100000000)")" -eq 1
check "forged lines: counted as unusable" test "$(sqlite3 "$work/forge.db" "SELECT lines_unused FROM run")" -ge 2
check "no QEMU left (forged)" no_qemu_left

# 2. A kernel image that is not a kernel: refused before booting, naming the file and line...
printf '[kernels]\nbad = "/etc/passwd"\n[hardware]\nsata = ["ahci:1"]\n' > "$work/passwd.toml"
expect 1 "passwd.toml:2: kernel 'bad': /etc/passwd: not a kernel image" -- run "$work/passwd.toml" --db "$work/k.db"
# ... and one with a bzImage header and nothing behind it: QEMU refuses it or the guest never
# prints anything, and the boot is stored as an error or a timeout
head -c 1024 /dev/zero > "$work/fake.bzImage"; printf 'HdrS' | dd of="$work/fake.bzImage" bs=1 seek=514 conv=notrunc status=none
printf '[kernels]\nfake = "./fake.bzImage"\n[machine]\ntimeout = 20\n[hardware]\nsata = ["ahci:1"]\n' > "$work/fake.toml"
expect 1 "" -- run "$work/fake.toml" --db "$work/k.db" --no-report --cmdline-append "$tagarg"
check "a fake bzImage: stored as error or timeout ($(status "$work/k.db" | cut -c1-70))" \
    grep -qE "^(error|timeout): ." <<<"$(status "$work/k.db")"
check "no QEMU left (fake kernel)" no_qemu_left

# 3. No QEMU at all, and a QEMU that crashes: a clear error, a stored run for the crash.
mkdir -p "$work/bin"
for tool in sqlite3 dpkg depmod cpio busybox; do p=$(command -v $tool) && ln -sf "$p" "$work/bin/$tool"; done
out=$(PATH=$work/bin "$BOOTLAB" run "$work/one.toml" --db "$work/q0.db" --no-report 2>&1); rc=$?
check "no QEMU on PATH: exit 1 and says so ($(grep -m1 -o 'qemu-system-x86_64[^(]*' <<<"$out"))" \
    eval '[ $rc -eq 1 ] && grep -q "qemu-system-x86_64: not found" <<<"$out"' 
cat > "$work/bin/qemu-system-x86_64" <<'QEMU'
#!/bin/sh
# answers --version like QEMU, then crashes on the boot itself
[ "$1" = --version ] && { echo "QEMU emulator version 7.2.0 (a crashing fake)"; exit 0; }
echo "fake QEMU: about to crash"; kill -SEGV $$
QEMU
chmod +x "$work/bin/qemu-system-x86_64"
PATH=$work/bin:$PATH "$BOOTLAB" run "$work/one.toml" --db "$work/q.db" --no-report >/dev/null 2>&1
check "a crashing QEMU: stored as error with what it printed ($(status "$work/q.db" | cut -c1-70))" \
    grep -q "^error: .*about to crash" <<<"$(status "$work/q.db")"

# 4. A truncated initramfs in the cache (a damaged disk): the guest cannot start /init, and the
#    boot says so (stored as panic or error), no QEMU left.
c=$work/cache; mkdir -p "$c"; ln -s "$cache/kernels" "$c/kernels"; [ -d "$cache/apt" ] && ln -s "$cache/apt" "$c/apt"
BOOTLAB_CACHE=$c "$BOOTLAB" run "$work/one.toml" --db "$work/t.db" --no-report --cmdline-append "$tagarg" >/dev/null 2>&1
img=$(ls "$c"/images/*.cpio.gz | head -1)
truncate -s $(( $(stat -c %s "$img") / 3 )) "$img"
BOOTLAB_CACHE=$c "$BOOTLAB" run "$work/one.toml" --db "$work/t2.db" --no-report --cmdline-append "$tagarg" >/dev/null 2>&1
check "a truncated initramfs: stored as panic or error ($(status "$work/t2.db" | cut -c1-70))" \
    grep -qE "^(panic|error|timeout): ." <<<"$(status "$work/t2.db")"
check "no QEMU left (truncated initramfs)" no_qemu_left
finish
