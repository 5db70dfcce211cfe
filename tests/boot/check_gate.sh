# bootlab check on real boots of the async-lab kernel: two run sets of the same configuration
# (variants a and b of gate.toml, booted interleaved) are not flagged; a real injected delay
# (slow-probe 300 -> 1300 ms, against an exported baseline) is, with the slow span named; too few
# boots cannot decide; JUnit and HTML come out well-formed.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
expect 0 "warm-up" -- run "$data/experiments/gate.toml" --db "$db" --no-report --cmdline-append "$tagarg"
ids() { q "SELECT group_concat(id) FROM run WHERE variant = '$1' AND warmup = 0"; }
a=$(ids a) b=$(ids b)
# the median of a's init-done, from the database itself
a_median=$(q "SELECT printf('%.3f s', avg(init_done_us) / 1e6) FROM (SELECT init_done_us FROM run WHERE variant = 'a' AND warmup = 0 ORDER BY init_done_us LIMIT 2 OFFSET 2)")

# 1. the same configuration twice, interleaved: no regression (alpha 0.02: the test must not be a coin)
out=$("$BOOTLAB" check --candidate "runs:$b" --baseline "runs:$a" --alpha 0.02 --db "$db" \
      --junit "$work/same.xml" --report "$work/same.html" 2>&1); rc=$?
echo "$out"
check "same configuration: exit 0" test "$rc" -eq 0
check "same configuration: the verdict says so" grep -q "verdict: no regression beyond 3.0%" <<<"$out"
check "the baseline median is the database's ($a_median)" grep -q "init-done .*$a_median ->" <<<"$out"
check "JUnit: well-formed" xmllint --noout "$work/same.xml"
check "JUnit: 2 test cases, no failure" test "$(xmllint --xpath 'count(//testcase)' "$work/same.xml")" = 2 -a \
    "$(xmllint --xpath 'count(//failure)' "$work/same.xml")" = 0
check "HTML report: parses, with the verdict" sh -c "xmllint --html --noout '$work/same.html' 2>/dev/null && grep -q '<h2>Verdict</h2>' '$work/same.html'"

# 2. a real delay, booted now, against a baseline exported to a file
expect 0 "6 runs -> $work/base.json" -- export --select "runs:$a" --format runs -o "$work/base.json" --db "$db"
check "the run set file has the 6 runs" test "$(grep -c '"variant": "a"' "$work/base.json")" -eq 6
out=$("$BOOTLAB" check "$data/experiments/gate-slower.toml" --baseline "$work/base.json" --alpha 0.02 --db "$db" \
      --junit "$work/slow.xml" --cmdline-append "$tagarg" 2>&1); rc=$?
echo "$out" | sed -n '/^baseline:/,$p'
check "6 new boots were made" test "$(q "SELECT count(*) FROM run WHERE variant = 'slower' AND status = 'ok'")" -eq 6
check "injected delay: exit 1" test "$rc" -eq 1
check "injected delay: the verdict names the slow span" \
    grep -q "verdict: REGRESSION: .*slowprobe_init \[bootlab_slowprobe\]" <<<"$out"
top_span() { grep -A1 "spans that grew most" <<<"$out" | grep -Eq "\+(9[0-9][0-9]|1[01][0-9][0-9])\.[0-9] ms  slowprobe_init \[bootlab_slowprobe\]"; }
check "injected delay: it is the span that grew most, by about a second" top_span
check "JUnit: the failure is there" test "$(xmllint --xpath 'count(//failure)' "$work/slow.xml")" -ge 1

# 2b. the same check through a service: the baseline's boots uploaded there; the candidate's
# (reused, not booted again) uploaded by `check --upload`, and judged by the service
"$BOOTLAB" serve --db "$work/svc.db" --listen 127.0.0.1:0 --token-file "$work/svc.token" >"$work/svc.out" 2>&1 &
svc=$!
for _ in $(seq 100); do grep -q serving "$work/svc.out" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/svc.out")
export BOOTLAB_TOKEN=$(cat "$work/svc.token")
for r in ${a//,/ }; do "$BOOTLAB" log "$r" --db "$db" >"$work/a-$r.log"; done
expect 0 "/runs/" -- import --upload "$url" --experiment baseline --variant a "$work"/a-*.log
out=$("$BOOTLAB" check "$data/experiments/gate-slower.toml" --reuse --upload "$url" --baseline experiment:baseline \
      --alpha 0.02 --db "$db" --cmdline-append "$tagarg" 2>&1); rc=$?
echo "$out" | tail -5
check "through the service: exit 1" test "$rc" -eq 1
check "... the service's verdict: REGRESSION" grep -q "REGRESSION" <<<"$out"
check "... 6 boots uploaded, none booted again" bash -c "grep -q '^6 boots uploaded' <<<'$out' && test \$(sqlite3 '$db' \"SELECT count(*) FROM run WHERE variant = 'slower'\") -eq 6"
check "... the service holds them" test "$(curl -s "$url/api/runs?variant=slower" | jq .total)" -eq 6
kill "$svc"
unset BOOTLAB_TOKEN

# 3. a kernel that no longer boots is a regression, whatever the timings say
expect 1 "REGRESSION: none of the 2 boots reached init" -- check "$data/experiments/gate-slower.toml" --repetitions 2 \
    --baseline "$work/base.json" --db "$db" --cmdline-append "$tagarg rdinit=/nonexistent"
# 4. too few boots to decide
expect 2 "not enough repetitions" -- check --candidate "runs:${b%%,*}" --baseline "runs:$a" --db "$db"
# 5. bad baselines: exit 2, named
expect 2 "$work/nope.json: not a file" -- check --candidate "runs:$b" --baseline "$work/nope.json" --db "$db"
echo '{"format": "something else"}' > "$work/other.json"
expect 2 "other.json: not a bootlab run set" -- check --candidate "runs:$b" --baseline "$work/other.json" --db "$db"
check "no QEMU left" no_qemu_left
finish
