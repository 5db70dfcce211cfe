# The service's API against a real `bootlab serve` on loopback, with curl: uploads round-trip to
# the same spans `bootlab import` stores, auth, limits, hostile requests, the gate.
# usage: api.sh BOOTLAB DATA_DIR
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
log=$data/debian-6.1-q35-ahci-lsi-e1000-async.log
start_service main --timeout 2 --max-body-mb 8
auth=(-H "Authorization: Bearer $token")

# --- token file: made 0600 with a random token
check "token file is 0600" test "$(stat -c %a "$work/main.token")" = 600
check "token is 64 hex digits" grep -qE '^[0-9a-f]{64}$' "$work/main.token"

# --- round trip: an upload stores what `bootlab import` stores from the same file
out=$(curl -s "${auth[@]}" --data-binary @"$log" "$url/api/runs?experiment=ci&variant=async&host=box1&kernel=k1")
id=$(jq -r .id <<<"$out")
same "upload answers the new run's id" "$(jq -r .url <<<"$out")" "/runs/$id"
"$BOOTLAB" import "$log" --db "$work/local.db" >/dev/null
spans() { jq -c '[.spans[] | [.function, .module, .cookie, .pid, .start_us, .duration_us, .ret]] | sort'; }
curl -s "$url/api/runs/$id" | spans >"$work/served.json"
"$BOOTLAB" show 1 --all --json --db "$work/local.db" | spans >"$work/local.json"
check "GET /api/runs/ID has the spans bootlab import stores ($(jq length "$work/local.json"))" cmp -s "$work/served.json" "$work/local.json"
want=$(grep -acE '^\[ *[0-9]+\.[0-9]+\] calling  ' "$log")
same "spans uploaded = calling lines of the log" "$(jq length "$work/served.json")" "$want"
"$BOOTLAB" show "$id" --all --json --db "$db" | spans >"$work/cli.json"
check "... and what bootlab show --json prints of the service's database" cmp -s "$work/served.json" "$work/cli.json"
same "metadata stored (host, kernel series)" "$(curl -s "$url/api/runs/$id" | jq -r '.host + " " + .experiment + " " + .variant')" "box1 ci async"
same "kernel:k1 selects it" "$(curl -s "$url/api/runs?kernel=k1" | jq .total)" 1
# multipart, into the same experiment
eid=$(jq -r .experiment_id <<<"$out")
out2=$(curl -s "${auth[@]}" -F log=@"$log" -F variant=async -F experiment_id="$eid" "$url/api/runs")
same "multipart upload lands in the experiment given" "$(jq -r .experiment_id <<<"$out2")" "$eid"
same "raw log download is the bytes uploaded" "$(curl -s "$url/runs/$id/log" | sha256sum)" "$(sha256sum <"$log")"
same "CSV download: a row per span" "$(($(curl -s "$url/runs/$id/spans.csv" | wc -l) - 1))" "$want"
check "SVG download is XML" bash -c "curl -s '$url/runs/$id/timeline.svg' | xmllint --noout -"
check "Perfetto download is JSON" bash -c "curl -s '$url/runs/$id/trace.json' | jq -e .traceEvents >/dev/null"
# CLI uploader
BOOTLAB_TOKEN=$token expect 0 "/runs/" -- import --upload "$url" "$data/async-lab-no-fastboot.log" --variant cli
runs=$(curl -s "$url/api/runs" | jq .total)
same "three runs stored" "$runs" 3

# --- auth
same "upload without a token: 401" "$(code --data-binary @"$log" "$url/api/runs")" 401
same "upload with a wrong token: 403" "$(code -H 'Authorization: Bearer 0123456789abcdef0123' --data-binary @"$log" "$url/api/runs")" 403
same "check without a token: 401" "$(code -d '{}' "$url/api/check")" 401
same "reads need no token on loopback" "$(code "$url/api/runs")" 200
same "nothing stored by refused writes" "$(curl -s "$url/api/runs" | jq .total)" "$runs"
start_service private --reads token
same "--reads token: a read without it is 401" "$(code "$url/")" 401
same "--reads token: with the header, 200" "$(code -H "Authorization: Bearer $token" "$url/")" 200
same "a browser's ?token= sets a cookie and redirects (303)" "$(code -c "$work/jar" "$url/runs/1?token=$token")" 303
check "the cookie is HttpOnly" grep -q '#HttpOnly_127.0.0.1' "$work/jar"
same "the cookie opens reads" "$(code -b "$work/jar" "$url/api/runs")" 200
same "the cookie does not open writes" "$(code -b "$work/jar" --data-binary @"$log" "$url/api/runs")" 401
start_service main2 --timeout 2 --max-body-mb 1 --max-connections 4
auth=(-H "Authorization: Bearer $token")

