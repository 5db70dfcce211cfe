# bootlab check on real boots of the async-lab kernel: the same configuration twice is not
# flagged, a real injected delay (slow-probe 300 -> 600 ms) is, with the slow span named;
# too few boots cannot decide; JUnit and HTML come out well-formed.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
gate=$data/experiments/gate.toml
expect 0 "[6/6]" -- run "$gate" --db "$db" --no-report --cmdline-append "$tagarg"
expect 0 "6 runs -> $work/base.json" -- export --select experiment:gate --format runs -o "$work/base.json" --db "$db"
check "the run set file has the 6 runs" test "$(grep -c '"variant": "probe"' "$work/base.json")" -eq 6
# the baseline's median init-done, from the database itself
base_median=$(q "SELECT printf('%.3f s', avg(init_done_us) / 1e6) FROM (SELECT init_done_us FROM run WHERE experiment_id = 1 ORDER BY init_done_us LIMIT 2 OFFSET 2)")

# 1. the same configuration again: no regression (alpha 0.02 here, 6 vs 6 boots: the test itself must not be flaky)
out=$("$BOOTLAB" check "$gate" --baseline "$work/base.json" --alpha 0.02 --db "$db" --junit "$work/same.xml" \
      --report "$work/same.html" --cmdline-append "$tagarg" 2>&1); rc=$?
echo "$out" | sed -n '/^baseline:/,$p'
check "same configuration: exit 0" test "$rc" -eq 0
check "same configuration: the verdict says so" grep -q "verdict: no regression beyond 3.0%" <<<"$out"
check "the baseline median is the database's ($base_median)" grep -q "init-done .*$base_median ->" <<<"$out"
check "6 new boots were made" test "$(q "SELECT count(*) FROM run WHERE experiment_id = 2 AND status = 'ok'")" -eq 6
check "JUnit: well-formed" xmllint --noout "$work/same.xml"
check "JUnit: 2 test cases, no failure" test "$(xmllint --xpath 'count(//testcase)' "$work/same.xml")" = 2 -a \
    "$(xmllint --xpath 'count(//failure)' "$work/same.xml")" = 0
check "HTML report: parses, with the verdict" sh -c "xmllint --html --noout '$work/same.html' 2>/dev/null && grep -q '<h2>Verdict</h2>' '$work/same.html'"

# 2. a real delay: the slow-probe device takes 600 ms instead of 300
out=$("$BOOTLAB" check "$data/experiments/gate-slower.toml" --baseline "$work/base.json" --alpha 0.02 --db "$db" \
      --junit "$work/slow.xml" --cmdline-append "$tagarg" 2>&1); rc=$?
echo "$out" | sed -n '/^baseline:/,$p'
check "injected delay: exit 1" test "$rc" -eq 1
check "injected delay: the verdict names the slow span" \
    grep -q "verdict: REGRESSION: .*slowprobe_init \[bootlab_slowprobe\]" <<<"$out"
check "injected delay: it is the span that grew most" \
    grep -A1 "spans that grew most" <<<"$out" | grep -q "+[23][0-9][0-9]\.[0-9] ms  slowprobe_init \[bootlab_slowprobe\]"
check "JUnit: the failure is there" test "$(xmllint --xpath 'count(//failure)' "$work/slow.xml")" -ge 1

# 3. too few boots to decide: 2 stored runs against the other 4 of the baseline experiment
expect 2 "not enough repetitions" -- check --candidate runs:1-2 --baseline experiment:1 --db "$db"
# 4. bad baselines: exit 2, named
expect 2 "$work/nope.json: not a file" -- check --candidate experiment:1 --baseline "$work/nope.json" --db "$db"
echo '{"format": "something else"}' > "$work/other.json"
expect 2 "other.json: not a bootlab run set" -- check --candidate experiment:1 --baseline "$work/other.json" --db "$db"
check "no QEMU left" no_qemu_left
finish
