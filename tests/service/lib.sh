# Helpers for service tests: a real `bootlab serve` on a free loopback port, stopped on exit.
# usage: source lib.sh; start_service NAME [serve options...]; then $url, $token, $db
source "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
start_service() { # start_service NAME [options]: sets url, token (the token file's), db, pid
    local name=$1; shift
    db=$work/$name.db
    "$BOOTLAB" serve --db "$db" --listen 127.0.0.1:0 --token-file "$work/$name.token" "$@" >"$work/$name.out" 2>&1 &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 100); do grep -q 'serving' "$work/$name.out" 2>/dev/null && break; sleep 0.1; done
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/$name.out" | head -1)
    if [ -z "$url" ]; then echo "FAIL: bootlab serve did not start:"; cat "$work/$name.out"; exit 1; fi
    token=$(cat "$work/$name.token")
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; } # the HTTP status of a request
same() { # same DESCRIPTION A B: equal strings
    if [ "$2" == "$3" ]; then echo "ok: $1 ($2)"; else echo "FAIL: $1: '$2' != '$3'"; fails=$((fails + 1)); fi
}
