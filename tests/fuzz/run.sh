#!/bin/bash
# Runs one libFuzzer target for a while on its corpus (kept between runs under the fuzz build
# tree, seeded from tests/data), and fails if it finds a crash, a leak or a sanitizer report;
# the input that did it is kept in FUZZ_BUILD_DIR/crashes/ and printed.
# usage: run.sh FUZZ_BUILD_DIR DATA_DIR TARGET SECONDS
set -uo pipefail
out=$1 data=$2 target=$3 seconds=$4
bin=$out/bin/fuzz_$target
[ -x "$bin" ] || { echo "SKIP: $bin not built (fuzz.build skipped)"; exit 77; }
seeds=$out/seeds/$target corpus=$out/corpus/$target crashes=$out/crashes/$target
mkdir -p "$seeds" "$corpus" "$crashes"
here=$(dirname "$0")
case $target in
line_grammar) # the message of every line of the real logs that looks like an event
    cat "$data"/*.log | sed -e 's/^\[[ 0-9.]*\] //' -e 's/\r$//' |
        grep -E 'calling|initcall|returned|async_|took|BOOTLAB|Linux version|ommand line|Run /init|Freeing|panic' |
        sort -u | head -3000 | split -l 1 -a 4 - "$seeds/line-" ;;
log) # the real logs, in pieces of 120 lines (small inputs run fast)
    for f in "$data"/*.log; do split -l 120 -a 3 "$f" "$seeds/$(basename "$f" .log)-"; done ;;
experiment)
    cp "$data"/experiments/*.toml "$here"/../../lab/experiments/*.toml "$seeds/" ;;
run_set)
    cp "$here"/seeds/run_set/* "$seeds/" ;;
esac
# inputs that crashed before (fixed since): run once each, first
regressions=$data/fuzz-regressions/$target
if [ -d "$regressions" ] && ! "$bin" "$regressions"/* > "$out/$target.regressions.log" 2>&1; then
    cat "$out/$target.regressions.log" | tail -20; echo "FAIL: an input of $regressions crashes again"; exit 1
fi
log=$out/$target.log
"$bin" "$corpus" "$seeds" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" -print_final_stats=1 > "$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
echo "fuzz_$target: ${execs:-?} executions in $seconds s, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l) inputs"
if [ $rc -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20
    echo "FAIL: fuzz_$target found a crash (exit $rc): reproduce with $bin FILE; full log $log"
    exit 1
fi
