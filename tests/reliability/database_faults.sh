# The database under faults: opened by several processes at once while new, damaged (truncated,
# a garbage page), read-only, and on a disk that fills up. Each gives a clear error naming the
# file, and nothing committed before is lost.
# usage: database_faults.sh BOOTLAB DATA_DIR
BOOTLAB=$1 data=$2
source "$(dirname "$0")/../cli/lib.sh"
log_a=$data/debian-6.1-q35-ahci-lsi-e1000-async.log
log_b=$data/debian-6.1-q35-ahci-lsi-e1000-scan-sync.log
q() { sqlite3 -batch -noheader "$1" "$2"; }

# 1. First open of a new database by three processes at once, 20 times.
bad=0
for i in $(seq 20); do
    db=$work/race-$i.db
    "$BOOTLAB" import "$log_a" --db "$db" >"$work/a.out" 2>&1 & a=$!
    "$BOOTLAB" import "$log_b" --db "$db" >"$work/b.out" 2>&1 & b=$!
    sleep 0.0$((RANDOM % 5))
    "$BOOTLAB" runs --db "$db" >"$work/c.out" 2>&1 & c=$!
    wait $a; ra=$?; wait $b; rb=$?; wait $c; rc=$?
    # `runs` may come before the first import has created the file: that is its one allowed error
    if [ $rc -ne 0 ] && grep -q "no such database" "$work/c.out"; then rc=0; fi
    n=$(q "$db" "SELECT count(*) FROM run")
    if [ $ra -ne 0 ] || [ $rb -ne 0 ] || [ $rc -ne 0 ] || [ "$n" != 2 ]; then
        bad=$((bad + 1)); echo "trial $i: import $ra, import $rb, runs $rc, $n runs"; cat "$work"/[abc].out
    fi
done
check "20 first opens by import & import & runs: all succeeded, 2 runs each (failed: $bad)" test $bad -eq 0

# A database with two runs to damage.
good=$work/good.db
"$BOOTLAB" import "$log_a" "$log_b" --db "$good" >/dev/null
q "$good" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
size=$(stat -c %s "$good")

# 2. Truncated to half: damaged, not "not a bootlab database".
cp "$good" "$work/trunc.db"; truncate -s $((size / 2)) "$work/trunc.db"
expect 1 "$work/trunc.db: the database file is damaged" -- show 2 --db "$work/trunc.db"
# cut inside the 100-byte header
head -c 50 "$good" > "$work/stub.db"
expect 1 "$work/stub.db: the database file is damaged" -- runs --db "$work/stub.db"

# 3. A page of garbage in the middle (every page but the first: the schema still reads).
cp "$good" "$work/page.db"
page=$(q "$good" "PRAGMA page_size")
dd if=/dev/urandom of="$work/page.db" bs="$page" seek=1 count=$((size / page - 1)) conv=notrunc status=none
expect 1 "$work/page.db: the database file is damaged" -- show 1 --db "$work/page.db"
expect 1 "$work/page.db: the database file is damaged" -- import "$log_a" --db "$work/page.db"

# 4. Read-only: on a read-only mount (root; CI) or a file and directory without write permission.
mkdir "$work/ro"; cp "$good" "$work/ro/t.db"
as_readonly() { # as_readonly ARGS...: bootlab with $work/ro read-only
    if [ "$(id -u)" -eq 0 ]; then
        unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"' \
            sh "$work/ro" "$BOOTLAB" "$@"
    else
        chmod a-w "$work/ro" "$work/ro/t.db"; "$BOOTLAB" "$@"; local rc=$?
        chmod u+w "$work/ro" "$work/ro/t.db"; return $rc
    fi
}
out=$(as_readonly runs --db "$work/ro/t.db" 2>&1)
check "runs reads a read-only database" grep -q "debian-6.1-q35-ahci-lsi-e1000-scan-sync" <<<"$out"
out=$(as_readonly show 1 --json --db "$work/ro/t.db" 2>&1)
check "show reads a read-only database" grep -q '"boot_to_init_us"' <<<"$out"
out=$(as_readonly import "$log_a" --db "$work/ro/t.db" 2>&1); rc=$?
check "import into a read-only database fails and says why (exit $rc): $(head -1 <<<"$out")" \
    eval '[ $rc -eq 1 ] && grep -q "$work/ro/t.db: .*read-only" <<<"$out"'
check "the read-only database still has its 2 runs" test "$(q "$work/ro/t.db" "SELECT count(*) FROM run")" -eq 2

# 5. A disk that fills up mid-import (root: a 1 MiB tmpfs of our own).
if [ "$(id -u)" -eq 0 ]; then
    big=$work/big.log   # 40 boots end to end: 28,000 spans, about 1.7 MB stored
    for i in $(seq 40); do cat "$log_a"; done > "$big"
    out=$(unshare -m sh -c 'mount -t tmpfs -o size=1m tmpfs "$1" && cp "$2" "$1/t.db" &&
                            "$3" import "$4" --db "$1/t.db"; rc=$?
                            "$3" import "$5" --db "$1/t.db" >/dev/null 2>&1
                            sqlite3 "$1/t.db" "PRAGMA integrity_check; SELECT count(*) FROM run"; exit $rc' \
          sh "$work/ro" "$good" "$BOOTLAB" "$big" "$log_b" 2>&1); rc=$?
    check "an import that fills the disk fails and says so (exit $rc)" \
        eval '[ $rc -eq 1 ] && grep -q "disk is full" <<<"$out"'
    check "after a full disk: integrity ok, the runs committed before are there" \
        eval 'grep -qx ok <<<"$out" && [ "$(tail -1 <<<"$out")" -ge 2 ]'
    echo "$out" | head -3
else
    echo "skip: full disk (needs root for a tmpfs)"
fi
finish
