# capture = "dmesg": no initcall line on the console, every span from the ring-buffer dump.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
expect 0 "ok" -- run "$data/experiments/dmesg-capture.toml" --db "$db" --no-report
"$BOOTLAB" log 1 --db "$db" > "$work/raw.log"
check "the kernel ran with quiet" grep -q 'Command line: .* quiet' "$work/raw.log"
console=$(sed '/BOOTLAB: dmesg-begin/q' "$work/raw.log" | grep -acE '^\[ *[0-9]+\.[0-9]+\] calling  ' || true)
dump=$(sed -n '/BOOTLAB: dmesg-begin/,/BOOTLAB: dmesg-end/p' "$work/raw.log" | grep -acE '^\[ *[0-9]+\.[0-9]+\] calling  ' || true)
check "no initcall line on the console ($console)" test "$console" -eq 0
check "every span comes from the dump (dump $dump = stored $(q "SELECT count(*) FROM span"))" \
    test "$dump" -eq "$(q "SELECT count(*) FROM span")"
check "async cookies from the dump" test "$(q "SELECT async_count FROM run")" -ge 13
check "no unusable lines" test "$(q "SELECT lines_unused FROM run")" -eq 0
check "boot-to-init and init-done known" test "$(q "SELECT count(*) FROM run WHERE boot_to_init_us > 0 AND init_done_us > boot_to_init_us")" -eq 1
finish
