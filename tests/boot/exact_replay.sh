# Deterministic mode replays: boots of one configuration agree to the microsecond, within one
# `bootlab run` and across two (a machine without disks: block I/O is the one leak left, see
# lab/runner/replay.h), with every knob on QEMU's and the kernel's command line; and the gate
# decides such boots exactly, here booted interleaved with a baseline configuration
# (--baseline boot:FILE) in the second run.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
exp=$data/experiments/exact-replay.toml
expect 0 "2 boots" -- run "$exp" --db "$db" --jobs 2 --no-report --cmdline-append "$tagarg"
expect 0 "deterministic boots on both sides" -- check "$exp" --baseline "boot:$exp" --db "$db" --jobs 2 --cmdline-append "$tagarg"
check "compared as one variant, exactly" grep -q "no change beyond what replay allows in 2 comparisons" "$work/last.out"
check "the check's experiment holds both sides" test "$(q "SELECT group_concat(variant || '=' || n) FROM (SELECT variant,
    count(*) n FROM run WHERE experiment_id = 2 GROUP BY variant ORDER BY variant)")" = "baseline:replay=2,candidate:replay=2"
check "6 deterministic boots in 2 runs, all ok" test "$(q "SELECT count(*) || '/' || count(DISTINCT experiment_id) FROM run WHERE status = 'ok'")" = "6/2"
check "one boot-to-init, to the microsecond" test "$(q "SELECT count(DISTINCT boot_to_init_us) FROM run")" -eq 1
check "one init-done, to the microsecond" test "$(q "SELECT count(DISTINCT init_done_us) FROM run WHERE init_done_us IS NOT NULL")" -eq 1
check "one free_initmem too" test "$(q "SELECT count(DISTINCT free_initmem_us) FROM run")" -eq 1
check "QEMU counted instructions, with a fixed seed and clock" \
    test "$(q "SELECT count(*) FROM run WHERE emulator_argv LIKE '%\"-icount\"%' AND emulator_argv LIKE '%\"-seed\",\"1\"%'
               AND emulator_argv LIKE '%clock=vm%' AND emulator_argv LIKE '%\"-smp\",\"1\"%'")" -eq 6
check "the kernel at its link address" test "$(q "SELECT count(*) FROM run WHERE kernel_cmdline LIKE '%nokaslr%'")" -eq 6
check "no QEMU left" no_qemu_left
finish
