#pragma once
// Deterministic boots ("exact replay"): QEMU counts instructions instead of reading the host's
// clock (-icount shift=0: one nanosecond of guest time per instruction; sleep=off: idle time is
// skipped, not slept), on one vCPU, and every other way the host's time or randomness reaches
// the guest is closed by a knob of its own. tests/bench/replay_bench.sh measures each knob by
// leaving it out (the README's ablation table); `deterministic_without` in an experiment's flags
// leaves knobs out for exactly that.
//
// What stays open: block I/O. QEMU completes a disk read on a host thread and tells the guest
// when the host got there, while an idle guest's clock jumps from timer to timer (sleep=off):
// boots of a machine with disks differ by 1-50 us on a quiet host, and on a loaded one a read
// can wait out several timers (4 ms to seconds). Machines without disks replay exactly.
#include "runner/boot_flags.h"

#include <string>
#include <vector>

namespace bootlab::runner {

struct ReplayKnob {
    const char* name;   // as `deterministic_without` names it
    const char* closes; // the leak, for error messages and the README
};
// seed, rtc, kaslr
const std::vector<ReplayKnob>& replay_knobs();
bool is_replay_knob(const std::string& name);

// QEMU's arguments for a deterministic boot (none if the flags are not deterministic).
std::vector<std::string> replay_qemu_args(const BootFlags& f);
// The kernel's ("nokaslr"), or "".
std::string replay_kernel_args(const BootFlags& f);

} // namespace bootlab::runner
