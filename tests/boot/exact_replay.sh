# Deterministic mode replays: two boots of one run and two of a second `bootlab run` give
# the same boot-to-init and init-done to the microsecond (a machine without disks: block I/O is
# the one leak left, see lab/runner/replay.h), with every knob on QEMU's and the kernel's
# command line; and the gate takes such boots as deterministic.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
exp=$data/experiments/exact-replay.toml
expect 0 "2 boots" -- run "$exp" --db "$db" --jobs 2 --no-report --cmdline-append "$tagarg"
expect 0 "2 boots" -- run "$exp" --db "$db" --new --jobs 2 --no-report --cmdline-append "$tagarg"
check "4 deterministic boots stored, all ok" test "$(q "SELECT count(*) FROM run WHERE status = 'ok'")" -eq 4
check "in two experiments" test "$(q "SELECT count(DISTINCT experiment_id) FROM run")" -eq 2
check "one boot-to-init, to the microsecond" test "$(q "SELECT count(DISTINCT boot_to_init_us) FROM run")" -eq 1
check "one init-done, to the microsecond" test "$(q "SELECT count(DISTINCT init_done_us) FROM run WHERE init_done_us IS NOT NULL")" -eq 1
check "one free_initmem too" test "$(q "SELECT count(DISTINCT free_initmem_us) FROM run")" -eq 1
check "QEMU counted instructions, with a fixed seed and clock" \
    test "$(q "SELECT count(*) FROM run WHERE emulator_argv LIKE '%\"-icount\"%' AND emulator_argv LIKE '%\"-seed\",\"1\"%'
               AND emulator_argv LIKE '%clock=vm%' AND emulator_argv LIKE '%\"-smp\",\"1\"%'")" -eq 4
check "the kernel at its link address" test "$(q "SELECT count(*) FROM run WHERE kernel_cmdline LIKE '%nokaslr%'")" -eq 4
# the second run against the first: decided exactly from 2 boots a side, no change
expect 0 "deterministic boots on both sides" -- check --db "$db" --candidate experiment:2 --baseline experiment:1
check "no change, decided without statistics" grep -q "no change beyond what replay allows" "$work/last.out"
check "no QEMU left" no_qemu_left
finish
