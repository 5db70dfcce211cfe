# Test hosts for the libvirt backend: each its own libvirtd, in a network namespace of its own
# (reached over TCP at its own address through a veth pair) and a mount namespace that gives it
# its own /run/libvirt, /var/lib/libvirt (the storage pool lands there), /etc/libvirt and logs.
# Everything is torn down on exit, even on failure. Needs root (CI runs as root).
if [ "$(id -u)" -ne 0 ] || ! command -v libvirtd >/dev/null || ! command -v ip >/dev/null; then
    echo "SKIP: these tests start libvirtds in network namespaces: they need root, libvirt-daemon-system and iproute2"
    exit 77
fi
source "$(dirname "$0")/../boot/lib.sh"
net=$(( $$ % 250 + 1 ))        # 10.23K.$net.0/24 for host K: distinct between concurrent tests
hosts_up=()
host_ns() { echo "bl$net-h$1"; }
host_ip() { echo "10.23$1.$net.2"; }
host_uri() { echo "qemu+tcp://$(host_ip "$1")/system"; }
host_gw() { echo "10.23$1.$net.1"; }   # the test machine's side of host K's link

start_host() { # start_host K: a libvirtd answering at host_uri K
    local k=$1 ns root
    ns=$(host_ns "$k"); root=$work/host$k
    mkdir -p "$root"/{run,lib,log,cache,etc}
    ip netns add "$ns"
    ip link add "bh$net-$k" type veth peer name "bg$net-$k"
    ip link set "bg$net-$k" netns "$ns"
    ip addr add "$(host_gw "$k")/24" dev "bh$net-$k"; ip link set "bh$net-$k" up
    ip netns exec "$ns" ip addr add "$(host_ip "$k")/24" dev "bg$net-$k"
    ip netns exec "$ns" ip link set "bg$net-$k" up
    ip netns exec "$ns" ip link set lo up
    cat > "$root/etc/libvirtd.conf" <<EOC
listen_tls = 0
listen_tcp = 1
auth_tcp = "none"
listen_addr = "$(host_ip "$k")"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOC
    # root-run CI box: no cgroups, no namespaces, no sVirt; QEMU's output to files (no virtlogd)
    cat > "$root/etc/qemu.conf" <<EOC
user = "root"
group = "root"
security_driver = "none"
namespaces = []
cgroup_controllers = []
stdio_handler = "file"
EOC
    mkdir -p /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /etc/libvirt
    hosts_up+=("$k")
    restart_libvirtd "$k" && return 0
    echo "FAIL: libvirtd of test host $k did not answer"; tail -5 "$root/log/libvirtd.log" 2>/dev/null
    return 1
}

host_processes() { ip netns pids "$(host_ns "$1")" 2>/dev/null; }
qemu_on_host() { # qemu_on_host K: QEMU processes running in host K's namespace
    local p n=0
    for p in $(host_processes "$1"); do grep -q qemu-system "/proc/$p/cmdline" 2>/dev/null && n=$((n + 1)); done
    echo $n
}
kill_libvirtd() { kill -9 "$(cat "$work/host$1/run/libvirtd.pid")"; }
restart_libvirtd() { # restart_libvirtd K: a new libvirtd for host K (after kill_libvirtd)
    local root=$work/host$1
    rm -f "$root/run/libvirtd.pid"
    ip netns exec "$(host_ns "$1")" bash -c "
      mount --bind '$root/run' /run/libvirt && mount --bind '$root/lib' /var/lib/libvirt &&
      mount --bind '$root/log' /var/log/libvirt && mount --bind '$root/cache' /var/cache/libvirt &&
      mount --bind '$root/etc' /etc/libvirt &&
      libvirtd -d --listen -f /etc/libvirt/libvirtd.conf -p /run/libvirt/libvirtd.pid"
    for _ in $(seq 50); do virsh -c "$(host_uri "$1")" version >/dev/null 2>&1 && return 0; sleep 0.2; done
    return 1
}
wait_for() { # wait_for SECONDS COMMAND...: until the command succeeds
    local limit=$1; shift
    for _ in $(seq $((limit * 5))); do "$@" && return 0; sleep 0.2; done
    return 1
}

stop_hosts() {
    set +e
    local k
    for k in "${hosts_up[@]}"; do
        host_processes "$k" | xargs -r kill -9 2>/dev/null
        ip netns del "$(host_ns "$k")" 2>/dev/null
        ip link del "bh$net-$k" 2>/dev/null
    done
    rm -rf "$work"
}
trap stop_hosts EXIT
