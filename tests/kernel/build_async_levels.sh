# bootlab kernel build async-levels: the second series, on top of async-lab with a config of its
# own (the lab's drivers built in), so built in an object tree of its own (about 3 minutes on 2
# cores when the cache is cold, ccache giving it async-lab's objects; cached in ~/.cache/bootlab
# like CI's). A fixture of its own so that it builds while other tests run, not inside the
# serial boot test.
BOOTLAB=$1 data=$2
source "$(dirname "$0")/../cli/lib.sh"
expect 0 "release  6.1.192-async-levels" -- kernel build async-levels
field() { sed -n "s/^$1 *//p" "$work/last.out"; }
check "its own object tree (a config of its own)" test "$(field tree)" = async-levels
check "async-lab's 3 patches, then its own 2" grep -q "^series   async-levels (5 patches" "$work/last.out"
check "the lab's drivers are built in" bash -c "for o in SATA_AHCI ATA SCSI_SYM53C8XX_2 MEGARAID_SAS SCSI_VIRTIO E1000; do
    grep -qx \"CONFIG_\$o=y\" '$(field config)' || exit 1; done"
# When it was built here (not cached): how much ccache gave it. A figure, not a check: it depends
# on what the cache holds (in a cold CI run, async-lab's objects, built just before).
grep -o "built async-levels .*" "$work/last.out" | sed 's/^/note: /'
finish
