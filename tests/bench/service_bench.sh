#!/bin/bash
# The service under load (loopback only, bounded): requests/s and p50/p99 latency of a run page,
# the runs API and /history on a database of many boots, with uploads running at the same
# time; and nginx serving the same run page saved as a static file, as the physical reference
# of this machine, measured in the same run. wrk makes the load.
# Targets: a run page within 3x of nginx's static serving; p99 under 50 ms for every page;
# no failed request.
#   service_bench.sh BOOTLAB MAKE_HISTORY_DB DATA_DIR [RUNS=10000] [SECONDS=10] [CONNECTIONS=16]
set -u
BOOTLAB=$1 MAKEDB=$2 data=$3 runs=${4:-10000} secs=${5:-10} conns=${6:-16}
command -v wrk >/dev/null || { echo "SKIP: no wrk (apt-get install wrk)"; exit 77; }
work=$(mktemp -d /tmp/bootlab-bench-XXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
log=$data/debian-6.1-q35-ahci-lsi-e1000-async.log

# the database: kept beside the binary between runs, it takes a minute to build
cache=$(dirname "$MAKEDB")/bench-service-$runs.db
if [ ! -s "$cache" ]; then
    echo "building a database of $runs boots (kept as $cache)"
    "$MAKEDB" "$cache.tmp" "$runs" "$log" && mv "$cache.tmp" "$cache" || exit 1
fi
cp "$cache" "$work/b.db"
"$BOOTLAB" serve --db "$work/b.db" --listen 127.0.0.1:0 --token-file "$work/token" >"$work/serve.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q serving "$work/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out")
[ -n "$url" ] || { cat "$work/serve.out"; exit 1; }
run=$(sqlite3 "$work/b.db" "SELECT run_id FROM span GROUP BY run_id ORDER BY count(*) DESC LIMIT 1")
spans=$(sqlite3 "$work/b.db" "SELECT count(*) FROM span WHERE run_id = $run")
experiment=$(sqlite3 "$work/b.db" "SELECT e.name FROM run r JOIN experiment e ON e.id = r.experiment_id WHERE r.id = $run")

# nginx with the run page as a file, on another loopback port
mkdir -p "$work/www" "$work/nginx"
chmod 755 "$work" "$work/www" # nginx's workers run as another user when started as root
curl -s "$url/runs/$run" >"$work/www/run.html"
chmod 644 "$work/www/run.html"
nginx_url=
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    for try in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 30000))
        cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    default_type text/html;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
    uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    server { listen 127.0.0.1:$port; root $work/www; }
}
CONF
        "$NGINX" -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>>"$work/nginx/start.log" &
        pids+=($!)
        sleep 0.5
        if curl -sf -o /dev/null "http://127.0.0.1:$port/run.html"; then nginx_url=http://127.0.0.1:$port; break; fi
    done
fi

# uploads while the pages are read: one after another, as long as the measurements last
token=$(cat "$work/token")
touch "$work/uploading"
( ok=0 failed=0
  while [ -e "$work/uploading" ]; do
      c=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" --data-binary @"$log" \
          "$url/api/runs?experiment=load&variant=upload")
      [ "$c" = 201 ] && ok=$((ok + 1)) || failed=$((failed + 1))
      echo "$ok $failed" >"$work/uploads"
  done ) &
pids+=($!)

ms() { # wrk's "1.23ms" / "456.00us" / "1.02s" in ms
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/) n *= 1000; printf "%.2f", n }'
}
declare -A RPS P50 P99 FAILED
measure() { # measure NAME URL
    local out
    out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$2" 2>&1)
    RPS[$1]=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
    P50[$1]=$(ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    P99[$1]=$(ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    local non2xx errors
    non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
    errors=$(awk -F'[ ,]+' '/Socket errors/ { print $4 + $6 + $8 + $10 }' <<<"$out")
    FAILED[$1]=$(( ${non2xx:-0} + ${errors:-0} ))
    printf '  %-26s %10s req/s   p50 %8s ms   p99 %8s ms   failed %s\n' "$1" "${RPS[$1]}" "${P50[$1]}" "${P99[$1]}" "${FAILED[$1]}"
}
echo "database: $runs boots; run page: run $run, $spans spans, $(wc -c <"$work/www/run.html") bytes"
echo "wrk: 2 threads, $conns connections, ${secs} s each; uploads of a $(wc -c <"$log")-byte log all the while"
# The run page against nginx, alternating rounds: other load on the machine (a kernel build in
# another test, say) then weighs on both sides alike, as it would not on two runs one after the
# other. The ratio is of the requests/s summed over the rounds.
nginx_sum=0 bootlab_sum=0
for round in 1 2 3; do
    if [ -n "$nginx_url" ]; then
        measure "nginx: run page (static)" "$nginx_url/run.html"
        nginx_sum=$(awk -v a="$nginx_sum" -v b="${RPS["nginx: run page (static)"]}" 'BEGIN { print a + b }')
    elif [ $round = 1 ]; then
        echo "  nginx: not installed or would not start: no reference"
    fi
    measure "bootlab: run page" "$url/runs/$run"
    bootlab_sum=$(awk -v a="$bootlab_sum" -v b="${RPS["bootlab: run page"]}" 'BEGIN { print a + b }')
    [ "${FAILED["bootlab: run page"]}" = 0 ] || page_failed=1
done
measure "bootlab: /api/runs" "$url/api/runs"
measure "bootlab: /api/runs/ID" "$url/api/runs/$run"
measure "bootlab: /history" "$url/history?experiment=$experiment"
measure "bootlab: / (run list)" "$url/"
rm -f "$work/uploading"
sleep 1
read -r up_ok up_failed <"$work/uploads"
echo "uploads during the measurements: $up_ok stored, $up_failed failed"

status=0
if [ -n "$nginx_url" ]; then
    ratio=$(awk -v n="$nginx_sum" -v b="$bootlab_sum" 'BEGIN { printf "%.2f", n / b }')
    echo "run page: nginx serves it ${ratio}x as fast as bootlab over 3 alternating rounds (target: within 3x)"
    awk -v r="$ratio" 'BEGIN { exit !(r > 3) }' && { echo "MISSED: run page slower than 3x nginx"; status=1; }
fi
for k in "bootlab: run page" "bootlab: /api/runs" "bootlab: /api/runs/ID" "bootlab: /history" "bootlab: / (run list)"; do
    awk -v p="${P99[$k]}" 'BEGIN { exit !(p > 50) }' && { echo "MISSED: $k p99 ${P99[$k]} ms > 50 ms"; status=1; }
    [ "${FAILED[$k]}" = 0 ] || { echo "MISSED: $k: ${FAILED[$k]} failed requests"; status=1; }
done
[ -z "${page_failed:-}" ] || { echo "MISSED: failed requests for the run page in an earlier round"; status=1; }
[ "$up_failed" = 0 ] || { echo "MISSED: $up_failed uploads failed"; status=1; }
[ $status = 0 ] && echo "all targets met"
exit $status
