# Helpers for CLI tests: run the real bootlab binary, check exit codes and messages.
# usage: source lib.sh; BOOTLAB=path; expect RC "text in stderr" -- args...
set -u
fails=0
work=$(mktemp -d /tmp/bootlab-cli-XXXX)
trap 'rm -rf "$work"' EXIT
export BOOTLAB_DB=$work/default.db
expect() { # expect RC NEEDLE -- ARGS...: exit code RC and NEEDLE in stdout+stderr
    local want=$1 needle=$2; shift 3
    local out rc
    out=$("$BOOTLAB" "$@" 2>&1); rc=$?
    printf '%s\n' "$out" >"$work/last.out" # for checks of more than one needle
    if [ "$rc" != "$want" ] || ! grep -qF -- "$needle" <<<"$out"; then
        echo "FAIL: bootlab $* -> exit $rc (want $want), output:"; echo "$out" | head -5
        echo "      expected to contain: $needle"; fails=$((fails + 1))
    else
        echo "ok: bootlab $* -> $rc"
    fi
}
check() { # check DESCRIPTION COMMAND...: the command must succeed
    local what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
finish() { [ "$fails" -eq 0 ] && echo "all passed" || { echo "$fails failed"; exit 1; }; }
