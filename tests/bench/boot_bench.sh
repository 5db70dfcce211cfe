#!/bin/bash
# Boot benchmarks, each measured side by side with its baseline in the same run (the machines
# are shared and noisy: look at the ratios). Takes about 6 minutes without KVM.
#   1. orchestrator overhead: wall time of `bootlab run` for one boot against the bare QEMU argv
#      it printed (--print-qemu), alternating, ROUNDS times each; target: within 2%
#   2. throughput: boots per hour with --jobs 2 against --jobs 1, -smp 1 guests
#   3. noise: coefficient of variation of boot-to-init over N boots, plain TCG and -icount
# usage: tests/bench/boot_bench.sh [build/bin/bootlab] [ROUNDS=3] [N=5] [SECTIONS=123]
set -eu
bl=$(realpath "${1:-build/bin/bootlab}") rounds=${2:-3} n=${3:-5} sections=${4:-123}
w=$(mktemp -d /tmp/bootlab-bench-XXXX); trap 'rm -rf "$w"' EXIT
now() { date +%s.%N; }
exp() { # exp NAME REPS SMP EXTRA-FLAGS-TOML
    printf 'name = "%s"\nrepetitions = %s\n[machine]\nsmp = %s\ntimeout = 600\n[hardware]\nm = ["ahci:2", "lsi:2", "e1000"]\n[flags]\n%s\n' \
        "$1" "$2" "$3" "$4" > "$w/$1.toml"
}
cv() { # cv DB: coefficient of variation of boot_to_init_us over ok runs, in %
    sqlite3 "$1" "SELECT boot_to_init_us FROM run WHERE status = 'ok'" |
        awk '{x[NR]=$1; s+=$1} END {m=s/NR; for(i=1;i<=NR;i++) v+=(x[i]-m)^2; printf "%.2f", 100*sqrt(v/(NR-1))/m}'
}

if [[ $sections == *1* ]]; then
echo "== 1. orchestrator overhead ($rounds rounds, one boot each way)"
exp one 1 2 ""
tb=0 tq=0 tw=0 cb=0 cq=0 gb=0 gq=0
cpu() { awk '{print $1 + $2}' "$w/cpu"; }  # user + sys of the command and its children
guest() { # the guest's own init-done (its clock is the host's under plain TCG), from a log
    rm -f "$w/g.db"; "$bl" import "$1" --db "$w/g.db" >/dev/null 2>&1; sqlite3 "$w/g.db" "SELECT init_done_us / 1e6 FROM run"
}
bootlab_boot() {
    t0=$(now); /usr/bin/time -o "$w/cpu" -f "%U %S" "$bl" run "$w/one.toml" --new --print-qemu --no-report --db "$w/o.db" > "$w/o.out" 2>/dev/null; t1=$(now)
    tb=$(echo "$tb + $t1 - $t0" | bc); cb=$(echo "$cb + $(cpu)" | bc)
    "$bl" log "$(sqlite3 "$w/o.db" "SELECT max(id) FROM run")" --db "$w/o.db" > "$w/b.log"; gb=$(echo "$gb + $(guest "$w/b.log")" | bc)
    tw=$(echo "$tw + $(sqlite3 "$w/o.db" "SELECT wall_us / 1e6 FROM run ORDER BY id DESC LIMIT 1")" | bc)
}
bare_boot() { # the argv bootlab printed last, its scratch disks made again where it expects them
    argv=$(grep -v '^#' "$w/o.out" | grep qemu-system | head -n 1)
    for f in $(grep -o 'file=[^, ]*\.img' <<<"$argv" | cut -d= -f2); do mkdir -p "$(dirname "$f")"; truncate -s 64M "$f"; done
    t0=$(now); /usr/bin/time -o "$w/cpu" -f "%U %S" bash -c "$argv" </dev/null >"$w/console.log" 2>&1; t1=$(now)  # the console kept, as any capture does
    tq=$(echo "$tq + $t1 - $t0" | bc); cq=$(echo "$cq + $(cpu)" | bc); gq=$(echo "$gq + $(guest "$w/console.log")" | bc)
    for f in $(grep -o 'file=[^, ]*\.img' <<<"$argv" | cut -d= -f2); do rm -rf "$(dirname "$f")"; done
}
bootlab_boot; tb=0 tw=0 cb=0 gb=0   # a first boot that only provides the argv
for r in $(seq "$rounds"); do   # alternate which goes first: no order effect
    if [ $((r % 2)) -eq 1 ]; then bootlab_boot; bare_boot; else bare_boot; bootlab_boot; fi
