# SIGKILL at random moments: `bootlab run` (during kernel fetch, image build, boot, storing,
# report) and `bootlab import` of a large log. After each kill: the database passes
# integrity_check, no QEMU of the run is left, every visible run is whole, and none is
# duplicated; re-running completes the experiment with exactly the planned runs.
# usage: kill_run.sh BOOTLAB DATA_DIR [TRIALS]   (BOOTLAB_KILL_SEED fixes the random moments)
BOOTLAB=$1 data=$2 trials=${3:-20}
source "$(dirname "$0")/../boot/lib.sh"
seed=${BOOTLAB_KILL_SEED:-$$}
RANDOM=$seed
echo "BOOTLAB_KILL_SEED=$seed repeats these moments"
exp=$data/experiments/kill.toml planned=4
cache=${BOOTLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bootlab}
qdb() { sqlite3 -batch -noheader "$1" "$2"; }

consistent() { # consistent DB WHAT: the checks after a kill
    local d=$1 what=$2 bad=""
    [ -f "$d" ] || { echo "ok: $what: no database yet"; return; }
    [ "$(qdb "$d" "PRAGMA integrity_check")" = ok ] || bad+=" integrity"
    # whole runs: a stored log has its chunks; an ok boot has its spans
    [ "$(qdb "$d" "SELECT count(*) FROM run r WHERE (r.log_bytes > 0 AND NOT EXISTS (SELECT 1 FROM log_chunk c WHERE c.run_id = r.id))
                   OR (r.status = 'ok' AND NOT EXISTS (SELECT 1 FROM span s WHERE s.run_id = r.id))")" -eq 0 ] || bad+=" partial-run"
    [ "$(qdb "$d" "SELECT count(*) FROM (SELECT 1 FROM run GROUP BY experiment_id, variant, repetition HAVING count(*) > 1)")" -eq 0 ] || bad+=" duplicate"
    [ "$(qdb "$d" "SELECT count(*) FROM run")" -le $planned ] || bad+=" too-many"
    no_qemu_left || bad+=" qemu-left"
    if [ -z "$bad" ]; then echo "ok: $what"; else echo "FAIL: $what:$bad"; fails=$((fails + 1)); fi
}

kills=0 phases=""
for trial in $(seq "$trials"); do
    group=$(( (trial - 1) / 5 ))          # five kills per database, then it is completed
    d=$work/g$group.db
    # The first kill of each group starts from an empty cache: it lands in the kernel fetch or the
    # image build (the apt download cache is shared, so this takes seconds, not a download).
    if [ $(( (trial - 1) % 5 )) -eq 0 ]; then
        c=$work/cache$group; mkdir -p "$c"; [ -d "$cache/apt" ] && ln -sfn "$cache/apt" "$c/apt"
        delay=$(( RANDOM % 60 + 1 ))      # 0.1 .. 6 s
    else
        c=$cache; delay=$(( RANDOM % 200 + 1 )) # 0.1 .. 20 s
    fi
    BOOTLAB_CACHE=$c "$BOOTLAB" run "$exp" --db "$d" --report "$work/r$group.html" --cmdline-append "$tagarg" \
        > "$work/run.out" 2>&1 &
    pid=$!
    sleep "$((delay / 10)).$((delay % 10))"
    phase=$(grep -v '^ *$' "$work/run.out" | tail -1 | cut -c1-60)
    if kill -KILL $pid 2>/dev/null; then kills=$((kills + 1)); fi
    wait $pid 2>/dev/null
    phases+="  trial $trial at ${delay}00 ms: ${phase:-(nothing printed yet)}"$'\n'
    consistent "$d" "trial $trial: killed after $((delay / 10)).$((delay % 10)) s"
    if [ $(( trial % 5 )) -eq 0 ] || [ "$trial" -eq "$trials" ]; then
        BOOTLAB_CACHE=$c "$BOOTLAB" run "$exp" --db "$d" --no-report --cmdline-append "$tagarg" > "$work/done.out" 2>&1
        rc=$?
        check "group $group: the re-run completes (exit $rc): $(qdb "$d" "SELECT count(*) FROM run WHERE status = 'ok'") of $planned ok" \
            test "$rc" -eq 0 -a "$(qdb "$d" "SELECT count(*) FROM run WHERE status = 'ok'")" -eq $planned
        consistent "$d" "group $group: after completing"
    fi
done
echo "what each run was doing when it was killed (its last line):"; printf '%s' "$phases"
check "$kills kills landed before the run ended by itself (of $trials)" test "$kills" -ge $(( trials / 2 ))
check "no scratch disks of killed runs left" test -z "$(ls "$cache/scratch" 2>/dev/null | grep "^boot-")"
check "no staging directories of killed runs left in the caches used" \
    test -z "$(find "$work"/cache* "$cache/images" "$cache/kernels" -maxdepth 1 -name '*.tmp-*' 2>/dev/null | while read -r f; do
                  p=${f##*.tmp-}; kill -0 "$p" 2>/dev/null || echo "$f"; done)"

# `bootlab import` of a large log, killed at random moments: the run is all there or absent.
for i in $(seq 40); do cat "$data/debian-6.1-q35-ahci-lsi-e1000-async.log"; done > "$work/big.log"
"$BOOTLAB" import "$work/big.log" --db "$work/ref.db" >/dev/null 2>&1
spans=$(qdb "$work/ref.db" "SELECT count(*) FROM span")
before=0 partial=0 landed=0
for i in $(seq 10); do
    "$BOOTLAB" import "$work/big.log" --db "$work/i.db" >/dev/null 2>&1 & pid=$!
    delay=$(( RANDOM % 15 ))
    sleep "0.$delay"; kill -KILL $pid 2>/dev/null && landed=$((landed + 1)); wait $pid 2>/dev/null
    [ -f "$work/i.db" ] || continue
    n=$(qdb "$work/i.db" "SELECT count(*) FROM run")
    [ "$(qdb "$work/i.db" "PRAGMA integrity_check")" = ok ] || partial=$((partial + 1))
    # every stored run of this log has all of its spans
    [ "$(qdb "$work/i.db" "SELECT count(*) FROM run r WHERE (SELECT count(*) FROM span s WHERE s.run_id = r.id) != $spans")" -eq 0 ] \
        || partial=$((partial + 1))
    [ "$n" -ge "$before" ] || partial=$((partial + 1))
    before=$n
done
check "import killed 10 times ($landed landed mid-import): every run all there or absent (bad: $partial)" test "$partial" -eq 0
finish
