#!/bin/bash
# Exact replay: how far apart deterministic boots of ONE configuration land, with every knob of
# lab/runner/replay.h and with each knob left out (the README's ablation table). Two machines:
# without disks (nothing but the guest and its timers) and with an AHCI and an LSI disk (block
# I/O completes on a host thread: the leak no knob closes). BOOTS boots per row, JOBS at a time
# (icount makes the guest's time independent of the host's load). The full row is booted twice,
# as two separate `bootlab run`s, and the spread is taken over both. Target: <= 10 us.
# About 15 minutes on 2 cores with BOOTS=10.
# usage: tests/bench/replay_bench.sh [build/bin/bootlab] [BOOTS=10] [JOBS=2]
set -eu
bl=$(realpath "${1:-build/bin/bootlab}") boots=${2:-10} jobs=${3:-2}
w=$(mktemp -d /tmp/bootlab-bench-XXXX); trap 'rm -rf "$w"' EXIT
db=$w/replay.db
experiment() { # NAME HARDWARE WITHOUT
    cat >"$w/$1.toml" <<TOML
name = "$1"
repetitions = $boots
[machine]
timeout = 300
[kernels]
stock = "distro"
[hardware]
m = $2
[flags]
deterministic = true
$( [ "$3" = '[]' ] || echo "deterministic_without = $3" )
[variants.v]
TOML
    echo "$w/$1.toml"
}
spread() { # SQL WHERE -> "boot-to-init spread, init-done spread" in us
    sqlite3 -separator ' ' "$db" "SELECT max(boot_to_init_us) - min(boot_to_init_us), max(init_done_us) - min(init_done_us),
        count(*) FROM run r JOIN experiment e ON e.id = r.experiment_id WHERE status = 'ok' AND $1"
}
printf '%-8s %-22s %14s %14s %6s\n' machine "knobs left out" "boot-to-init" "init-done" boots
for m in nodisk disks; do
    hw='["e1000"]'; [ $m = disks ] && hw='["ahci:1", "lsi:1", "e1000"]'
    for without in '[]' '["seed"]' '["rtc"]' '["kaslr"]' '["seed", "rtc", "kaslr"]'; do
        name=$m-$(echo "$without" | tr -dc 'a-z,' | tr ',' '-'); name=${name%-}; [ "$without" = '[]' ] && name=$m-all
        f=$(experiment "$name" "$hw" "$without")
        "$bl" run "$f" --db "$db" --new --no-report --jobs "$jobs" >"$w/out" 2>&1 || { tail -5 "$w/out"; exit 1; }
        # the full set of knobs twice: two separate runs must agree with each other too
        [ "$without" = '[]' ] && "$bl" run "$f" --db "$db" --new --no-report --jobs "$jobs" >"$w/out" 2>&1
        read -r bti done n <<<"$(spread "e.name = '$name'")"
        label=$(echo "$without" | tr -d '[]"'); [ -z "$label" ] && label="none (2 runs)"
        printf '%-8s %-22s %11s us %11s us %6s\n' "$m" "$label" "$bti" "$done" "$n"
    done
done
