# The README's CI recipes, run exactly as written (each command is checked to be in README.md,
# so an edit there that this test does not follow fails it): make a baseline on the reference
# branch, check against that file, check against experiment:default (the candidate's own new
# experiment must never be its baseline: it once answered "no ok runs to compare with"), and
# let a service judge an upload. They run in a directory of their own where
# lab/experiments/default.toml is a one-variant, one-disk experiment named default (the real
# one's 13 boots per command would take minutes each) and build/bin/bootlab is this bootlab.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
readme=$(cd "$(dirname "$0")/../.." && pwd)/README.md
mkdir -p "$work/ci/lab/experiments" "$work/ci/build/bin" "$work/ci/ci" "$work/bin"
ln -s "$BOOTLAB" "$work/ci/build/bin/bootlab"
ln -s "$BOOTLAB" "$work/bin/bootlab"
cat > "$work/ci/lab/experiments/default.toml" <<TOML
name = "default"
repetitions = 3
[machine]
timeout = 240
[hardware]
sata = ["ahci:1"]
[flags]
cmdline = "$tagarg"
[variants.async]
TOML
export PATH=$work/bin:$PATH BOOTLAB_DB=$work/ci.db
cd "$work/ci"
flat() { tr -s ' \n\\' ' ' | sed 's/ *$//'; } # a command as one line, as a shell joins it
in_readme() { # the command, as written in README.md (line breaks and YAML folding aside)
    local cmd
    cmd=$(printf '%s' "$1" | flat)
    if flat <"$readme" | grep -qF -- "$cmd"; then echo "ok: in README.md: $cmd"; else
        echo "FAIL: not in README.md (as written): $cmd"; fails=$((fails + 1)); fi
}
runs() { sqlite3 -batch -noheader "$BOOTLAB_DB" "$1"; }

# 1. the baseline, made once on the reference branch
baseline='bootlab run lab/experiments/default.toml --repetitions 6 && bootlab export --select
experiment:default --format runs -o ci/baseline.json'
in_readme "$baseline"
bash -c "$(printf '%s' "$baseline" | flat)" >"$work/base.out" 2>&1
check "the baseline recipe: 6 ok boots in experiment 1, exported" \
    test "$(runs "SELECT count(*) FROM run WHERE experiment_id = 1 AND status = 'ok'")" -eq 6 -a -s ci/baseline.json

judged() { # judged NAME OUT RC: a verdict reached (0 or 1), against the baseline, not itself
    local name=$1 out=$2 rc=$3
    check "$name: a verdict (exit $rc: 0 or 1, not 2)" test "$rc" -le 1
    check "$name: no 'no ok runs to compare with'" bash -c "! grep -q 'no ok runs to compare with' <<<'$out'"
}

# 2. the GitHub Actions job: against the committed file
github='build/bin/bootlab check lab/experiments/default.toml --repetitions 6
          --baseline ci/baseline.json --max-regression 3%
          --junit bootlab-junit.xml --report bootlab-report.html'
in_readme "$github"
out=$(bash -c "$(printf '%s' "$github" | flat)" 2>&1); rc=$?
judged "GitHub Actions" "$out" $rc
check "... 6 new boots, in experiment 2" test "$(runs "SELECT count(*) FROM run WHERE experiment_id = 2")" -eq 6
check "... JUnit and report written" test -s bootlab-junit.xml -a -s bootlab-report.html
check "... JUnit is well-formed" xmllint --noout bootlab-junit.xml
# GitLab's job and the gate section's example are this command with other output names (and
# GitLab's without --max-regression, the same default): checked to be so, not booted again
gitlab='build/bin/bootlab check lab/experiments/default.toml --repetitions 6
        --baseline ci/baseline.json --junit bootlab-junit.xml --report bootlab-report.html'
gate='bootlab check lab/experiments/default.toml --baseline baseline.json --max-regression 3% \
    --repetitions 6 --junit junit.xml --report report.html'
in_readme "$gitlab"
in_readme "$gate"
args() { printf '%s' "$1" | flat | tr ' ' '\n' | sed 's|^ci/||' |
         grep -vE '^(build/bin/)?bootlab$|xml$|html$|^--(junit|report|max-regression)$|%$' | sort | tr '\n' ' '; }
check "GitLab's and the gate section's commands select and boot as GitHub's does" \
    test "$(args "$github")" = "$(args "$gitlab")" -a "$(args "$gate")" = "$(args "$github")"

# 3. against the newest stored experiment of the name: the baseline's, never the candidate's own
by_name='bootlab check lab/experiments/default.toml --baseline experiment:default --repetitions 6 --junit junit.xml --report report.html'
out=$(bash -c "$by_name" 2>&1); rc=$?
echo "$out" | grep -E "^(baseline|candidate|verdict)" | sed 's/^/   /'
judged "experiment:default" "$out" $rc
check "... the baseline is the newest experiment of the name other than its own (id 2)" \
    grep -qE "^baseline: +experiment default \(id 2\)" <<<"$out"
check "... the candidate is its own new experiment (id 3)" grep -qE "^candidate: +experiment default \(id 3\)" <<<"$out"
# an experiment:ID that is the candidate's own is refused, as are boots of no other experiment
expect 2 "experiment:4: that is the candidate's own experiment" -- check lab/experiments/default.toml \
    --repetitions 1 --baseline experiment:4
sqlite3 "$work/alone.db" "VACUUM"
BOOTLAB_DB=$work/alone.db expect 2 "the only experiment named 'default' is the candidate's own" -- check \
    lab/experiments/default.toml --repetitions 1 --baseline experiment:default

# 4. the service judges an upload against the baseline it holds (the baseline's boots, uploaded
#    to it as experiment default)
"$BOOTLAB" serve --db "$work/svc.db" --listen 127.0.0.1:0 --token-file "$work/svc.token" >"$work/svc.out" 2>&1 &
svc=$!
trap 'kill $svc 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q serving "$work/svc.out" && break; sleep 0.1; done
BOOTLAB_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/svc.out")
export BOOTLAB_URL BOOTLAB_TOKEN=$(cat "$work/svc.token")
for r in $(runs "SELECT id FROM run WHERE experiment_id = 1"); do "$BOOTLAB" log "$r" >"$work/base-$r.log"; done
expect 0 "/runs/" -- import --upload "$BOOTLAB_URL" --experiment default --variant async "$work"/base-*.log
upload='build/bin/bootlab check lab/experiments/default.toml --upload "$BOOTLAB_URL"
         --baseline experiment:default --junit boot.xml'
in_readme "$upload"
out=$(bash -c "$(printf '%s' "$upload" | flat)" 2>&1); rc=$?
echo "$out" | grep -E "uploaded|^(baseline|candidate|verdict)" | sed 's/^/   /'
judged "--upload" "$out" $rc
check "... 3 boots uploaded (the file's repetitions)" grep -q "^3 boots uploaded" <<<"$out"
check "... the service compared with the baseline it holds (id 1), not the upload (id 2)" \
    bash -c "grep -qE '^baseline: +experiment default \(id 1\)' <<<'$out' && grep -qE '^candidate: +experiment default \(id 2\)' <<<'$out'"
check "... JUnit written" test -s boot.xml
check "no QEMU left" no_qemu_left
finish
