# The libvirt backend on two real hosts (each its own libvirtd in a network namespace, reached
# over TCP): boots spread over both, stored with their host and domain XML; the same spec booted
# by the QEMU backend gives the same console, spans and device order (counts, not times); a
# second experiment with the same kernel uploads nothing; the guest cannot reach the host.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/lib.sh"
start_host 1 || exit 1
start_host 2 || exit 1
cat > "$work/hosts.toml" <<EOT
[hosts]
alpha = { uri = "$(host_uri 1)", jobs = 1 }
beta = { uri = "$(host_uri 2)", jobs = 1 }
EOT
# What each host reports; a host with no libvirtd answering says why (exit 1).
out=$("$BOOTLAB" hosts --hosts "$work/hosts.toml" 2>&1)
check "bootlab hosts: both reachable, with versions, CPUs, memory, KVM and slots" \
    test "$(grep -cE '^  hostname .*QEMU [0-9.]+, libvirt [0-9.]+$' <<<"$out")$(grep -cE '^  [0-9]+ CPUs, [0-9]+ MiB, .*slots 1 free of 1' <<<"$out")$(grep -cE '^  (KVM|no KVM).*: boots run under (KVM|TCG)' <<<"$out")" = "222"
echo "$out" | grep -E "KVM" | sed 's/^/   /'
cat > "$work/dead.toml" <<EOT
[hosts]
alpha = { uri = "$(host_uri 1)" }
gone = { uri = "qemu+tcp://$(host_gw 1):1/system" }
EOT
out=$("$BOOTLAB" hosts --hosts "$work/dead.toml" 2>&1); rc=$?
check "bootlab hosts: an unreachable host is named with the error, exit 1" \
    test "$rc:$(grep -c '^  UNREACHABLE: host gone (qemu+tcp://.*): cannot connect: ' <<<"$out")" = "1:1"
json=$("$BOOTLAB" hosts --hosts "$work/dead.toml" --json 2>&1)
check "bootlab hosts --json: reachable true and false" test "$(grep -c '"reachable": true' <<<"$json")$(grep -c '"reachable": false' <<<"$json")" = "11"

expect 0 "host gone left out: host gone" -- run "$data/experiments/one-boot.toml" --db "$work/dead.db" --hosts "$work/dead.toml" --no-report --cmdline-append "$tagarg"
check "a host unreachable at the start is left out, the boots run on the others" \
    test "$(sqlite3 "$work/dead.db" "SELECT group_concat(host || ':' || status) FROM run")" = "alpha:ok"

# A web server on each host's own address and loopback, where a guest that got out would land
# (10.0.2.2 is the host's loopback to a user-networking guest); -v logs every request.
mkdir -p "$work/www"; echo host > "$work/www/index.html"
for k in 1 2; do
    for a in "$(host_ip "$k")" 127.0.0.1; do
        ip netns exec "$(host_ns "$k")" busybox httpd -f -vv -p "$a:8471" -h "$work/www" 2>>"$work/httpd$k.log" &
    done
done
sleep 0.5
for k in 1 2; do  # the servers answer (so silence below means the guest did not get through)
    check "host $k's server answers from its own namespace" ip netns exec "$(host_ns "$k")" busybox wget -q -O /dev/null "http://$(host_ip "$k"):8471/"
done
: >"$work/httpd1.log"; : >"$work/httpd2.log"
probe="bootlab.netprobe=10.0.2.2:8471,$(host_ip 1):8471,$(host_ip 2):8471,$(host_gw 1):8471"

expect 0 "beta: " -- run "$data/experiments/two-by-two.toml" --db "$db" --hosts "$work/hosts.toml" --no-report \
    --cmdline-append "$tagarg $probe"
check "4 runs stored, all ok" test "$(q "SELECT count(*) FROM run WHERE status = 'ok' AND backend = 'libvirt'")" -eq 4
check "boots on both hosts" test "$(q "SELECT count(DISTINCT host) FROM run")" -eq 2
check "hosts recorded by name" test "$(q "SELECT count(*) FROM run WHERE host IN ('alpha', 'beta')")" -eq 4
check "host marks from the libvirt console, in boot order" test "$(q "SELECT count(*) FROM run WHERE 0 < host_kernel_us
    AND host_kernel_us < host_run_init_us AND host_run_init_us < host_init_done_us AND host_init_done_us <= wall_us")" -eq 4