done
printf '  bootlab run: %.2f s/boot   bare qemu: %.2f s/boot   overhead: %+.1f%%  (target within 2%%)\n' \
    "$(echo "$tb / $rounds" | bc -l)" "$(echo "$tq / $rounds" | bc -l)" "$(echo "100 * ($tb - $tq) / $tq" | bc -l)"
# Same boot, no boot-to-boot noise: bootlab's whole run against the QEMU wall time it measured.
printf '  within the same boots: bootlab total %.2f s, its QEMU %.2f s: %.2f s (%.1f%%) of set-up, import and summary\n' \
    "$(echo "$tb / $rounds" | bc -l)" "$(echo "$tw / $rounds" | bc -l)" "$(echo "($tb - $tw) / $rounds" | bc -l)" \
    "$(echo "100 * ($tb - $tw) / $tw" | bc -l)"
# Where a difference could come from: the emulator itself (its wall time as bootlab measured it,
# and the guest's own init-done, which under plain TCG runs at the host's speed) against the bare
# runs, and the CPU bootlab spends besides QEMU's (both /usr/bin/time: the process and its children).
printf '  QEMU wall under bootlab %.2f s vs bare %.2f s: %+.1f%%;  guest init-done %.2f s vs %.2f s: %+.1f%%\n' \
    "$(echo "$tw / $rounds" | bc -l)" "$(echo "$tq / $rounds" | bc -l)" "$(echo "100 * ($tw - $tq) / $tq" | bc -l)" \
    "$(echo "$gb / $rounds" | bc -l)" "$(echo "$gq / $rounds" | bc -l)" "$(echo "100 * ($gb - $gq) / $gq" | bc -l)"
printf '  CPU: bootlab run %.2f s, bare QEMU %.2f s: bootlab itself %.2f s per boot (%.1f%% of QEMU'"'"'s)\n' \
    "$(echo "$cb / $rounds" | bc -l)" "$(echo "$cq / $rounds" | bc -l)" "$(echo "($cb - $cq) / $rounds" | bc -l)" \
    "$(echo "100 * ($cb - $cq) / $cq" | bc -l)"

fi
if [[ $sections == *2* ]]; then
echo "== 2. throughput, -smp 1 guests, 4 boots each"
exp smp1 4 1 ""
t0=$(now); "$bl" run "$w/smp1.toml" --new --jobs 1 --no-report --db "$w/j1.db" >/dev/null 2>&1; t1=$(now); j1=$(echo "$t1 - $t0" | bc)
t0=$(now); "$bl" run "$w/smp1.toml" --new --jobs 2 --no-report --db "$w/j2.db" >/dev/null 2>&1; t1=$(now); j2=$(echo "$t1 - $t0" | bc)
printf '  --jobs 1: %.0f boots/h   --jobs 2: %.0f boots/h   ratio %.2f\n' \
    "$(echo "4 * 3600 / $j1" | bc -l)" "$(echo "4 * 3600 / $j2" | bc -l)" "$(echo "$j1 / $j2" | bc -l)"
printf '  CV of boot-to-init: --jobs 1 %s%%, --jobs 2 %s%%\n' "$(cv "$w/j1.db")" "$(cv "$w/j2.db")"

fi
if [[ $sections == *3* ]]; then
echo "== 3. run-to-run noise, $n boots each, one at a time"
exp plain "$n" 1 ""
exp icount "$n" 1 "deterministic = true"
"$bl" run "$w/plain.toml" --new --no-report --db "$w/plain.db" >/dev/null 2>&1
"$bl" run "$w/icount.toml" --new --no-report --db "$w/icount.db" >/dev/null 2>&1
printf '  CV of boot-to-init: plain TCG %s%%, -icount shift=0 %s%%\n' "$(cv "$w/plain.db")" "$(cv "$w/icount.db")"
for d in plain icount; do
    printf '  %-6s boot-to-init (s): %s\n' "$d" "$(sqlite3 "$w/$d.db" "SELECT group_concat(printf('%.6f', boot_to_init_us / 1e6), ' ') FROM run")"
done
fi
