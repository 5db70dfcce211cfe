# One database, many writers and readers at once, for a bounded time: two `bootlab run`s, an
# import loop, and readers polling as the GUI does (runs, show). No "database is locked" reaches
# a user, no run is lost or duplicated, and readers only ever see whole runs.
# usage: concurrency.sh BOOTLAB DATA_DIR
BOOTLAB=$1 data=$2
source "$(dirname "$0")/../boot/lib.sh"
log=$data/debian-6.1-q35-ahci-lsi-e1000-async.log
spans=$("$BOOTLAB" import "$log" --db "$work/ref.db" >/dev/null && sqlite3 "$work/ref.db" "SELECT count(*) FROM span")
for e in a b; do
    sed -e "s/^name = \"kill\"/name = \"conc-$e\"/" -e 's/^repetitions = 4/repetitions = 2/' "$data/experiments/kill.toml" > "$work/$e.toml"
done
"$BOOTLAB" run "$work/a.toml" --db "$db" --no-report --cmdline-append "$tagarg" > "$work/a.out" 2>&1 & pa=$!
"$BOOTLAB" run "$work/b.toml" --db "$db" --no-report --cmdline-append "$tagarg" > "$work/b.out" 2>&1 & pb=$!
imports=0 import_fail=0 reads=0 read_fail=0 partial=0
deadline=$((SECONDS + 240))
while kill -0 $pa 2>/dev/null || kill -0 $pb 2>/dev/null; do
    [ $SECONDS -gt $deadline ] && { echo "FAIL: the runs did not end within 240 s"; kill $pa $pb; fails=$((fails + 1)); break; }
    if [ $imports -lt 40 ]; then
        "$BOOTLAB" import "$log" --db "$db" --experiment conc-import >> "$work/imports.out" 2>&1 || import_fail=$((import_fail + 1))
        imports=$((imports + 1))
    fi
    # a reader, as the GUI polls: the list, then one imported run in full
    if out=$("$BOOTLAB" runs --json --db "$db" 2>&1); then
        id=$(jq -r '[.[] | select(.experiment == "conc-import")] | last | .id // empty' <<<"$out" 2>/dev/null)
        if [ -n "$id" ]; then
            n=$("$BOOTLAB" show "$id" --json --all --db "$db" 2>>"$work/reads.err" | jq '.spans | length') || read_fail=$((read_fail + 1))
            [ "${n:-0}" -eq "$spans" ] || partial=$((partial + 1))
        fi
        reads=$((reads + 1))
    else
        read_fail=$((read_fail + 1)); echo "$out" >> "$work/reads.err"
    fi
done
wait $pa; ra=$?; wait $pb; rb=$?
echo "$imports imports and $reads reads while two experiments ran"
check "both runs exit 0 ($ra, $rb)" test $ra -eq 0 -a $rb -eq 0
check "every import succeeded (failed: $import_fail)" test $import_fail -eq 0
check "every read succeeded (failed: $read_fail)" test $read_fail -eq 0
check "readers saw only whole runs (partial: $partial)" test $partial -eq 0
check "no 'database is locked' anywhere" eval '! cat "$work"/*.out "$work"/reads.err 2>/dev/null | grep -q "locked"'
q1() { sqlite3 -batch -noheader "$db" "$1"; }
check "2 + 2 boots, all ok" test "$(q1 "SELECT count(*) FROM run r JOIN experiment e ON e.id = r.experiment_id WHERE e.name LIKE 'conc-_' AND r.status = 'ok'")" -eq 4
check "$imports imports stored, each whole" test "$(q1 "SELECT count(*) FROM run r WHERE r.backend = 'import' AND (SELECT count(*) FROM span s WHERE s.run_id = r.id) = $spans")" -eq $imports
check "no run duplicated" test "$(q1 "SELECT count(*) FROM (SELECT 1 FROM run WHERE backend != 'import' GROUP BY experiment_id, variant, repetition HAVING count(*) > 1)")" -eq 0
check "integrity ok" test "$(q1 "PRAGMA integrity_check")" = ok
check "no QEMU left" no_qemu_left
finish
