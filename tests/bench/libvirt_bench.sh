#!/bin/bash
# The libvirt backend against the QEMU backend, measured side by side in one run (the machine
# is shared and noisy: look at the ratios). Needs root: the libvirt host is a libvirtd this
# script starts in a network namespace (as tests/libvirt do) and tears down. About 8 minutes.
#   1. per-boot wall time of one boot, libvirt vs QEMU, alternating, ROUNDS each; target within 5%;
#      with the console capture and with the quiet dmesg capture (libvirt's pty console slows a
#      guest that prints a lot)
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
boot() { # boot EXP DB [host args...]: one boot; appends "command-seconds backend-wall-seconds" to $work/DB.t
    local e=$1 d=$2; shift 2
    local t0 t1
    t0=$(now); "$BOOTLAB" run "$work/$e.toml" --new --no-report --db "$work/$d.db" "$@" >/dev/null 2>&1; t1=$(now)
    echo "$(echo "$t1 - $t0" | bc) $(sqlite3 "$work/$d.db" "SELECT wall_us / 1e6 FROM run ORDER BY id DESC LIMIT 1")" >> "$work/$d.t"
}
mean() { awk -v c="$2" '{s += $c} END {printf "%.2f", s / NR}' "$work/$1.t"; }
med() { sqlite3 "$work/$1.db" "SELECT $2 / 1e6 FROM run ORDER BY $2 LIMIT 1 OFFSET (SELECT count(*) / 2 FROM run)"; }
# the same machine with a quiet console: the ring buffer dumped at the end instead of every
# initcall line printed as it happens
sed -e 's/name = "one"/name = "quiet"/' "$work/one.toml" > "$work/quiet.toml"; printf '[flags]\ncapture = "dmesg"\n' >> "$work/quiet.toml"
echo "== 1. one boot, libvirt (a libvirtd over TCP in a namespace) vs QEMU started directly ($rounds rounds)"
boot one warm --host "$(host_uri 1)"   # uploads the kernel and images once: not measured
boot quiet warm --host "$(host_uri 1)"
for e in one quiet; do
    for r in $(seq "$rounds"); do      # alternate which goes first: no order effect
        if [ $((r % 2)) -eq 1 ]; then boot $e lv$e --host "$(host_uri 1)"; boot $e qm$e; else boot $e qm$e; boot $e lv$e --host "$(host_uri 1)"; fi
    done
    [ $e = one ] && echo "  console capture (every initcall line on the serial console):" || echo "  dmesg capture (quiet console):"
    printf '    boot wall (guest start to poweroff): libvirt %s s, QEMU %s s: ratio %.3f (target within 5%%)\n' \
        "$(mean lv$e 2)" "$(mean qm$e 2)" "$(echo "$(mean lv$e 2) / $(mean qm$e 2)" | bc -l)"
    printf '    whole `bootlab run`:                 libvirt %s s, QEMU %s s: ratio %.3f\n' \
        "$(mean lv$e 1)" "$(mean qm$e 1)" "$(echo "$(mean lv$e 1) / $(mean qm$e 1)" | bc -l)"
    printf '    guest clock, medians: boot-to-init libvirt %s s, QEMU %s s; init-done libvirt %s s, QEMU %s s\n' \
        "$(med lv$e boot_to_init_us)" "$(med qm$e boot_to_init_us)" "$(med lv$e init_done_us)" "$(med qm$e init_done_us)"
done

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
