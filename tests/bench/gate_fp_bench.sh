#!/bin/bash
# False-positive rate of the regression gate at its default settings (--max-regression 3%,
# alpha 0.05): how often `bootlab check` flags a regression between run sets of the SAME
# configuration. Target: at most 5%. Boots SETS times tests/data/experiments/gate.toml (the
# async-lab kernel, one synchronous slow-probe device; two identical variants a and b of 6 boots,
# interleaved), each set its own experiment, then:
#   0. interleaved: variant b against variant a within each set (the drift-proof form)
#   1. set against set: every ordered pair of sets (a against a, b against b; drift included)
#   2. random splits: TRIALS random disjoint REPS-vs-REPS draws from all boots pooled (the test's
#      own error rate when nothing at all differs)
# and, as the other side of the ledger, how often a real delay (slow-probe 300 -> 1300 ms,
# gate-slower.toml, one extra set) is caught against variant a of each set. About 5 minutes.
# usage: tests/bench/gate_fp_bench.sh [build/bin/bootlab] [SETS=6] [REPS=6] [TRIALS=300]
#        BOOTLAB_FP_DB=/tmp/bootlab-gate-fp.db tests/bench/gate_fp_bench.sh   (judge kept boots again)
set -eu
bl=$(realpath "${1:-build/bin/bootlab}") sets=${2:-6} reps=${3:-6} trials=${4:-300}
data=$(dirname "$(realpath "$0")")/../data/experiments
w=$(mktemp -d /tmp/bootlab-bench-XXXX); trap 'rm -rf "$w"' EXIT
db=${BOOTLAB_FP_DB:-$w/fp.db}   # BOOTLAB_FP_DB=old.db: judge boots made before, boot nothing
if [ -z "${BOOTLAB_FP_DB:-}" ]; then
    echo "booting $sets sets x 2 variants x 6 boots of gate.toml, and 6 boots of gate-slower.toml"
    for i in $(seq "$sets"); do
        "$bl" run "$data/gate.toml" --db "$db" --new --no-report 2>&1 | grep -c "^\[" | sed "s/^/  set $i: boots: /"
    done
    "$bl" run "$data/gate-slower.toml" --db "$db" --new --no-report >/dev/null 2>&1
    cp "$db" /tmp/bootlab-gate-fp.db && echo "  (boots kept in /tmp/bootlab-gate-fp.db)"
fi
slow=$(sqlite3 "$db" "SELECT max(id) FROM experiment")
sets=$((slow - 1))
gate() { "$bl" check --db "$db" "$@" >/dev/null 2>&1 && echo 0 || echo $?; }
runs_of() { sqlite3 "$db" "SELECT group_concat(id) FROM run WHERE experiment_id = $1 AND variant = '$2' AND status = 'ok'"; }
iflag=0 iund=0
for i in $(seq "$sets"); do
    rc=$(gate --candidate "runs:$(runs_of "$i" b)" --baseline "runs:$(runs_of "$i" a)")
    [ "$rc" = 1 ] && iflag=$((iflag + 1)); [ "$rc" = 2 ] && iund=$((iund + 1))
done
printf '0. interleaved:     %3d of %3d checks flagged = %5.1f%%   (undecided: %d)   target <= 5%%\n' \
    "$iflag" "$sets" "$(echo "100 * $iflag / $sets" | bc -l)" "$iund"
pairs=0 flagged=0 undecided=0
for i in $(seq "$sets"); do for j in $(seq "$sets"); do
    [ "$i" = "$j" ] && continue
    rc=$(gate --candidate "experiment:$i" --baseline "experiment:$j")
    pairs=$((pairs + 1)); [ "$rc" = 1 ] && flagged=$((flagged + 1)); [ "$rc" = 2 ] && undecided=$((undecided + 1))
done; done
printf '1. set vs set:      %3d of %3d checks flagged = %5.1f%%   (undecided: %d)   target <= 5%%\n' \
    "$flagged" "$pairs" "$(echo "100 * $flagged / $pairs" | bc -l)" "$undecided"

ids=($(sqlite3 "$db" "SELECT id FROM run WHERE status = 'ok' AND variant = 'a'"))  # one variant: splits pair up
sflag=0 sund=0
for t in $(seq "$trials"); do
    pick=($(printf '%s\n' "${ids[@]}" | shuf -n $((2 * reps))))
    a=$(IFS=,; echo "${pick[*]:0:$reps}") b=$(IFS=,; echo "${pick[*]:$reps}")
    rc=$(gate --candidate "runs:$a" --baseline "runs:$b")
    [ "$rc" = 1 ] && sflag=$((sflag + 1)); [ "$rc" = 2 ] && sund=$((sund + 1))
done
printf '2. random splits:   %3d of %3d checks flagged = %5.1f%%   (undecided: %d)   target <= 5%%\n' \
    "$sflag" "$trials" "$(echo "100 * $sflag / $trials" | bc -l)" "$sund"

caught=0
for j in $(seq "$sets"); do
    [ "$(gate --candidate "experiment:$slow" --baseline "runs:$(runs_of "$j" a)")" = 1 ] && caught=$((caught + 1))
done
printf '3. real +1000 ms:   %3d of %3d checks flagged = %5.1f%%   (power, for comparison)\n' \
    "$caught" "$sets" "$(echo "100 * $caught / $sets" | bc -l)"
