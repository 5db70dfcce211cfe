#!/bin/bash
# The deterministic gate's power and false-positive rate with 2 boots a side. Boots the async-lab
# kernel in deterministic mode on a machine with one synchronous slow-probe device and an AHCI
# and an LSI disk (whose block I/O is the jitter replay cannot remove): variant a probes for
# 4000 ms, variant b for 4005 ms (5 ms more, about 0.1% of init-done; virtual sleep costs no wall
# time under -icount sleep=off), BOOTS boots each in one shuffled order. Then CHECKS times `bootlab check` on random disjoint 2-vs-2 draws:
#   false positives: a's boots against other a boots (identical configurations)
#   power:           b's boots against a's (the 5 ms delay must be flagged, the span named)
# Targets: 0 of CHECKS flagged, CHECKS of CHECKS caught. About 6 minutes on 2 cores.
# HARDWARE='["slowprobe:1"]' boots the same without disks (the exactly replaying case).
# usage: tests/bench/replay_gate_bench.sh [build/bin/bootlab] [BOOTS=8] [CHECKS=100]
set -eu
bl=$(realpath "${1:-build/bin/bootlab}") boots=${2:-8} checks=${3:-100}
w=$(mktemp -d /tmp/bootlab-bench-XXXX); trap 'rm -rf "$w"' EXIT
db=$w/gate.db
hw=${HARDWARE:-'["slowprobe:1", "ahci:1", "lsi:1"]'}
cat >"$w/replay-gate.toml" <<TOML
name = "replay-gate"
repetitions = $boots
[machine]
timeout = 300
[kernels]
async-lab = "series:async-lab"
[hardware]
m = $hw
[flags]
fastboot = true
deterministic = true
slowprobe_strategy = "sync"
slowprobe_delay_ms = 4000
[variants.a]
[variants.b]
slowprobe_delay_ms = 4005
TOML
echo "booting $boots + $boots deterministic boots on $hw (a: 4000 ms probe, b: 4005 ms)"
"$bl" run "$w/replay-gate.toml" --db "$db" --no-report --jobs 2 >"$w/run.out" 2>&1 || { tail "$w/run.out"; exit 1; }
sqlite3 -separator ' ' "$db" "SELECT variant, count(*), max(init_done_us) - min(init_done_us), min(init_done_us)
    FROM run WHERE status = 'ok' GROUP BY variant" | while read -r v n spread done; do
    echo "  variant $v: $n boots, init-done $done us, spread $spread us"
done
mapfile -t A < <(sqlite3 "$db" "SELECT id FROM run WHERE variant = 'a' AND status = 'ok'")
mapfile -t B < <(sqlite3 "$db" "SELECT id FROM run WHERE variant = 'b' AND status = 'ok'")
pick() { shuf -n "$1" -e "${@:2}" | paste -sd, -; }
fp=0 fp_undecided=0 caught=0 named=0 missed_undecided=0 noreplay=0
for i in $(seq "$checks"); do
    four=$(pick 4 "${A[@]}"); base=$(cut -d, -f1,2 <<<"$four"); cand=$(cut -d, -f3,4 <<<"$four")
    rc=0; "$bl" check --db "$db" --baseline "runs:$base" --candidate "runs:$cand" >"$w/c.out" 2>&1 || rc=$?
    [ $rc = 1 ] && fp=$((fp + 1)); [ $rc = 2 ] && fp_undecided=$((fp_undecided + 1))
    grep -q "do not replay" "$w/c.out" && noreplay=$((noreplay + 1))
    rc=0; "$bl" check --db "$db" --baseline "runs:$(pick 2 "${A[@]}")" --candidate "runs:$(pick 2 "${B[@]}")" >"$w/c.out" 2>&1 || rc=$?
    [ $rc = 1 ] && caught=$((caught + 1)); [ $rc = 2 ] && missed_undecided=$((missed_undecided + 1))
    grep -Eq "span:? slowprobe_init" "$w/c.out" && named=$((named + 1))
    grep -q "do not replay" "$w/c.out" && noreplay=$((noreplay + 1))
done
grep -q "deterministic boots on both sides" "$w/c.out" || echo "  (the gate did not take the boots as deterministic)"
printf 'false positives: %3d of %3d identical 2-vs-2 checks flagged (undecided: %d)   target 0\n' "$fp" "$checks" "$fp_undecided"
printf 'power:           %3d of %3d checks caught the 5 ms delay, %d naming the span (undecided: %d)   target %d\n' \
    "$caught" "$checks" "$named" "$missed_undecided" "$checks"
printf 'checks whose boots did not replay (judged as noisy samples): %d of %d\n' "$noreplay" $((2 * checks))
sed 's/^/  last check: /' "$w/c.out"
