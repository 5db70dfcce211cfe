# Logs as a hostile or broken machine writes them: bytes that are not UTF-8, numbers that cannot
# be true. Every output stays valid (JSON, XML, CSV), nothing impossible is stored, no temporary
# file is left behind.
# usage: hostile_logs.sh BOOTLAB DATA_DIR
BOOTLAB=$1 data=$2
source "$(dirname "$0")/../cli/lib.sh"
db=$work/t.db
q() { sqlite3 -batch -noheader "$db" "$1"; }
good=$data/debian-6.1-q35-ahci-lsi-e1000-async.log

# Invalid UTF-8 and control bytes in a function name, a module, the banner and the command line.
sed -e 's/Linux version 6.1.0-56-amd64/Linux version 6.1.0-56-\xff\xfe-amd64/' \
    -e 's/Command line: /Command line: \xc3( \x01 /' \
    -e 's/calling  ahci_pci_driver_init/calling  ahci_\xc0\xafpci_driver_init/' \
    -e 's/initcall ahci_pci_driver_init/initcall ahci_\xc0\xafpci_driver_init/' "$good" > "$work/bad utf8 \xff.log"
printf -v badname '%s/bad utf8 \xff.log' "$work"; mv "$work/bad utf8 \xff.log" "$badname"
expect 0 "run 1 [ok]" -- import "$badname" --db "$db"
check "the function is stored with its bad bytes as \\x escapes" \
    test "$(q "SELECT count(*) FROM symbol WHERE function = 'ahci_\\xc0\\xafpci_driver_init'")" -eq 1
"$BOOTLAB" show 1 --json --db "$db" > "$work/show.json"
check "show --json is valid JSON" jq -e '.kernel_cmdline | test("xc3")' "$work/show.json"
"$BOOTLAB" runs --json --db "$db" > "$work/runs.json"
check "runs --json is valid JSON" jq -e 'length == 1' "$work/runs.json"
for f in perfetto svg csv; do
    expect 0 "" -- export 1 --format $f -o "$work/out.$f" --db "$db"
done
check "the Perfetto trace is valid JSON" jq -e '.traceEvents | length > 100' "$work/out.perfetto"
check "the SVG is valid XML" xmllint --noout "$work/out.svg"
check "the CSV names the function with its escapes" grep -qF 'ahci_\xc0\xafpci_driver_init' "$work/out.csv"
expect 0 "" -- report 1 --db "$db" -o "$work/r.html"
check "the HTML report is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$work/r.html" -o /dev/null
check "no temporary files left" test -z "$(find "$work" -name '*.tmp*')"

# Numbers that cannot be true are unusable lines, not stored values.
cat > "$work/numbers.log" <<'LOG'
[    0.000000] Linux version 6.1.0-56-amd64 (x) #1
[    1.000000] calling  a_init+0x0/0x10 @ 1
[    1.000010] initcall a_init+0x0/0x10 returned 0 after 999999999999999999 msecs
[    1.100000] calling  b_init+0x0/0x10 @ 1
[    1.100010] initcall b_init+0x0/0x10 returned 0 after 9223372036854775807 usecs
[    1.200000] probe of 0000:00:02.0 returned 0 after 5000000 usecs
[    1.300000] async_continuing @ 1 after 99999999 usec
[    1.400000] calling  c_init+0x0/0x10 @ 1
[    1.400010] initcall c_init+0x0/0x10 returned 0 after 10 usecs
[    2.000000] Run /init as init process
LOG
expect 0 "4 initcall-like lines could not be parsed" -- import "$work/numbers.log" --db "$db"
check "no negative start or duration, nothing beyond 116 days" \
    test "$(q "SELECT (SELECT count(*) FROM span WHERE start_us < 0 OR duration_us < 0 OR duration_us > 10000000000000)
              + (SELECT count(*) FROM device_call WHERE start_us < 0) + (SELECT count(*) FROM wait WHERE start_us < 0)")" -eq 0
check "the run's totals are the one true span (10 us)" \
    test "$(q "SELECT initcall_total_us FROM run WHERE id = 2")" -eq 10
finish
