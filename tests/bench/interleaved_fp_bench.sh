#!/bin/bash
# False-positive rate of the drift-proof check form on plain TCG: CHECKS times
#   bootlab check SAME.toml --baseline boot:SAME.toml
# i.e. a configuration against itself, both sides booted in one shuffled order (REPS boots a
# side: the async-lab kernel, one synchronous slow-probe device of 300 ms, as gate.toml). Every
# flag is a false positive. Target: <= 5%; undecided checks are counted apart. Compare with the
# set-against-set figures of gate_fp_bench.sh, where separate run sets drift apart.
# About 25 minutes on 2 cores with the defaults (JOBS=2 boots at a time).
# usage: tests/bench/interleaved_fp_bench.sh [build/bin/bootlab] [CHECKS=30] [REPS=6]
set -eu
bl=$(realpath "${1:-build/bin/bootlab}") checks=${2:-30} reps=${3:-6}
w=$(mktemp -d /tmp/bootlab-bench-XXXX); trap 'rm -rf "$w"' EXIT
cat >"$w/same.toml" <<TOML
name = "same"
repetitions = $reps
[machine]
timeout = 120
[kernels]
async-lab = "series:async-lab"
[hardware]
slow = ["slowprobe:1"]
[flags]
fastboot = true
slowprobe_strategy = "sync"
slowprobe_delay_ms = 300
[variants.a]
TOML
flagged=0 undecided=0 passed=0
for i in $(seq "$checks"); do
    rc=0
    "$bl" check "$w/same.toml" --baseline "boot:$w/same.toml" --db "$w/fp.db" --jobs "${JOBS:-2}" >"$w/out" 2>&1 || rc=$?
    case $rc in 0) passed=$((passed + 1)) ;; 1) flagged=$((flagged + 1)) ;; *) undecided=$((undecided + 1)) ;; esac
    printf '  check %2d: exit %d  %s\n' "$i" "$rc" "$(grep -m1 '^verdict:' "$w/out" | cut -c1-110)"
done
printf 'interleaved, same configuration: %d of %d checks flagged = %.1f%%, %d undecided, %d passed   target <= 5%%\n' \
    "$flagged" "$checks" "$(echo "100 * $flagged / $checks" | bc -l)" "$undecided" "$passed"