check "domain XML stored, no argv" test "$(q "SELECT count(*) FROM run WHERE domain_xml LIKE '<domain type=%' AND emulator_argv IS NULL")" -eq 4
check "no domain, disk volume or QEMU left on either host" \
    test "$(virsh -c "$(host_uri 1)" list --name | grep -c bootlab)$(virsh -c "$(host_uri 2)" list --name | grep -c bootlab)$(virsh -c "$(host_uri 1)" vol-list bootlab | grep -c '\.img')$(qemu_on_host 1)$(qemu_on_host 2)" = "00000"

# The guest has no way out: its own web server answers, nothing on the host side does.
log=$("$BOOTLAB" log "$(q "SELECT min(id) FROM run")" --db "$db")
check "the probe reaches the guest's own server" grep -q "netprobe 10.0.2.15:8080 reached" <<<"$log"
check "the probe reaches nothing outside" test "$(grep -c 'netprobe .* blocked' <<<"$log")" -eq 4
check "no request arrived on the hosts" test ! -s "$work/httpd1.log" -a ! -s "$work/httpd2.log"

# The same spec through the QEMU backend: same console lines, spans and devices (counts).
expect 0 "4 boots" -- run "$data/experiments/two-by-two.toml" --db "$work/qemu.db" --no-report --cmdline-append "$tagarg $probe"
counts() { # counts DB: per variant, the initcall lines, spans, devices and device order
    sqlite3 -batch -noheader "$1" "SELECT r.variant, r.sync_count, r.async_count, r.lines_total > 1000,
        (SELECT group_concat(name || '=' || path, ' ') FROM (SELECT name, path FROM device d WHERE d.run_id = r.id ORDER BY name))
        FROM run r ORDER BY r.variant, r.repetition"
}
check "libvirt and QEMU boots agree (variant|sync|async|lines|devices)" diff <(counts "$db") <(counts "$work/qemu.db")
calls() { for id in $(sqlite3 "$1" "SELECT id FROM run ORDER BY variant, repetition"); do
    "$BOOTLAB" log "$id" --db "$1" | grep -c 'calling  '; done; }
check "the consoles have as many initcall lines" diff <(calls "$db") <(calls "$work/qemu.db")

# Every profile at once (two disks per controller): the same disks at the same by-path names.
expect 0 "1 boot" -- run "$data/experiments/every-profile.toml" --db "$db" --host "$(host_uri 1)" --no-report --cmdline-append "$tagarg"
expect 0 "1 boot" -- run "$data/experiments/every-profile.toml" --db "$work/qemu.db" --no-report --cmdline-append "$tagarg"
paths() { sqlite3 -batch -noheader "$1" "SELECT d.path FROM device d JOIN run r ON r.id = d.run_id JOIN experiment e
    ON e.id = r.experiment_id WHERE e.name = 'every-profile' AND r.status = 'ok' AND d.kind = 'disk' ORDER BY d.path"; }
check "every profile: 10 disks through libvirt" test "$(paths "$db" | wc -l)" -eq 10
check "every profile: the same by-path names as QEMU's" diff <(paths "$db") <(paths "$work/qemu.db")
paths "$db" | tr '\n' ' '; echo
nets=$("$BOOTLAB" log "$(q "SELECT max(r.id) FROM run r JOIN experiment e ON e.id = r.experiment_id WHERE e.name = 'every-profile'")" --db "$db" | grep 'BOOTLAB: net ')
check "every profile: two NICs, e1000 and virtio_net" test "$(grep -c ' e1000' <<<"$nets")$(grep -c ' virtio_net' <<<"$nets")" = "11"

# A second experiment with the same kernel and images: nothing to upload.
out=$("$BOOTLAB" run "$data/experiments/one-boot.toml" --db "$db" --hosts "$work/hosts.toml" --no-report --cmdline-append "$tagarg" 2>&1)
check "one-boot ran" grep -q "1 boot, " <<<"$out"
# (one-boot uses other hardware, so its image is new; the kernel is not)
check "the kernel was not uploaded again" test "$(grep -c 'uploaded vmlinuz' <<<"$out")" -eq 0
out=$("$BOOTLAB" run "$data/experiments/two-by-two.toml" --new --repetitions 1 --db "$db" --hosts "$work/hosts.toml" --no-report --cmdline-append "$tagarg" 2>&1)
check "a repeat uploads 0 bytes to each host" test "$(grep -c ': 0 bytes uploaded' <<<"$out")" -eq 2
echo "$out" | grep "bytes uploaded"
finish