# --- bad input: a clear 4xx with a JSON error, nothing stored, the server stays up
printf 'hello\nthis is not a kernel log\n' >"$work/notalog.txt"
out=$(curl -s "${auth[@]}" --data-binary @"$work/notalog.txt" "$url/api/runs")
check "a log that is not a boot log: a JSON error ($out)" bash -c "jq -e '.error | test(\"initcall\")' <<<'$out' >/dev/null"
same "... status 400" "$(code "${auth[@]}" --data-binary @"$work/notalog.txt" "$url/api/runs")" 400
same "... nothing stored" "$(curl -s "$url/api/runs" | jq .total)" 0
same "an empty body: 400" "$(code "${auth[@]}" -X POST "$url/api/runs")" 400
same "multipart without the log field: 400" "$(code "${auth[@]}" -F variant=x "$url/api/runs")" 400
same "a truncated multipart body: 400" "$(code "${auth[@]}" -H 'Content-Type: multipart/form-data; boundary=XX' --data-binary $'--XX\r\nContent-Disposition: form-data; name="log"\r\n\r\nabc' "$url/api/runs")" 400
same "a variant with a newline: 400" "$(code "${auth[@]}" --data-binary @"$log" "$url/api/runs?variant=a%0Ab")" 400
same "no such run: 404" "$(code "$url/api/runs/999")" 404
same "... saying so without the server's path" "$(curl -s "$url/api/runs/999" | jq -r .error)" "run 999: no such run in the database"
same "no such page: 404" "$(code "$url/nothing/here")" 404
same "DELETE: 405" "$(code -X DELETE "$url/api/runs/1")" 405
same "a broken percent-encoding: 400" "$(code "$url/runs/%zz")" 400

# --- limits
head -c $((2 << 20)) /dev/zero | tr '\0' 'x' >"$work/big"
same "a body over --max-body-mb: 413" "$(code "${auth[@]}" --data-binary @"$work/big" "$url/api/runs")" 413
same "a header over 16 KiB: 431" "$(code -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "$url/")" 431
# malformed HTTP, straight on a socket
exec 3<>/dev/tcp/127.0.0.1/"${url##*:}"
printf 'THIS IS NOT HTTP\r\n\r\n' >&3
reply=$(timeout 5 head -1 <&3)
exec 3>&-
check "bytes that are not HTTP: 400 ($reply)" grep -q ' 400 ' <<<"$reply"
# a slow client: half a request line, then nothing; --timeout 2 closes it
exec 3<>/dev/tcp/127.0.0.1/"${url##*:}"
printf 'GET / HTTP/1.1\r\nHost: x\r\n' >&3
start=$(date +%s%N)
timeout 10 cat <&3 >/dev/null
took=$(( ($(date +%s%N) - start) / 1000000 ))
exec 3>&-
check "a stalled request is closed after the 2 s timeout (${took} ms)" test "$took" -ge 1500 -a "$took" -lt 8000
# a cap on connections: 4 idle connections held, the 5th is told 503 at once
for k in 1 2 3 4; do eval "exec $((3 + k))<>/dev/tcp/127.0.0.1/${url##*:}"; done
sleep 0.3
same "over --max-connections: 503" "$(code "$url/")" 503
for k in 1 2 3 4; do eval "exec $((3 + k))>&-"; done
sleep 2.5 # the held connections time out
same "and served again once they close" "$(code "$url/")" 200

# --- hostile values are escaped where they are shown
curl -s "${auth[@]}" --data-binary @"$log" "$url/api/runs?variant=%3Cscript%3Ealert(1)%3C%2Fscript%3E&experiment=x%22%3E%3Cimg" >/dev/null
page=$(curl -s "$url/")
check "a variant that is HTML is escaped on the run list" bash -c "grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' <<<'$page' && ! grep -qF '<script>alert' <<<'$page'"
check "... and on the run page" bash -c "curl -s '$url/runs/1' | grep -qF '&lt;script&gt;alert(1)'"
check "... and in the experiment report" bash -c "curl -s '$url/experiments/1' | grep -qF '&lt;script&gt;alert(1)'"
hdr=$(curl -s -D - -o /dev/null "$url/runs/1")
check "pages carry a Content-Security-Policy without inline scripts" bash -c "grep -qi \"^content-security-policy: default-src 'none'; script-src 'self';\" <<<\"$hdr\""
check "... and nosniff" grep -qi '^x-content-type-options: nosniff' <<<"$hdr"
# --- no path from a request reaches the filesystem
same "/static/../../etc/passwd: 404" "$(code --path-as-is "$url/static/../../etc/passwd")" 404
same "/static/%2e%2e%2fetc%2fpasswd: 404" "$(code "$url/static/%2e%2e%2fetc%2fpasswd")" 404
same "the stylesheet is served" "$(code "$url/static/bootlab.css")" 200
same "compare with a path as a selector: 400, not read" "$(code "$url/api/compare?a=1&b=/etc/passwd")" 400
out=$(curl -s "${auth[@]}" -d '{"candidate": "runs:1", "baseline": "/etc/passwd"}' "$url/api/check")
check "check with a path as baseline: refused ($out)" bash -c "jq -e '.error | test(\"not experiment\") or test(\"expected\") or test(\"selector\") or test(\"passwd\")' <<<'$out' >/dev/null"
check "... without reading it" bash -c "! grep -q 'root:' <<<'$out'"

