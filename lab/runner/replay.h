#pragma once
// Deterministic boots ("exact replay"): QEMU counts instructions instead of reading the host's
// clock (-icount shift=0: one nanosecond of guest time per instruction; sleep=off: idle time is
// skipped, not slept), on one vCPU, and every other way the host's time or randomness reaches
// the guest is closed by a knob of its own. tests/bench/replay_bench.sh measures each knob by
// leaving it out (the README's ablation table); `deterministic_without` in an experiment's flags
// leaves knobs out for exactly that.
//
// What stays open: block I/O. QEMU completes a disk read on a host thread and tells the guest
// when the host got there, so boots that read disks can differ by some microseconds after
// their first read (boot-to-init comes before any: it stays exact).
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
