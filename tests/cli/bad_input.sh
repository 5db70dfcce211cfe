# Bad input gets a clear error naming the file, a non-zero exit, and no half-written run.
# usage: bad_input.sh BOOTLAB DATA_DIR
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
db=$work/t.db
good=$data/debian-6.1-q35-ahci-lsi-e1000-async.log
expect 0 "run 1 [ok]" -- import "$good" --db "$db"

: > "$work/empty.log"
head -c 200000 /dev/urandom > "$work/garbage.bin"
printf 'hello\nthis is not a boot log\n' > "$work/nolines.log"
expect 1 "$work/empty.log: empty file" -- import "$work/empty.log" --db "$db"
expect 1 "$work/garbage.bin: binary data" -- import "$work/garbage.bin" --db "$db"
expect 1 "$work/nope.log: No such file or directory" -- import "$work/nope.log" --db "$db"
expect 1 "$work/nolines.log: no initcall lines" -- import "$work/nolines.log" --db "$db"
expect 1 "no initcall lines" -- import "$data/debian-6.1-q35-ahci-lsi-e1000-async-quiet.log" --db "$db"
# one bad file among good ones: the good ones are stored, the exit says something failed
expect 1 "$work/empty.log: empty file" -- import "$good" "$work/empty.log" --db "$db"
runs=$("$BOOTLAB" runs --json --db "$db" | grep -c '"id":')
check "only the two good imports are stored (found $runs)" test "$runs" -eq 2

# a truncated log: spans that never returned are kept and reported
head -n 1966 "$good" > "$work/truncated.log"   # ends at `calling  16_do_scan_async`
expect 0 "never returned" -- import "$work/truncated.log" --db "$db"

# a database that is not a database
printf 'SQLite format 3\0 but then garbage garbage garbage garbage garbage garbage garbage garbage garbage' > "$work/bad.db"
head -c 8192 /dev/urandom >> "$work/bad.db"
expect 1 "$work/bad.db: not a bootlab database" -- runs --db "$work/bad.db"
echo "plain text" > "$work/text.db"
expect 1 "$work/text.db: not a bootlab database" -- import "$good" --db "$work/text.db"
check "the text file was not overwritten" grep -q "plain text" "$work/text.db"

expect 1 "run 99: no such run" -- show 99 --db "$db"
expect 1 "unknown export format 'pdf'" -- export 1 --format pdf -o "$work/x.pdf" --db "$db"
expect 2 "" -- frobnicate
expect 2 "" -- show --db "$db"
expect 0 "boot-to-init" -- show 1 --db "$db"
expect 0 "2.334877 s" -- show 1 --db "$db"
# --db defaults to $BOOTLAB_DB (then the XDG data dir)
expect 0 "run 1 [ok]" -- import "$good"
check "default database created" test -s "$BOOTLAB_DB"
finish
