# 2 variants x 2 repetitions of the stock kernel, after a warm-up boot (--warmup 1): stored ok, async cookies in the async variant,
# synchronous SCSI scanning in the sync variant, the same device order everywhere.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
expect 0 "the same in all 4 boots" -- run "$data/experiments/two-by-two.toml" --warmup 1 --db "$db" --jobs 2 --report "$work/r.html" --cmdline-append "$tagarg"
cp "$work/last.out" "$work/first.out"; tail -3 "$work/first.out"
check "5 runs stored, all ok" test "$(q "SELECT count(*) FROM run WHERE status = 'ok'")" -eq 5
check "one of them the warm-up, stored first as repetition 0" test "$(q "SELECT group_concat(id || ':' || repetition) FROM run WHERE warmup = 1")" = "1:0"
check "2 counted runs per variant" test "$(q "SELECT group_concat(n) FROM (SELECT count(*) n FROM run WHERE warmup = 0 GROUP BY variant)")" = "2,2"
check "the summary says so" grep -q "warm-up: 1 boot (run 1) stored, not counted" "$work/first.out"
check "the summary ends with the verdict: 2 vs 2 boots decide nothing" grep -Eq "^  (scan-sync vs async|async vs scan-sync): init-done .* — 2 vs 2 boots cannot show a difference" "$work/first.out"
# async variant: the LSI bus is scanned in an async cookie (do_scan_async) on a worker pid
check "async: do_scan_async cookie in both runs" test "$(q "SELECT count(*) FROM span_named s JOIN run r ON r.id = s.run_id WHERE r.variant = 'async' AND r.warmup = 0 AND s.function = 'do_scan_async' AND s.kind = 'async' AND s.pid <> 1")" -eq 2
check "async: 12 async_port_probe cookies per run" test "$(q "SELECT count(*) FROM span_named s JOIN run r ON r.id = s.run_id WHERE r.variant = 'async' AND r.warmup = 0 AND s.function = 'async_port_probe'")" -eq 24
# sync variant: no scan cookie; the scan happens inside sym2_init (modprobe sym53c8xx), > 1 s
check "scan-sync: no do_scan_async" test "$(q "SELECT count(*) FROM span_named s JOIN run r ON r.id = s.run_id WHERE r.variant = 'scan-sync' AND s.function = 'do_scan_async'")" -eq 0
check "scan-sync: sym2_init is a long sync initcall" test "$(q "SELECT min(s.duration_us) FROM span_named s JOIN run r ON r.id = s.run_id WHERE r.variant = 'scan-sync' AND s.function = 'sym2_init' AND s.kind = 'sync'")" -gt 1000000
check "the kernel command lines differ only by scsi_mod.scan=sync" test "$(q "SELECT count(*) FROM run WHERE variant = 'scan-sync' AND warmup = 0 AND kernel_cmdline LIKE '%scsi_mod.scan=sync%'")" -eq 2
check "device names: sda is the SATA disk in every run" test "$(q "SELECT count(*) FROM device WHERE name = 'sda' AND path LIKE '%-ata-1'")" -eq 5
check "the emulator argv is stored as JSON with restricted networking" test "$(q "SELECT count(*) FROM run WHERE emulator_argv LIKE '%restrict=on%'")" -eq 5
check "the HTML report is well-formed enough for xmllint --html" xmllint --html --noout "$work/r.html"
# the host's clock: every mark seen, in boot order, within the emulator's run
check "host marks: first byte <= kernel < Run /init < init-done < exit in every boot" test "$(q "SELECT count(*) FROM run WHERE
    0 < host_first_byte_us AND host_first_byte_us <= host_kernel_us AND host_kernel_us < host_run_init_us
    AND host_run_init_us < host_init_done_us AND host_init_done_us < wall_us")" -eq 5
# Run /init to init-done on the host's clock is the same stretch as on the kernel's (plain TCG runs
# the guest clock at host speed), to within the console's reading granularity (~20 ms)
check "host userspace interval = the kernel clock's init-done - boot-to-init, within 100 ms" test "$(q "SELECT count(*) FROM run
    WHERE abs((host_init_done_us - host_run_init_us) - (init_done_us - boot_to_init_us)) < 100000")" -eq 5
check "show prints the host clock" grep -Eq "^  host clock    firmware [0-9.]+ s, kernel [0-9.]+ s, userspace [0-9.]+ s, shutdown [0-9.]+ s" \
    <("$BOOTLAB" show 2 --db "$db")
check "the summary has the host clock table" grep -q "^host clock (median over the boots that count" "$work/first.out"
check "the report has it too" grep -q "The boot on the host's clock" "$work/r.html"
check "every boot carried the test's tag" test "$(q "SELECT count(*) FROM run WHERE kernel_cmdline LIKE '%$tagarg%'")" -eq 5
check "no QEMU left" no_qemu_left
# running it again: everything is stored, nothing boots again
expect 0 "4 boots already stored, 0 to go" -- run "$data/experiments/two-by-two.toml" --db "$db" --no-report --cmdline-append "$tagarg"
check "still 5 runs: nothing to boot, so no warm-up either" test "$(q "SELECT count(*) FROM run")" -eq 5
finish
