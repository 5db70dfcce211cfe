# Trust on every kind of machine: a KVM that refuses the vCPU, one that hangs every guest after
# the real-mode stub, one the probe passes but that hangs a kernel (before its first line, or
# later). Each is reproduced by tests/boot/broken_kvm_qemu.sh, so this runs on any machine.
# Checks what `bootlab hosts` says, that auto boots under TCG, that --accel kvm is an error
# before any boot, that a stalled boot ends at the stall limit (not the timeout), is booted
# again under TCG under auto, that a host whose first boots fail before the kernel printed
# anything is given up on after 2 boots and a resume boots only what is missing; and that a
# guest hung after a panic (panic=0) ends seconds after it. Nothing is left running.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
standin=$(cd "$(dirname "$0")" && pwd)/broken_kvm_qemu.sh
# each stand-in in a directory of its own: the probe's verdict is cached per emulator path
fake() { mkdir -p "$work/$2"; ln -sf "$standin" "$work/$2/qemu-kvm-$1"; echo "$work/$2/qemu-kvm-$1"; }
touch "$work/kvm"
export BOOTLAB_KVM_DEVICE=$work/kvm # stands for /dev/kvm, on machines with or without one
nothing_left() { sleep 0.5; ! pgrep -f "broken-kvm-hang|qemu-kvm-" >/dev/null && ! qemu_running; }
secs() { echo $(( $(date +%s) - $1 )); }
# one boot, stall limit 10 s (before the kernel's first line: 10 s too)
sed 's/^timeout = 240/timeout = 240\nstall = 10/' "$data/experiments/one-boot.toml" > "$work/one.toml"
sed 's/^repetitions = 1/repetitions = 3/' "$work/one.toml" > "$work/three.toml"

echo "== a KVM that refuses the vCPU"
export BOOTLAB_QEMU=$(fake refuses r)
expect 0 "KVM refuses the vCPU (qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69): boots run under TCG" -- hosts
expect 0 "it boots under TCG" -- run "$work/one.toml" --db "$db" --no-report --cmdline-append "$tagarg"
check "booted under TCG: no -accel kvm in its argv" test "$(q "SELECT count(*) FROM run WHERE status = 'ok' AND emulator_argv NOT LIKE '%\"kvm\"%'")" -eq 1
t0=$(date +%s)
expect 1 "accel is kvm, but KVM refuses the vCPU" -- run "$work/one.toml" --new --accel kvm --db "$db" --no-report
check "--accel kvm: refused before any boot (no run stored, $(secs $t0) s)" test "$(q "SELECT count(*) FROM run")" -eq 1
BOOTLAB_ACCEL=kvm expect 1 "accel is kvm, but" -- run "$work/one.toml" --new --db "$db" --no-report
sed 's/^stall = 10/stall = 10\naccel = "kvm"/' "$work/one.toml" > "$work/one-kvm.toml"
expect 1 "accel is kvm, but" -- run "$work/one-kvm.toml" --db "$db" --no-report
BOOTLAB_ACCEL=tcg expect 0 "ok" -- run "$work/one-kvm.toml" --db "$db" --no-report --cmdline-append "$tagarg"
BOOTLAB_ACCEL=fast expect 1 "BOOTLAB_ACCEL=fast: expected auto, kvm or tcg" -- run "$work/one.toml" --db "$db" --no-report

echo "== a KVM that hangs every guest after the real-mode stub"
export BOOTLAB_QEMU=$(fake hangs-early e)
t0=$(date +%s)
expect 0 'KVM present but a guest hangs in it (no 64-bit guest code ran within 5 s; last line: "Probing EDD (edd=off to disable)... ok"): boots run under TCG' -- hosts
took=$(secs $t0)
check "the probe took at most a few seconds ($took s)" test "$took" -le 8
t0=$(date +%s)
expect 0 "hangs" -- hosts
check "asked again: the cached verdict, at once ($(secs $t0) s)" test "$(secs $t0)" -le 2
expect 0 "a guest hangs in it" -- hosts --probe-again
check "nothing left running" nothing_left

