# Exports written by the CLI open in the tools they are for (checked with real parsers).
# usage: exports.sh BOOTLAB DATA_DIR
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
db=$work/t.db
log=$data/debian-6.1-q35-ahci-lsi-e1000-async.log
expect 0 "run 1" -- import "$log" --db "$db"
expect 0 "707 spans" -- export 1 --format svg -o "$work/t.svg" --db "$db"
expect 0 "707 spans" -- export 1 --format perfetto -o "$work/t.json" --db "$db"
expect 0 "707 spans" -- export 1 --format csv -o "$work/t.csv" --db "$db"
check "SVG is well-formed XML (xmllint)" xmllint --noout "$work/t.svg"
check "no temporary file left" test ! -e "$work/t.svg.tmp"
# independent count: `calling  ` lines at message start, minus PCI quirks
want=$(grep -acE '^\[ *[0-9]+\.[0-9]+\] calling  ' "$log")
rows=$(($(wc -l < "$work/t.csv") - 1))
check "CSV has one row per initcall line ($rows = $want)" test "$rows" -eq "$want"
# JSON: `runs --json` and `show --json` are valid and agree with the log
"$BOOTLAB" show 1 --json --all --db "$db" > "$work/show.json"
check "show --json parses (python3 -m json.tool or jq)" sh -c "command -v jq >/dev/null && jq -e . '$work/show.json' >/dev/null || python3 -m json.tool '$work/show.json' >/dev/null"
check "show --json lists every span" sh -c "test \$(grep -c '\"seq\":' '$work/show.json') -eq $want"
expect 0 "/dev/stdout" -- export 1 --format csv -o /dev/stdout --db "$db"
# the critical path of a boot whose answer is known (tests/data/README.md)
expect 0 "run 2" -- import "$data/critical-path.log" --db "$db"
expect 0 "slow_async (async #1), pid 1 waited 0.400100 s for it" -- show 2 --critical-path --db "$db"
check "critical path: c_init is not on it" bash -c "! grep -q c_init '$work/last.out'"
check "critical path: to run-init at 1.05 s, 5 rows" bash -c "grep -q 'critical path to run-init at 1.050000 s' '$work/last.out' && test \$(grep -c ' s  *[0-9.]* s ' '$work/last.out') -eq 5"
"$BOOTLAB" show 2 --critical-path --json --db "$db" >"$work/cp.json"
check "critical path --json: shares add up to 1" bash -c "jq -e '[.rows[].share] | add | . > 0.999999 and . < 1.000001' '$work/cp.json' >/dev/null"
# bootlab runs: a long kernel name (6.13.1-300.vanilla.fc41.aarch64) widens its column, and
# every later column stays in line: BOOT-TO-INIT's values end where its header does
for f in arm64-jiffies-backwards i386-2.6.24-old-format; do "$BOOTLAB" import "$data/shapes/$f.log" --db "$work/r.db" >/dev/null 2>&1; done
"$BOOTLAB" runs --db "$work/r.db" >"$work/runs.txt"
cat "$work/runs.txt"
ends=$(awk 'NR == 1 { e = index($0, "BOOT-TO-INIT") + 11 } NR > 1 { print (substr($0, e, 1) == "s" || substr($0, e, 1) == "-") ? "ok" : "off" }' "$work/runs.txt" | sort -u)
check "runs: BOOT-TO-INIT in line in every row ($ends)" test "$ends" = ok
check "runs: the long kernel name is there whole" grep -q "6.13.1-300.vanilla.fc41.aarch64 " "$work/runs.txt"
finish
