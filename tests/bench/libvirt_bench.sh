#!/bin/bash
# The libvirt backend against the QEMU backend, measured side by side in one run (the machine
# is shared and noisy: look at the ratios). Needs root: the libvirt host is a libvirtd this
# script starts in a network namespace (as tests/libvirt do) and tears down. About 5 minutes.
#   1. per-boot wall time of one boot, libvirt vs QEMU, alternating, ROUNDS each; target within 5%
#   2. boots/hour of 4 boots on two hosts against one host (on one 2-core machine both hosts
#      share the CPUs), and the scheduler's idle slot-time (should be near zero)
# usage: tests/bench/libvirt_bench.sh [build/bin/bootlab] [ROUNDS=3]
BOOTLAB=$(realpath "${1:-build/bin/bootlab}") rounds=${2:-3}
set -- "$BOOTLAB" "$(dirname "$0")/../data"
source "$(dirname "$0")/../libvirt/lib.sh"
set -e
start_host 1; start_host 2
now() { date +%s.%N; }
cat > "$work/one.toml" <<EOT
name = "one"
repetitions = 1
[machine]
timeout = 600
[hardware]
m = ["ahci:2", "lsi:2", "e1000"]
EOT
boot() { # boot DB [host args...]: one boot; appends "command-seconds backend-wall-seconds" to $work/DB.t
    local d=$1; shift
    local t0 t1
    t0=$(now); "$BOOTLAB" run "$work/one.toml" --new --no-report --db "$work/$d.db" "$@" >/dev/null 2>&1; t1=$(now)
    echo "$(echo "$t1 - $t0" | bc) $(sqlite3 "$work/$d.db" "SELECT wall_us / 1e6 FROM run ORDER BY id DESC LIMIT 1")" >> "$work/$d.t"
}
echo "== 1. one boot, libvirt (a libvirtd over TCP in a namespace) vs QEMU started directly ($rounds rounds)"
boot warm --host "$(host_uri 1)"   # uploads the kernel and image once: not measured
for r in $(seq "$rounds"); do      # alternate which goes first: no order effect
    if [ $((r % 2)) -eq 1 ]; then boot lv --host "$(host_uri 1)"; boot qm; else boot qm; boot lv --host "$(host_uri 1)"; fi
done
mean() { awk -v c="$2" '{s += $c} END {printf "%.2f", s / NR}' "$work/$1.t"; }
printf '  boot wall (emulator start to exit): libvirt %s s, QEMU %s s: ratio %.3f (target within 5%%)\n' \
    "$(mean lv 2)" "$(mean qm 2)" "$(echo "$(mean lv 2) / $(mean qm 2)" | bc -l)"
printf '  whole `bootlab run`:                libvirt %s s, QEMU %s s: ratio %.3f\n' \
    "$(mean lv 1)" "$(mean qm 1)" "$(echo "$(mean lv 1) / $(mean qm 1)" | bc -l)"
printf '  boot-to-init (guest clock), median: libvirt %s s, QEMU %s s\n' \
    "$(sqlite3 "$work/lv.db" "SELECT boot_to_init_us / 1e6 FROM run ORDER BY boot_to_init_us LIMIT 1 OFFSET (SELECT count(*) / 2 FROM run)")" \
    "$(sqlite3 "$work/qm.db" "SELECT boot_to_init_us / 1e6 FROM run ORDER BY boot_to_init_us LIMIT 1 OFFSET (SELECT count(*) / 2 FROM run)")"

echo "== 2. throughput: 4 boots (-smp 1) on one libvirt host vs two, one slot each"
sed -e 's/repetitions = 1/repetitions = 4/' -e 's/timeout = 600/timeout = 600\nsmp = 1/' "$work/one.toml" > "$work/four.toml"
run4() { # run4 NAME host args...
    local name=$1; shift
    local t0 t1
    t0=$(now); "$BOOTLAB" run "$work/four.toml" --new --no-report --db "$work/$name.db" "$@" >"$work/$name.out" 2>&1; t1=$(now)
    echo "$t1 - $t0" | bc
}
one=$(run4 h1 --host "$(host_uri 1)")
two=$(run4 h2 --host "$(host_uri 1)" --host "$(host_uri 2)")
printf '  one host: %.0f boots/h   two hosts: %.0f boots/h   ratio %.2f (both hosts share these 2 cores)\n' \
    "$(echo "4 * 3600 / $one" | bc -l)" "$(echo "4 * 3600 / $two" | bc -l)" "$(echo "$one / $two" | bc -l)"
printf '  boots per host with two: %s\n' "$(sqlite3 "$work/h2.db" "SELECT group_concat(host || '=' || n, ' ') FROM (SELECT host, count(*) n FROM run GROUP BY host)")"
printf '  idle slot time: one host %s, two hosts %s\n' \
    "$(grep -o 'idle while boots waited: [0-9.]* s' "$work/h1.out" | awk '{print $5 " s"}')" \
    "$(grep -o 'idle while boots waited: [0-9.]* s' "$work/h2.out" | awk '{print $5 " s"}')"
printf '  CV of boot-to-init: one host %s%%, two hosts %s%%\n' \
    "$(sqlite3 "$work/h1.db" "SELECT boot_to_init_us FROM run" | awk '{x[NR]=$1; s+=$1} END {m=s/NR; for(i=1;i<=NR;i++) v+=(x[i]-m)^2; printf "%.1f", 100*sqrt(v/(NR-1))/m}')" \
    "$(sqlite3 "$work/h2.db" "SELECT boot_to_init_us FROM run" | awk '{x[NR]=$1; s+=$1} END {m=s/NR; for(i=1;i<=NR;i++) v+=(x[i]-m)^2; printf "%.1f", 100*sqrt(v/(NR-1))/m}')"
