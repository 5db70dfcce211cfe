# kernel-patches/async-levels: asynchronous initcall levels, with ahci/libata, sym53c8xx,
# megaraid_sas, virtio_scsi and e1000 built in and converted (built by kernel.build_async_levels),
# then lab/experiments/async-levels.toml booted twice per variant on ahci:2 lsi:2 megasas:2 e1000.
# From the stored spans: with levels on, the converted inits are async cookies that overlap each
# other within their level, and none is running when pid 1 goes on to the next level; with
# async_levels=off they run synchronously in their stubs. The device-order verdicts printed (over
# all boots, and within each variant) must be the ones the stored device rows give.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)

out=$("$BOOTLAB" run "$root/lab/experiments/async-levels.toml" --repetitions 2 --jobs 2 --db "$db" \
      --report "$work/report.html" --cmdline-append "$tagarg" 2>&1); rc=$?
echo "$out" | grep -v '^\[' | tail -30
check "6 boots, all ok" test "$rc" -eq 0 -a "$(q "SELECT count(*) FROM run WHERE status = 'ok'")" -eq 6

# span rows of a variant's converted initcalls: name kind cookie start end
level6="'sym2_init','megasas_init','virtio_scsi_init','ahci_init','e1000_init_module'"
spans() { q "SELECT s.run_id, y.function, s.kind, s.cookie, s.start_us, s.start_us + s.duration_us FROM span s
    JOIN symbol y ON y.id = s.symbol_id JOIN run r ON r.id = s.run_id WHERE r.variant = '$1' AND y.function IN ($2)"; }
check "levels: every converted init is an async cookie (2 boots x 6)" \
    test "$(spans async-levels/levels "'ata_init',$level6" | awk -F'|' '$3 == "async" && $4 != ""' | wc -l)" -eq 12
overlaps=$(q "SELECT count(*) FROM span a JOIN symbol ya ON ya.id = a.symbol_id JOIN span b ON b.run_id = a.run_id
    JOIN symbol yb ON yb.id = b.symbol_id JOIN run r ON r.id = a.run_id
    WHERE r.variant = 'async-levels/levels' AND ya.function IN ($level6) AND yb.function IN ($level6)
      AND ya.function < yb.function AND a.start_us < b.start_us + b.duration_us AND b.start_us < a.start_us + a.duration_us")
check "levels: converted inits of the device level overlap each other ($overlaps pairs)" test "$overlaps" -ge 2
for run in $(q "SELECT id FROM run WHERE variant = 'async-levels/levels'"); do
    # level 4 (ata_init) was over before any device-level init started
    ata_end=$(q "SELECT s.start_us + s.duration_us FROM span s JOIN symbol y ON y.id = s.symbol_id WHERE s.run_id = $run AND y.function = 'ata_init'")
    first6=$(q "SELECT min(s.start_us) FROM span s JOIN symbol y ON y.id = s.symbol_id WHERE s.run_id = $run AND y.function IN ($level6)")
    check "run $run: the subsys level's async init ended ($ata_end us) before the device level's began ($first6 us)" test "$ata_end" -le "$first6"
    # The level's end: pid 1's first wait after the device level's async inits began that is not
    # inside one of its own initcalls. It must last until the last of them ended (when they end
    # before pid 1 is through the level's own initcalls, it starts after that and is short), and
    # pid 1 started no initcall from its start until then.
    last6=$(q "SELECT max(s.start_us + s.duration_us) FROM span s JOIN symbol y ON y.id = s.symbol_id WHERE s.run_id = $run AND y.function IN ($level6)")
    read -r wait_start wait_end <<<"$(q "SELECT w.start_us, w.start_us + w.duration_us FROM wait w WHERE w.run_id = $run AND w.pid = 1
        AND w.start_us >= $first6 AND NOT EXISTS (SELECT 1 FROM span s WHERE s.run_id = w.run_id AND s.pid = 1
            AND s.kind = 'sync' AND w.start_us BETWEEN s.start_us AND s.start_us + s.duration_us)
        ORDER BY w.start_us LIMIT 1" | tr '|' ' ')"
    check "run $run: pid 1 waited at the level's end (${wait_start:-no wait} to ${wait_end:-} us) until the last device-level init ended ($last6 us)" \
        test -n "$wait_start" -a "${wait_end:-0}" -ge "$last6"
    check "run $run: pid 1 started no initcall from that wait until the level's async inits were done" \
        test "$(q "SELECT count(*) FROM span WHERE run_id = $run AND pid = 1 AND kind = 'sync' AND start_us BETWEEN ${wait_start:-0} AND $last6")" -eq 0
done
check "stock-order: no converted init is async (async_levels=off)" \
    test "$(spans async-levels/stock-order "'ata_init',$level6" | wc -l)" -eq 0
stubs="'sym2_init_async','megasas_init_async','ahci_init_async','e1000_init_module_async'"
check "stock-order: the inits run in their stubs on pid 1, one after another" \
    test "$(spans async-levels/stock-order "$stubs" | awk -F'|' '$3 == "sync" && $6 - $5 > 1000' | wc -l)" -eq 8

# the device-order check, from the stored rows: a disk path that got two names in the boots
changed=$(q "SELECT count(*) FROM (SELECT path FROM device WHERE kind = 'disk' GROUP BY path HAVING count(DISTINCT name) > 1)")
with_disks=$(q "SELECT count(DISTINCT run_id) FROM device WHERE kind = 'disk'")
if [ "$changed" -eq 0 ]; then want="device order: the same in all $with_disks boots"
else want="device order: DISK NAMES CHANGED between boots"; fi
check "the device-order verdict is the stored rows' ($want)" grep -qF "$want" <<<"$out"
for v in async-levels/levels async-levels/stock-order async-lab/async-lab; do
    renamed=$(q "SELECT count(*) FROM (SELECT path FROM device d JOIN run r ON r.id = d.run_id WHERE r.variant = '$v'
        AND d.kind = 'disk' GROUP BY path HAVING count(DISTINCT name) > 1)")
    boots=$(q "SELECT count(DISTINCT run_id) FROM device d JOIN run r ON r.id = d.run_id WHERE r.variant = '$v' AND d.kind = 'disk'")
    if [ "$renamed" -eq 0 ]; then want="$v: the same in all $boots boots"
    else want="$v: $renamed disk$([ "$renamed" -eq 1 ] || echo s) renamed between its $boots boots"; fi
    check "within $v, the stored rows' verdict ($want)" grep -qF "$want" <<<"$out"
done
check "the report has the critical path and the device order" \
    bash -c "grep -q 'Critical path' '$work/report.html' && grep -qi 'device order' '$work/report.html'"
check "no QEMU left" no_qemu_left
finish
