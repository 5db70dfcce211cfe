# bootlab bisect on real builds and boots: tests/data/bisect-demo is 4 patches on top of
# async-lab of which exactly patch 3 sleeps 300 ms in an initcall (chr_dev_init). Bisect must
# name patch 3; the same answer must follow from the stored boots of every step (init-done of the
# step's own kernel against the good end's, read from the database); a range with no slower patch
# says so; a step that does not build is skipped and bisection goes on around it; a second
# bisect reuses the stored steps; bad arguments are clear errors. Steps boot deterministically
# (tests/data/experiments/bisect.toml: 2 boots a side decide exactly). Each step's build is an
# incremental build in async-lab's object tree (about 25 s).
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
exp=$data/experiments/bisect.toml
series=$data/bisect-demo
bisect() { expect "$@" --experiment "$exp" --db "$db" --jobs 2 --cmdline-append "$tagarg"; }

# 1. the series: patch 3 is the culprit
bisect 1 "first slower: bisect-demo@3, patch 3 of 4" -- bisect "$series"
cp "$work/last.out" "$work/first.out"; cat "$work/first.out" | grep -v '^\[' | grep -v '^  [a-z]' | head -40
check "it names the patch file and its subject" grep -q "0003-mem-wait-300-ms.*" "$work/first.out"
check "the bad end first, then halving: steps @4, @2, @3" grep -q "^steps: @4 SLOWER, @2 same, @3 SLOWER$" "$work/first.out"
check "the culprit's evidence is the sleeping initcall" grep -q "chr_dev_init.*REGRESSION" "$work/first.out"
check "the cost per step is printed" grep -q "^cost: 3 steps, builds .*, 12 boots in" "$work/first.out"
# every step is an ordinary experiment: both kernels, interleaved, 2 boots each
check "three step experiments, 4 ok boots each" test "$(q "SELECT group_concat(e.name || '=' || (SELECT count(*) FROM run r WHERE
    r.experiment_id = e.id AND r.status = 'ok'), ' ') FROM (SELECT * FROM experiment ORDER BY id) e")" = \
    "bisect-bisect-demo@4-vs-0=4 bisect-bisect-demo@2-vs-0=4 bisect-bisect-demo@3-vs-0=4"
# the verdicts, from the stored rows: a step is slower when its slowest-to-fastest init-done
# lies 200 ms or more beyond the good end's (the sleep is 300 ms; replayed boots agree to the us)
verdict() {
    q "SELECT CASE WHEN min(CASE WHEN variant LIKE 'candidate:%' THEN init_done_us END)
                      - max(CASE WHEN variant LIKE 'baseline:%' THEN init_done_us END) > 200000 THEN 'SLOWER'
                   WHEN abs(max(init_done_us) - min(init_done_us)) < 1000 THEN 'same' ELSE '?' END
       FROM run JOIN experiment e ON e.id = run.experiment_id WHERE e.name = 'bisect-bisect-demo@$1-vs-0'"
}
check "stored boots: @4 slower than @0" test "$(verdict 4)" = SLOWER
check "stored boots: @2 the same as @0" test "$(verdict 2)" = same
check "stored boots: @3 slower than @0" test "$(verdict 3)" = SLOWER
side_kernels() { q "SELECT group_concat(series, ' ') FROM (SELECT DISTINCT k.series FROM run JOIN kernel k ON k.id = run.kernel_id
    WHERE run.variant LIKE '$1:%' ORDER BY k.series)"; }
check "the steps' kernels are the series' prefixes" test "$(side_kernels candidate)" = "bisect-demo@2 bisect-demo@3 bisect-demo@4"
check "every step's baseline is the good end" test "$(side_kernels baseline)" = "bisect-demo@0"

# 2. the same bisect again: every step is reused, nothing boots
runs=$(q "SELECT count(*) FROM run")
bisect 1 "first slower: bisect-demo@3" -- bisect "$series"
check "a second bisect boots nothing" test "$(q "SELECT count(*) FROM run")" -eq "$runs"
check "and says the steps were stored" grep -q "4 boots already stored" "$work/last.out"

# 3. no slower patch in range (patches 1-2), and by a function that never got slower
bisect 0 "no patch made init-done slower: bisect-demo@2 is not slower than @0" -- bisect "$series" --bad 2
bisect 0 "no patch made bootlab_demo_init slower" -- bisect "$series" --metric bootlab_demo_init
bisect 1 "first slower: bisect-demo@3" -- bisect "$series" --metric chr_dev_init
bisect 2 "no such function in the boots of either kernel" -- bisect "$series" --metric no_such_initcall_fn
check "still nothing booted anew (4 boots of @2 reused)" test "$(q "SELECT count(*) FROM run")" -eq "$runs"

# 4. a step that does not build is skipped: patch 2 breaks the build, patch 3 mends it, patch 4
# is the sleep. Bisect tries @2 (fails), goes around it to @1 and @3, and names patch 4.
skip=$work/bisect-skip
mkdir -p "$skip"
cp "$series/0001-"*.patch "$skip/"
cp "$series/0003-"*.patch "$skip/0004-mem-wait.patch"
cat > "$skip/0002-break.patch" <<'PATCH'
Subject: [PATCH 2/4] bootlab_demo: a step that does not build
---
--- a/drivers/misc/bootlab_demo.c
+++ b/drivers/misc/bootlab_demo.c
@@ -7,2 +7,3 @@
 #include <linux/init.h>
 #include <linux/printk.h>
+#error bootlab: this step of the series does not build
PATCH
cat > "$skip/0003-mend.patch" <<'PATCH'
Subject: [PATCH 3/4] bootlab_demo: build again
---
--- a/drivers/misc/bootlab_demo.c
+++ b/drivers/misc/bootlab_demo.c
@@ -7,3 +7,2 @@
 #include <linux/init.h>
 #include <linux/printk.h>
-#error bootlab: this step of the series does not build
PATCH
( cd "$skip" && ls 0*.patch > series )
echo async-lab > "$skip/on-top-of"
bisect 1 "first slower: bisect-skip@4, patch 4 of 4" -- bisect "$skip"
check "the unbuildable step is skipped with the compiler's reason" grep -q "^step bisect-skip@2 vs @0: skipped" "$work/last.out"
check "  ... and the error is quoted" grep -q "this step of the series does not build" "$work/last.out"
check "bisection went around it" grep -q "^steps: @4 SLOWER, @2 skipped, @1 same, @3 same$" "$work/last.out"

# 5. bad arguments
expect 2 "--good 3 must be below --bad 2" -- bisect "$series" --experiment "$exp" --good 3 --bad 2 --db "$db"
expect 2 "series bisect-demo has 4 patches" -- bisect "$series" --experiment "$exp" --bad 9 --db "$db"
expect 2 "no patch series 'no-such-series'" -- bisect no-such-series --experiment "$exp" --db "$db"
expect 2 "no-such.toml" -- bisect "$series" --experiment "$work/no-such.toml" --db "$db"
check "no QEMU left" no_qemu_left
finish