# --- the gate over stored runs: the same boot 5 times a side is no regression
for side in base cand; do # the first upload makes the experiment, the others join it
    e=$(curl -s "${auth[@]}" --data-binary @"$data/async-lab-slowprobe-async.log" "$url/api/runs?experiment=$side&variant=v" | jq .experiment_id)
    for i in 2 3 4 5; do
        curl -s "${auth[@]}" --data-binary @"$data/async-lab-slowprobe-async.log" "$url/api/runs?experiment_id=$e&variant=v" >/dev/null
    done
done
out=$(curl -s "${auth[@]}" -d '{"candidate": "experiment:cand", "baseline": "experiment:base"}' "$url/api/check")
same "POST /api/check: identical boots are no regression" "$(jq -r .verdict <<<"$out")" ok
same "... 5 boots a side compared" "$(jq -r '.metrics[0].n_baseline + .metrics[0].n_candidate' <<<"$out")" 10
same "... a link to the candidate's report" "$(jq -r .report <<<"$out")" "/experiments/$(curl -s "$url/api/runs?experiment=cand" | jq '.runs[0].experiment_id')"
same "POST /api/check ?format=junit is JUnit XML" "$(curl -s "${auth[@]}" -d '{"candidate": "experiment:cand", "baseline": "experiment:base"}' "$url/api/check?format=junit" | xmllint --xpath 'name(/*)' -)" testsuites
same "check of a selector that selects nothing: 404" "$(code "${auth[@]}" -d '{"candidate": "experiment:none", "baseline": "experiment:base"}' "$url/api/check")" 404
same "check with a body that is not JSON: 400" "$(code "${auth[@]}" -d 'nope' "$url/api/check")" 400

# --- a client that disconnects mid-upload leaves nothing, and the database whole
before=$(curl -s "$url/api/runs" | jq .total)
head -c 900000 "$log" >"$work/part.log"; cat "$log" >>"$work/part.log"
timeout 1 curl -s "${auth[@]}" --limit-rate 100K --data-binary @"$work/part.log" "$url/api/runs" >/dev/null
same "an upload cut off: nothing stored" "$(curl -s "$url/api/runs" | jq .total)" "$before"
same "database integrity" "$(sqlite3 "$db" 'PRAGMA integrity_check')" ok

# --- reads while uploads write: never "database is locked"
start_service load
auth=(-H "Authorization: Bearer $token")
uploads=()
for k in 1 2 3 4 5 6; do curl -s "${auth[@]}" --data-binary @"$log" "$url/api/runs?experiment=load" -o "$work/up$k" & uploads+=($!); done
bad=0
for k in $(seq 40); do c=$(code "$url/api/runs?experiment=load"); [ "$c" = 200 ] || bad=$((bad + 1)); done
wait "${uploads[@]}"
same "40 reads during 6 uploads: all 200" "$bad" 0
same "6 uploads stored" "$(curl -s "$url/api/runs?experiment=load" | jq .total)" 6
check "the server is still up" kill -0 "$pid"

# --- the server killed (SIGKILL) while uploads are being stored: the database stays whole, and
# every run in it is complete; a restarted server serves it
for k in 1 2 3 4 5 6 7 8; do curl -s "${auth[@]}" --data-binary @"$log" "$url/api/runs?experiment=killed" -o /dev/null & done
sleep 0.05 # some stored, some not
kill -9 "$pid"
wait "$pid" 2>/dev/null
sleep 0.5
same "after SIGKILL: integrity" "$(sqlite3 "$db" 'PRAGMA integrity_check')" ok
stored=$(sqlite3 "$db" "SELECT count(*) FROM run r JOIN experiment e ON e.id = r.experiment_id WHERE e.name = 'killed'")
complete=$(sqlite3 "$db" "SELECT count(*) FROM run r JOIN experiment e ON e.id = r.experiment_id WHERE e.name = 'killed'
                          AND (SELECT count(*) FROM span s WHERE s.run_id = r.id) = $want")
same "after SIGKILL: each of the $stored stored uploads has all its $want spans" "$complete" "$stored"
"$BOOTLAB" serve --db "$db" --listen 127.0.0.1:0 --token-file "$work/load.token" >"$work/again.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q serving "$work/again.out" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/again.out")
same "restarted on the same database: it serves the runs" "$(curl -s "$url/api/runs?experiment=load" | jq .total)" 6
finish
