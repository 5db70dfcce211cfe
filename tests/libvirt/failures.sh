# Timeouts, panics and Ctrl-C on a libvirt host behave as with the QEMU backend: the domain is
# destroyed, the boot stored with its status, nothing left running on the host or in its pool.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
start_host 1 || exit 1
h="--host $(host_uri 1)"
nothing_left() { test "$(qemu_on_host 1)$(virsh -c "$(host_uri 1)" list --all --name | grep -c bootlab)$(virsh -c "$(host_uri 1)" vol-list bootlab | grep -c '\.img')" = "000"; }
domain_running() { virsh -c "$(host_uri 1)" list 2>/dev/null | grep bootlab | grep -q running; }

# The hung guest's timeout must let it reach init-done on this host, however slow: a boot first
# says how long that takes here (twice it and 10 s more, at least 20 s; below the 60 s stall
# limit, so that the timeout is what ends it). It also uploads the kernel and image.
expect 0 "1 boot" -- run "$data/experiments/one-boot.toml" --db "$work/cal.db" $h --no-report --cmdline-append "$tagarg"
init_done=$(sqlite3 "$work/cal.db" "SELECT (host_init_done_us + 999999) / 1000000 FROM run")
hang_s=$(( 2 * ${init_done:-20} + 10 )); [ $hang_s -lt 20 ] && hang_s=20; [ $hang_s -gt 55 ] && hang_s=55
echo "init-done after ${init_done} s on this host: the hung guest's timeout is ${hang_s} s"
sed "s/^timeout = 240/timeout = $hang_s/" "$data/experiments/one-boot.toml" > "$work/hang.toml"
expect 1 "timeout" -- run "$work/hang.toml" --test-hang --db "$db" $h --no-report --cmdline-append "$tagarg"
check "stored as timeout, naming the domain's end" test "$(q "SELECT status || ': ' || error FROM run")" = "timeout: no poweroff within $hang_s s; domain destroyed"
check "its log is kept (the guest got to init-done)" test "$(q "SELECT count(*) FROM marker WHERE name = 'init-done'")" -eq 1
check "nothing left after the timeout" wait_for 60 nothing_left

expect 1 "panic" -- run "$data/experiments/panic.toml" --db "$work/p.db" $h --no-report
check "stored as panic" test "$(sqlite3 "$work/p.db" "SELECT status FROM run")" = panic
check "with the panic message" sh -c "sqlite3 '$work/p.db' 'SELECT error FROM run' | grep -q 'Unable to mount root fs'"
check "nothing left after the panic" wait_for 60 nothing_left

"$BOOTLAB" run "$data/experiments/one-boot.toml" --db "$work/c.db" $h --no-report --cmdline-append "$tagarg" > "$work/c.out" 2>&1 &
pid=$!
check "the domain was running before Ctrl-C" wait_for 600 domain_running
sleep 3
kill -INT $pid
wait $pid; rc=$?
check "Ctrl-C exits 130 (got $rc)" test "$rc" -eq 130
check "the boot is stored as cancelled" test "$(sqlite3 "$work/c.db" "SELECT status FROM run")" = cancelled
check "nothing left after Ctrl-C" wait_for 60 nothing_left
expect 0 "1 to go" -- run "$data/experiments/one-boot.toml" --db "$work/c.db" $h --no-report --cmdline-append "$tagarg"
check "resumed: one run, ok (the cancelled one replaced)" test "$(sqlite3 "$work/c.db" "SELECT group_concat(status) FROM run")" = ok

# bootlab killed outright (no chance to clean up): libvirt destroys its auto-destroy domain
"$BOOTLAB" run "$data/experiments/one-boot.toml" --new --db "$work/k.db" $h --no-report --cmdline-append "$tagarg" > "$work/k.out" 2>&1 &
pid=$!
check "the domain was running before the kill" wait_for 600 domain_running
kill -9 $pid; wait $pid 2>/dev/null
# (libvirtd destroys it when the dead client's connection drops; on a loaded machine that took
# more than 15 s once, in a cold CI run)
# (a function: wait_for runs it again each time; "$(...)" in its arguments would be read once)
no_domain_left() { test "$(qemu_on_host 1)$(virsh -c "$(host_uri 1)" list --name | grep -c bootlab)" = "00"; }
check "no domain or QEMU left after bootlab was killed" wait_for 60 no_domain_left
check "nothing stored of the killed boot" test "$(sqlite3 "$work/k.db" "SELECT count(*) FROM run")" -eq 0
# its scratch disks are swept by the next bootlab to use the host
expect 0 "1 boot" -- run "$data/experiments/one-boot.toml" --new --db "$work/k.db" $h --no-report --cmdline-append "$tagarg"
check "and then nothing is left at all" nothing_left
finish