echo "== a KVM the probe passes, that hangs a kernel before its first line"
export BOOTLAB_QEMU=$(fake hangs-in-kernel k)
expect 0 "KVM usable: boots run under KVM" -- hosts
t0=$(date +%s)
expect 0 "KVM hangs guests here; TCG for the rest of the run" -- run "$work/three.toml" --db "$work/k.db" --no-report --cmdline-append "$tagarg"
took=$(secs $t0)
kq() { sqlite3 -batch -noheader "$work/k.db" "$1"; }
check "the stall was seen in the output, with its last line" grep -qF 'stalled under KVM (stalled: no console output for 10 s before the kernel'"'"'s first line; last line: "Probing EDD (edd=off to disable)... ok"' "$work/last.out"
check "the summary says the host booted under TCG after KVM" grep -qF "under kvm, then tcg" "$work/last.out"
check "3 boots stored, all ok under TCG" test "$(kq "SELECT count(*) FROM run WHERE status = 'ok' AND NOT warmup AND emulator_argv NOT LIKE '%\"kvm\"%'")" -eq 3
check "the stalled boot cost ~10 s, not the 240 s timeout ($took s for 3 boots)" test "$took" -lt 120
expect 0 "KVM present but a guest hangs in it (a guest stalled: stalled: no console output" -- hosts
check "nothing left running" nothing_left

echo "== fail fast: --accel kvm on that KVM (probed anew: a new emulator path)"
export BOOTLAB_QEMU=$(fake hangs-in-kernel k2)
t0=$(date +%s)
expect 1 "its first 2 boots failed the same way before the kernel printed anything" -- run "$work/three.toml" --accel kvm --db "$work/f.db" --no-report --cmdline-append "$tagarg"
took=$(secs $t0)
check "what to try is said" grep -qF "What to try: the boots ran under KVM: try --accel tcg" "$work/last.out"
check "the boots not run are counted" grep -qF "boot(s) not run" "$work/last.out"
fq() { sqlite3 -batch -noheader "$work/f.db" "$1"; }
check "2 boots, each ~10 s, held the slot ($took s in all, not 3 x 240 s)" test "$took" -lt 60
check "stored as stalled host failures" test "$(fq "SELECT count(*) FROM run WHERE status = 'timeout' AND host_failed = 1 AND error LIKE '%stalled: no console output for 1_ s before%'")" -ge 1
check "nothing left running" nothing_left
expect 0 "3 to go" -- run "$work/three.toml" --accel tcg --db "$work/f.db" --no-report --cmdline-append "$tagarg"
check "resumed under TCG: 3 runs, all ok (the failed one replaced)" test "$(fq "SELECT group_concat(status) FROM run")" = ok,ok,ok

echo "== a KVM that hangs a kernel later, after its first lines"
export BOOTLAB_QEMU=$(fake hangs-later l)
t0=$(date +%s)
expect 1 "timeout" -- run "$work/one.toml" --accel kvm --db "$work/l.db" --no-report --cmdline-append "$tagarg"
took=$(secs $t0)
err=$(sqlite3 "$work/l.db" "SELECT error FROM run")
check "stored as a stall after the kernel's first line, quoting a kernel line: $err" \
    grep -qE '^stalled: no console output for 1[0-9] s; last line: "\[ *[0-9]+\.[0-9]+\]' <<<"$err"
check "no fail fast: the kernel got going" test "$(sqlite3 "$work/l.db" "SELECT host_failed FROM run")" -eq 0
check "ended ~10 s after its last line ($took s)" test "$took" -lt 60
check "nothing left running" nothing_left
unset BOOTLAB_QEMU BOOTLAB_KVM_DEVICE

echo "== a kernel that panics with panic=0 (hangs after its panic) on this machine's QEMU"
sed 's|^cmdline = "rdinit=/nonexistent"|cmdline = "rdinit=/nonexistent panic=0"|' "$data/experiments/panic.toml" > "$work/panic0.toml"
t0=$(date +%s)
expect 1 "panic" -- run "$work/panic0.toml" --db "$work/p.db" --no-report --cmdline-append "$tagarg"
took=$(secs $t0)
check "stored as panic, with its message" test "$(sqlite3 "$work/p.db" "SELECT status FROM run WHERE error LIKE '%Unable to mount root fs%'")" = panic
check "ended seconds after the panic ($took s), not at the 240 s timeout" test "$took" -lt 60
check "no QEMU left" no_qemu_left
echo "== this machine"
"$BOOTLAB" hosts | sed 's/^/   /'
finish
