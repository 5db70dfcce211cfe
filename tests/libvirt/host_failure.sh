# A host that fails mid-experiment: its libvirtd is killed while it boots. The boot it was
# running is stored as an error naming the host, then booted again on the other host; the
# experiment completes with every boot once, nothing lost or duplicated. When every host has
# failed, the boots left are not run, and a later resume boots exactly those.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
start_host 1 || exit 1
start_host 2 || exit 1
exp=$data/experiments/two-by-two.toml
both="--host $(host_uri 1) --host $(host_uri 2)"
# (running, not paused: the boot is past its creation, its console streaming)
beta_busy() { virsh -c "$(host_uri 2)" list 2>/dev/null | grep bootlab | grep -q running && sleep 2; }
stored_on_beta() { [ -s "$db" ] && test "$(q "SELECT count(*) FROM run WHERE host = '$(host_ip 2)'" 2>/dev/null)" -ge 1 2>/dev/null; }

# 6 boots over two hosts; beta's libvirtd dies once it has stored a boot and started another.
"$BOOTLAB" run "$exp" --repetitions 3 --db "$db" $both --no-report --cmdline-append "$tagarg" >"$work/out" 2>&1 &
pid=$!
check "beta stored a boot" wait_for 600 stored_on_beta
check "beta is booting again" wait_for 300 beta_busy
kill_libvirtd 2
wait $pid; rc=$?
cat "$work/out"
check "the experiment completed (exit 0)" test "$rc" -eq 0
check "the summary names the failed host and why" grep -q "$(host_ip 2) .*FAILED: host $(host_ip 2) failed: connection lost during the boot" "$work/out"
check "... with libvirt's own words for it" sh -c "! grep -q 'unknown libvirt error' '$work/out'"
check "6 runs, each boot once" test "$(q "SELECT count(*) || '/' || count(DISTINCT variant || repetition) FROM run")" = "6/6"
check "all ok, none left as a host failure" test "$(q "SELECT count(*) FROM run WHERE status = 'ok' AND host_failed = 0")" -eq 6
check "alpha took over (it booted at least 4)" test "$(q "SELECT count(*) FROM run WHERE host = '$(host_ip 1)'")" -ge 4
# beta's QEMU outlives its libvirtd (libvirt keeps a guest that powered off until it says so):
# the next bootlab to use beta sweeps it away, below.
check "nothing left on alpha" test "$(qemu_on_host 1)$(virsh -c "$(host_uri 1)" vol-list bootlab | grep -c '\.img')" = "00"

# Every host fails: alpha alone, killed after its first boot. The rest is not run (exit 1) ...
restart_libvirtd 2
"$BOOTLAB" run "$exp" --db "$work/2.db" --host "$(host_uri 1)" --no-report --cmdline-append "$tagarg" >"$work/out2" 2>&1 &
pid=$!
db=$work/2.db
alpha_stored() { [ -s "$db" ] && test "$(q "SELECT count(*) FROM run" 2>/dev/null)" -ge 1 2>/dev/null; }
alpha_busy() { virsh -c "$(host_uri 1)" list 2>/dev/null | grep bootlab | grep -q running && sleep 2; }
check "alpha stored a boot" wait_for 600 alpha_stored
check "alpha is booting again" wait_for 300 alpha_busy
kill_libvirtd 1
wait $pid; rc=$?
cat "$work/out2"
check "exit 1: boots left unrun" test "$rc" -eq 1
check "it says how many and how to go on" grep -q "boot(s) not run: every host failed" "$work/out2"
check "the interrupted boot is stored as a host failure" test "$(q "SELECT count(*) FROM run WHERE host_failed = 1 AND status = 'error' AND error LIKE 'host $(host_ip 1) failed%'")" -eq 1
# ... and resuming on beta boots exactly what is missing, replacing the host failure.
before=$(q "SELECT count(*) FROM run WHERE host_failed = 0")
expect 0 "to go" -- run "$exp" --db "$db" --host "$(host_uri 2)" --no-report --cmdline-append "$tagarg"
check "4 runs, each boot once, all ok" test "$(q "SELECT count(*) || '/' || count(DISTINCT variant || repetition) || '/' || sum(status = 'ok') FROM run")" = "4/4/4"
check "resume booted only the missing ones" test "$(q "SELECT count(*) FROM run WHERE host = '$(host_ip 2)'")" -eq $((4 - before))
check "the guest orphaned on beta in the first part was swept away" test "$(qemu_on_host 2)" -eq 0
finish
