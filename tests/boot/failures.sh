# A guest that never powers off ends as timeout, a kernel that panics as panic with its log,
# Ctrl-C stores the boot as cancelled, and the next run resumes it. No QEMU is left behind.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
sed 's/^timeout = 240/timeout = 20/' "$data/experiments/one-boot.toml" > "$work/hang.toml"
expect 1 "timeout" -- run "$work/hang.toml" --test-hang --db "$db" --no-report --cmdline-append "$tagarg"
check "stored as timeout" test "$(q "SELECT status FROM run")" = timeout
check "its log is kept (the guest got to init-done)" test "$(q "SELECT count(*) FROM marker WHERE name = 'init-done'")" -eq 1
check "no QEMU left after the timeout" no_qemu_left

expect 1 "panic" -- run "$data/experiments/panic.toml" --db "$work/p.db" --no-report
check "stored as panic" test "$(sqlite3 "$work/p.db" "SELECT status FROM run")" = panic
check "with the panic message" sh -c "sqlite3 '$work/p.db' 'SELECT error FROM run' | grep -q 'Unable to mount root fs'"

# Ctrl-C in the middle of a boot
"$BOOTLAB" run "$data/experiments/one-boot.toml" --db "$work/c.db" --no-report --cmdline-append "$tagarg" > "$work/c.out" 2>&1 &
pid=$!
for i in $(seq 300); do qemu_running && break; sleep 0.2; done
check "its QEMU was found running before Ctrl-C" qemu_running
sleep 3
kill -INT $pid
wait $pid; rc=$?
check "Ctrl-C exits 130 (got $rc)" test "$rc" -eq 130
check "the boot is stored as cancelled" test "$(sqlite3 "$work/c.db" "SELECT status FROM run")" = cancelled
check "no QEMU left after Ctrl-C" no_qemu_left
expect 0 "1 to go" -- run "$data/experiments/one-boot.toml" --db "$work/c.db" --no-report --cmdline-append "$tagarg"
check "resumed: one run, ok (the cancelled one replaced)" test "$(sqlite3 "$work/c.db" "SELECT group_concat(status) FROM run")" = ok
finish
