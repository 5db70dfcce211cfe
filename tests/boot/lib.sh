# Helpers for the boot tests: real QEMU (TCG here), the real stock kernel (cached under
# ~/.cache/bootlab), a fresh database per test.
source "$(dirname "$0")/../cli/lib.sh"
db=$work/t.db
q() { sqlite3 -batch -noheader "$db" "$1"; }
# Every boot of a test carries `bootlab.test=$tag` on its kernel command line (--cmdline-append
# "$tagarg"), so that the test finds its own QEMU processes and not those of a concurrent run.
tag=$(basename "$work")
tagarg="bootlab.test=$tag"
qemu_running() { pgrep -f "[q]emu-system-x86_64.*bootlab.test=$tag" >/dev/null; }
no_qemu_left() { sleep 0.5; ! qemu_running; }
