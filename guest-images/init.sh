#!/bin/busybox sh
# /init of bootlab's guest initramfs: load the drivers of the hardware profile, wait for the
# disks and NICs it promises, print the lab's markers and the device order, optionally dump the
# kernel ring buffer, power off. Knobs (kernel command line, ignored by the kernel):
#   bootlab.disks=N    block devices (sd*, vd*) to wait for     bootlab.nics=N  NICs to wait for
#   bootlab.wait=S     how long to wait for them (default 30)   bootlab.dmesg=1 dump the ring buffer
#   bootlab.hang=1     never power off (tests the host's timeout)
#   bootlab.netprobe=ADDR:PORT[,ADDR:PORT...]  after init-done, try to reach each address from
#                      the first NIC (tests that the guest has no way out); a web server in the
#                      guest itself is tried first, to show that the probe can reach something
#   bootlab.forge=1    print the lab's own control lines out of place: a poweroff before the end, a
#                      ring-buffer dump that never ends, an impossible marker (hostile-guest tests)
#   bootlab.flood=MB   write MB MiB of text to the console before powering off (the console cap)
/bin/busybox --install -s   # applet links in /bin, /sbin (the kernel runs /sbin/modprobe)
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
# Markers go to /dev/kmsg so they carry a printk timestamp on the same clock as the initcall
# lines; level <2> so that they reach the console even under "quiet".
mark() { echo "<2>BOOTLAB: $*" > /dev/kmsg; }
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -n 1; }
mark init-start
# module parameters given on the kernel command line as MODULE.PARAM=VALUE go to modprobe
# (busybox's modprobe may not read them from /proc/cmdline itself)
for m in $(cat /etc/bootlab-modules); do
  modprobe "$m" $(tr ' ' '\n' < /proc/cmdline | sed -n "s/^$m\.//p") || echo "BOOTLAB: modprobe $m failed"
done
mark modules-loaded
disks=$(arg bootlab.disks); disks=${disks:-0}
nics=$(arg bootlab.nics); nics=${nics:-0}
limit=$(arg bootlab.wait); limit=${limit:-30}
count_disks() { ls /sys/block | grep -c '^[sv]d'; }
count_nics() { ls /sys/class/net | grep -vc '^lo$'; }
# the slow-probe test driver's devices may come up after modprobe returns (kthread, queue_work)
sp=/sys/module/bootlab_slowprobe/parameters
slow_pending() { [ -e $sp/ready ] && [ "$(cat $sp/ready)" -lt "$(cat $sp/devices)" ]; }
i=0
while { [ "$(count_disks)" -lt "$disks" ] || [ "$(count_nics)" -lt "$nics" ] || slow_pending; } &&
      [ $i -lt $((limit * 20)) ]; do
  sleep 0.05; i=$((i + 1))
done
mark devices-ready disks=$(count_disks) want=$disks nics=$(count_nics) want-nics=$nics
mark init-done
# the lowest N of the DIR/PREFIXN entries (ata3, host12) of a controller
lowest() {
  low=
  for e in "$1"/"$2"[0-9]*; do
    n=${e##*/$2}
    if [ -z "$low" ] || [ "$n" -lt "$low" ]; then low=$n; fi
  done
  echo "${low:-0}"
}
# udev-style by-path names from sysfs (there is no udev here), in path order, so that the
# sdX letters show the order in which the disks were named
for d in /sys/block/sd* /sys/block/vd*; do
  [ -e "$d" ] || continue
  p=$(readlink -f "$d/device")
  pci=$(echo "$p" | grep -o '0000:[0-9a-f]*:[0-9a-f]*\.[0-9a-f]' | tail -n 1)
  ata=$(echo "$p" | grep -o '/ata[0-9]*/' | tr -dc 0-9)
  hctl=$(basename "$p")
  # As udev's path_id does, a SCSI host (an ATA port) is numbered from 0 (1) under its own
  # controller: the kernel's global numbers follow the order controllers were probed in, which
  # async init changes from boot to boot, and a disk's path must not.
  ctl=${p%%/host*}
  case ${d##*/} in
    vd*) bp="pci-$pci"; hctl=virtio ;;
    *) if [ -n "$ata" ]; then
         first=$(lowest "${p%%/ata[0-9]*}" ata)
         bp="pci-$pci-ata-$((ata - first + 1))"
       else
         h=${hctl%%:*}
         bp="pci-$pci-scsi-$((h - $(lowest "$ctl" host))):${hctl#*:}"
       fi ;;
  esac
  echo "$bp ${d##*/} $hctl"
done | sort | while read -r bp dev hctl; do echo "BOOTLAB: disk $dev $bp $hctl"; done
for n in /sys/class/net/*; do
  [ "${n##*/}" = lo ] && continue
  echo "BOOTLAB: net ${n##*/} $(cat "$n/address") $(basename "$(readlink -f "$n/device/driver")")"
done
probes=$(arg bootlab.netprobe)
if [ -n "$probes" ]; then
  nic=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
  ip link set lo up; ip link set "$nic" up
  ip addr add 10.0.2.15/24 dev "$nic"; ip route add default via 10.0.2.2
  mkdir -p /tmp/www; echo bootlab-self > /tmp/www/index.html
  httpd -p 10.0.2.15:8080 -h /tmp/www
  for target in 10.0.2.15:8080 $(echo "$probes" | tr ',' ' '); do
    # (nc, not wget: busybox-static's wget crashes resolving even a numeric address)
    if printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 "${target%:*}" "${target##*:}" 2>/dev/null | grep -q .; then
      r=reached; else r=blocked; fi
    echo "BOOTLAB: netprobe $target $r"
  done
fi
if [ "$(arg bootlab.dmesg)" = 1 ]; then
  echo "BOOTLAB: dmesg-begin"; dmesg; echo "BOOTLAB: dmesg-end"
fi
if [ "$(arg bootlab.forge)" = 1 ]; then
  echo "BOOTLAB: poweroff"; echo "BOOTLAB: init-done after 999999999999999999 usecs: forged"
  echo "calling  99999_forged+0x0/0x10 @ -1"; echo "BOOTLAB: dmesg-begin"
fi
flood=$(arg bootlab.flood)
if [ -n "$flood" ]; then
  yes "BOOTLAB flood: the quick brown fox jumps over the lazy dog 0123456789" | head -c $((flood * 1048576))
fi
if [ "$(arg bootlab.hang)" = 1 ]; then echo "BOOTLAB: hanging"; while :; do sleep 60; done; fi
echo "BOOTLAB: poweroff"
poweroff -f
