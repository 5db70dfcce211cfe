# Helpers for the boot tests: real QEMU (TCG here), the real stock kernel (cached under
# ~/.cache/bootlab), a fresh database per test.
source "$(dirname "$0")/../cli/lib.sh"
db=$work/t.db
q() { sqlite3 -batch -noheader "$db" "$1"; }
no_qemu_left() { # no QEMU started for this test's database (its argv carries the scratch dir)
    sleep 0.5
    ! pgrep -f "[q]emu-system-x86_64.*$1" >/dev/null
}
