# Timeouts, panics and Ctrl-C on a libvirt host behave as with the QEMU backend: the domain is
# destroyed, the boot stored with its status, nothing left running on the host or in its pool.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
start_host 1 || exit 1
h="--host $(host_uri 1)"
nothing_left() { test "$(qemu_on_host 1)$(virsh -c "$(host_uri 1)" list --all --name | grep -c bootlab)$(virsh -c "$(host_uri 1)" vol-list bootlab | grep -c '\.img')" = "000"; }
domain_running() { virsh -c "$(host_uri 1)" list 2>/dev/null | grep bootlab | grep -q running; }

sed 's/^timeout = 240/timeout = 20/' "$data/experiments/one-boot.toml" > "$work/hang.toml"
expect 1 "timeout" -- run "$work/hang.toml" --test-hang --db "$db" $h --no-report --cmdline-append "$tagarg"
check "stored as timeout, naming the domain's end" test "$(q "SELECT status || ': ' || error FROM run")" = "timeout: no poweroff within 20 s; domain destroyed"
check "its log is kept (the guest got to init-done)" test "$(q "SELECT count(*) FROM marker WHERE name = 'init-done'")" -eq 1
check "nothing left after the timeout" wait_for 10 nothing_left

expect 1 "panic" -- run "$data/experiments/panic.toml" --db "$work/p.db" $h --no-report
check "stored as panic" test "$(sqlite3 "$work/p.db" "SELECT status FROM run")" = panic
check "with the panic message" sh -c "sqlite3 '$work/p.db' 'SELECT error FROM run' | grep -q 'Unable to mount root fs'"
check "nothing left after the panic" wait_for 10 nothing_left

"$BOOTLAB" run "$data/experiments/one-boot.toml" --db "$work/c.db" $h --no-report --cmdline-append "$tagarg" > "$work/c.out" 2>&1 &
pid=$!
check "the domain was running before Ctrl-C" wait_for 120 domain_running
sleep 3
kill -INT $pid
wait $pid; rc=$?
check "Ctrl-C exits 130 (got $rc)" test "$rc" -eq 130
check "the boot is stored as cancelled" test "$(sqlite3 "$work/c.db" "SELECT status FROM run")" = cancelled
check "nothing left after Ctrl-C" wait_for 10 nothing_left
expect 0 "1 to go" -- run "$data/experiments/one-boot.toml" --db "$work/c.db" $h --no-report --cmdline-append "$tagarg"
check "resumed: one run, ok (the cancelled one replaced)" test "$(sqlite3 "$work/c.db" "SELECT group_concat(status) FROM run")" = ok

# bootlab killed outright (no chance to clean up): libvirt destroys its auto-destroy domain
"$BOOTLAB" run "$data/experiments/one-boot.toml" --new --db "$work/k.db" $h --no-report --cmdline-append "$tagarg" > "$work/k.out" 2>&1 &
pid=$!
check "the domain was running before the kill" wait_for 120 domain_running
kill -9 $pid; wait $pid 2>/dev/null
# (libvirtd destroys it when the dead client's connection drops; on a loaded machine that took
# more than 15 s once, in a cold CI run)
check "no domain or QEMU left after bootlab was killed" wait_for 30 test "$(qemu_on_host 1)$(virsh -c "$(host_uri 1)" list --name | grep -c bootlab)" = "00"
check "nothing stored of the killed boot" test "$(sqlite3 "$work/k.db" "SELECT count(*) FROM run")" -eq 0
# its scratch disks are swept by the next bootlab to use the host
expect 0 "1 boot" -- run "$data/experiments/one-boot.toml" --new --db "$work/k.db" $h --no-report --cmdline-append "$tagarg"
check "and then nothing is left at all" nothing_left
finish
