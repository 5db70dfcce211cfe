#!/bin/bash
# A longer fuzzing campaign than the test suite's minute per target: every target for SECONDS
# (default 600), one after the other, on the corpora the tests keep. Prints per target the
# executions, the coverage reached and the crashes found, then the totals.
# usage: tests/bench/fuzz_campaign.sh [SECONDS] [FUZZ_BUILD_DIR]   (build it: tests/fuzz/build.sh)
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600} out=${2:-$here/../build/fuzz}
[ -x "$out/bin/fuzz_log" ] || bash "$here/fuzz/build.sh" "$here/.." "$out" || exit 1
total=0 crashes=0
printf '%-22s %14s %10s %8s\n' target executions coverage crashes
for t in line_grammar log experiment run_set; do
    before=$(ls "$out/crashes/$t" 2>/dev/null | wc -l)
    line=$(bash "$here/fuzz/run.sh" "$out" "$here/data" "$t" "$seconds" | head -1)
    execs=$(sed -n 's/^fuzz_[a-z_]*: \([0-9]*\) executions.*/\1/p' <<<"$line")
    cov=$(grep -o 'cov: [0-9]*' <<<"$line" | cut -d' ' -f2)
    n=$(( $(ls "$out/crashes/$t" 2>/dev/null | wc -l) - before )) # new ones: old ones are fixed
    printf '%-22s %14s %10s %8s\n' "fuzz_$t" "${execs:-?}" "${cov:-?}" "$n"
    total=$((total + ${execs:-0})); crashes=$((crashes + n))
done
printf '%-22s %14s %10s %8s\n' "all ($seconds s each)" "$total" "" "$crashes"
