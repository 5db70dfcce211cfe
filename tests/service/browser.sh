# The service's pages in a real browser (Debian's chromium, headless): their scripts run, and the
# DOM they leave is checked against the database and the log; screenshots go to
# build/artifacts/service. usage: browser.sh BOOTLAB DATA_DIR
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || { echo "SKIP: no chromium (apt-get install chromium)"; exit 77; }
shots=$(cd "$(dirname "$BOOTLAB")/.." && pwd)/artifacts/service
mkdir -p "$shots"
browser() { # browser URL: the DOM after the page's scripts ran
    timeout 90 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/chromium" \
        --virtual-time-budget=5000 --window-size=1400,1000 --dump-dom "$1" 2>/dev/null
}
shot() { # shot NAME URL [WIDTH,HEIGHT]
    timeout 90 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/chromium" \
        --virtual-time-budget=5000 --window-size="${3:-1400,1000}" --screenshot="$shots/$1.png" "$2" >/dev/null 2>&1
    check "screenshot $1.png" test -s "$shots/$1.png"
}
start_service web
auth=(-H "Authorization: Bearer $token")
async=$data/debian-6.1-q35-ahci-lsi-e1000-async.log
sync=$data/debian-6.1-q35-ahci-lsi-e1000-scan-sync.log
a=$(curl -s "${auth[@]}" --data-binary @"$async" "$url/api/runs?experiment=web&variant=async" | jq .id)
b=$(curl -s "${auth[@]}" --data-binary @"$sync" "$url/api/runs?experiment=web&variant=scan-sync" | jq .id)
q() { sqlite3 "$db" "$1"; }

# the run list
dom=$(browser "$url/")
check "/ lists both runs" grep -q 'id="run-count">2 runs' <<<"$dom"

# a run page: one bar per stored span
dom=$(browser "$url/runs/$a")
bars=$(grep -o 'class="span [a-z ]*"' <<<"$dom" | wc -l)
same "run page: one bar per stored span" "$bars" "$(q "SELECT count(*) FROM span WHERE run_id = $a")"
same "... which is one per calling line of the log" "$bars" "$(grep -acE '^\[ *[0-9]+\.[0-9]+\] calling  ' "$async")"
same "... async bars = async spans" "$(grep -o 'class="span async[a-z ]*"' <<<"$dom" | wc -l)" \
     "$(q "SELECT count(*) FROM span WHERE run_id = $a AND kind = 'async'")"
same "... one lane per pid (of spans and waits)" "$(grep -o '>pid [0-9]*<' <<<"$dom" | sort -u | wc -l)" \
     "$(q "SELECT count(DISTINCT pid) FROM (SELECT pid FROM span WHERE run_id = $a UNION SELECT pid FROM wait WHERE run_id = $a UNION SELECT 1)")"
# the tooltip of a known span: the slowest one, linked as #span=SEQ
IFS='|' read -r seq fn module cookie pid dur <<<"$(q "SELECT seq, function, ifnull(module, ''), ifnull(cookie, ''), pid, duration_us
    FROM span_named WHERE run_id = $a ORDER BY duration_us DESC LIMIT 1")"
tip=$(browser "$url/runs/$a#span=$seq" | tr -d '\n' | grep -o 'id="tooltip"[^>]*>[^<]*')
want_dur=$(awk -v d="$dur" 'BEGIN { printf "duration %.3f ms", d / 1000 }')
check "tooltip of span $seq names $fn${module:+ [$module]}" grep -qF "$fn${module:+ [$module]}" <<<"$tip"
check "... its pid $pid and $want_dur" bash -c "grep -qF 'pid $pid' <<<'$tip' && grep -qF '$want_dur' <<<'$tip'"
[ -n "$cookie" ] && check "... its cookie #$cookie" grep -qF "cookie #$cookie" <<<"$tip"
check "... and is shown" bash -c "! grep -q 'hidden' <<<'${tip%%>*}'"
# search: the count of spans whose function or module contains the text
for word in ahci sd_probe usb; do
    want=$(q "SELECT count(*) FROM span_named WHERE run_id = $a AND (instr(lower(function), '$word') OR instr(lower(ifnull(module, '')), '$word'))")
    got=$(browser "$url/runs/$a#q=$word" | grep -o 'id="search-count">[0-9]*' | grep -o '[0-9]*$')
    same "search '$word' highlights the spans that match" "$got" "$want"
    same "... as many as the log's calling lines name" "$got" "$(grep -aE '^\[ *[0-9]+\.[0-9]+\] calling  ' "$async" | grep -ci "$word")"
done

# the critical path of a boot whose answer is known (tests/data/critical-path.log): outlined in
# the timeline, listed in the table, and the same through the API
c=$(curl -s "${auth[@]}" --data-binary @"$data/critical-path.log" "$url/api/runs?experiment=cp&variant=hand" | jq .id)
dom=$(browser "$url/runs/$c")
same "critical path: a_init, b_init and slow_async outlined, c_init not" "$(grep -o 'class="span [a-z ]*critical"' <<<"$dom" | wc -l)" 3
check "... the table names the wait" grep -qF "slow_async (async #1), pid 1 waited 0.400100 s for it" <<<"$dom"
same "... the API's links" "$(curl -s "$url/api/runs/$c/critical-path" | jq -c '[.links[] | [.kind, .pid, .start_us, .end_us, .function]]')" \
     '[["gap",1,0,100000,null],["span",1,100000,200000,"a_init"],["span",1,200000,300000,"b_init"],["span",10,300000,1000000,"slow_async"],["gap",1,1000000,1050000,null]]'

# the compare page: both boots, on one scale
dom=$(browser "$url/compare?a=$a&b=$b")
same "compare: two timelines" "$(grep -o 'class="timeline"' <<<"$dom" | wc -l)" 2
same "... with every span of both boots" "$(grep -o 'class="span [a-z ]*"' <<<"$dom" | wc -l)" \
     "$(q "SELECT count(*) FROM span WHERE run_id IN ($a, $b)")"
check "... and the per-function table" grep -q 'do_scan_async \[scsi_mod\]' <<<"$dom"

# the experiment report and history render
check "experiment page: the report" grep -q 'Boot-to-init per variant' <<<"$(browser "$url/experiments/$(q "SELECT experiment_id FROM run WHERE id = $a")")"
check "history: a point per boot, linked" grep -q "href=\"/runs/$b\"" <<<"$(browser "$url/history?experiment=web")"

shot 1-index "$url/"
shot 2-run "$url/runs/$a"
shot 2b-run-critical-path "$url/runs/$a" 1400,2200
shot 3-run-span "$url/runs/$a#span=$seq"
shot 4-run-search "$url/runs/$a#q=ahci"
shot 5-compare "$url/compare?a=$a&b=$b"
shot 6-history "$url/history?experiment=web&function=do_scan_async%20%5Bscsi_mod%5D"
shot 7-experiment "$url/experiments/$(q "SELECT experiment_id FROM run WHERE id = $b")"
finish
