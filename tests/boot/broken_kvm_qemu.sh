#!/bin/bash
# A stand-in for qemu-system-x86_64 that behaves like the broken KVMs met on real machines, for
# tests on any machine (BOOTLAB_QEMU points at a link to it; BOOTLAB_KVM_DEVICE at a file that
# stands for /dev/kvm). Without -accel kvm it is the real QEMU. Its mode is the link's name:
#   qemu-kvm-refuses         QEMU exits at once: "failed to set MSR 0x10a" (a nested VM seen 12-02)
#   qemu-kvm-hangs-early     every guest prints the firmware and the kernel's real-mode stub, then
#                            nothing ("Probing EDD ... ok": a nested cloud VM seen 12-03)
#   qemu-kvm-hangs-in-kernel the probe guest runs, a kernel hangs as above (a KVM the probe passes)
#   qemu-kvm-hangs-later     the probe guest runs, a kernel prints 150 timestamped lines, then hangs
real=qemu-system-x86_64
mode=${0##*/}
mode=${mode#qemu-kvm-}
kvm= probe= prev=
args=()
for a in "$@"; do
    if [ "$prev" = -accel ] && [ "$a" = kvm ]; then kvm=1; a=tcg; fi
    if [ "$prev" = -kernel ]; then case $a in *kvm-probe*) probe=1 ;; esac; fi
    args+=("$a")
    prev=$a
done
[ -n "$kvm" ] || exec "$real" "$@"

hang() {
    printf 'SeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n\r\n\r\nBooting from ROM..\r\nProbing EDD (edd=off to disable)... ok\r\n'
    exec -a broken-kvm-hang sleep 100000
}
case $mode in
refuses)
    echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2
    echo "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion \`ret == cpu->kvm_msr_buf->nmsrs' failed." >&2
    exit 134 ;;
hangs-early) hang ;;
hangs-in-kernel) [ -n "$probe" ] && exec "$real" "${args[@]}"; hang ;;
hangs-later)
    [ -n "$probe" ] && exec "$real" "${args[@]}"
    "$real" "${args[@]}" | {
        n=0
        while IFS= read -r line; do
            printf '%s\n' "$line"
            case $line in '['*.*']'*) n=$((n + 1)) ;; esac
            [ $n -ge 150 ] && break
        done
        exec -a broken-kvm-hang sleep 100000 # QEMU blocks on a full pipe: the guest "hangs"
    } ;;
*) echo "broken_kvm_qemu.sh: unknown mode '$mode' (from its name, $0)" >&2; exit 2 ;;
esac
