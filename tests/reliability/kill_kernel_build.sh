# SIGKILL during `bootlab kernel build --force` of kernel-patches/async-lab (built by the
# kernel.build test): the cached kernel stays the old one, whole, at every moment; nothing
# half-built ever counts as built; and the next build repairs the object tree a make killed
# while compiling was writing (files newer than its "compiling" mark are redone) and succeeds.
# The first kill lands at a random moment; the last one while make runs.
# usage: kill_kernel_build.sh BOOTLAB DATA_DIR [TRIALS]
BOOTLAB=$1 data=$2 trials=${3:-3}
source "$(dirname "$0")/../cli/lib.sh"
seed=${BOOTLAB_KILL_SEED:-$$}; RANDOM=$seed
echo "BOOTLAB_KILL_SEED=$seed repeats these moments"
cache=${BOOTLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bootlab}
out=$("$BOOTLAB" kernel build async-lab 2>/dev/null) || { echo "FAIL: async-lab is not built (kernel.build)"; exit 1; }
image=$(sed -n 's/^image *//p' <<<"$out")
entry=$(dirname "$(dirname "$(dirname "$image")")")   # kernels/series-async-lab-KEY
whole() { # the entry is the old one and whole: its image hashes to what it says
    [ -f "$entry/image.sha256" ] && [ "$(sha256sum < "$image" | cut -d' ' -f1)" = "$(cat "$entry/image.sha256")" ]
}
wait_orphans() { # a killed make's compilers finish on their own: wait for them (60 s at most)
    for _ in $(seq 120); do pgrep -f "work-async-lab" >/dev/null || return 0; sleep 0.5; done
}
for trial in $(seq "$trials"); do
    "$BOOTLAB" kernel build async-lab --force > "$work/build.out" 2>&1 & pid=$!
    if [ "$trial" -lt "$trials" ]; then
        delay=$(( RANDOM % 30 + 1 ))
        sleep "$delay"
    else # while make compiles: a few seconds after it says it is building
        for delay in $(seq 600); do grep -q "building async-lab with make" "$work/build.out" && break; sleep 0.1; done
        sleep $(( RANDOM % 5 + 1 )); delay="$((delay / 10)) s + a few"
    fi
    kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null
    wait_orphans
    check "trial $trial: killed after $delay s ($(tail -1 "$work/build.out" | cut -c1-50)): the cached kernel is whole" whole
done
check "the build killed while compiling left its mark" test -f "$cache/kernels/work-async-lab/compiling"
"$BOOTLAB" kernel build async-lab --force > "$work/final.out" 2>&1; rc=$?
check "the build after the kills succeeds (exit $rc)" test "$rc" -eq 0
check "... and says it redid what the killed make was writing" grep -q "was killed while compiling" "$work/final.out"
check "the rebuilt kernel is whole" whole
check "its mark is gone" test ! -e "$cache/kernels/work-async-lab/compiling"
check "no staging or replaced entries left" test -z "$(ls -d "$entry".tmp-* "$entry".old-* 2>/dev/null)"
finish
