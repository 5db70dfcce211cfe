#include "runner/replay.h"

#include <algorithm>

namespace bootlab::runner {

namespace {

bool with(const BootFlags& f, const char* knob) {
    return f.deterministic && std::find(f.deterministic_without.begin(), f.deterministic_without.end(), knob) ==
                                  f.deterministic_without.end();
}

} // namespace

const std::vector<ReplayKnob>& replay_knobs() {
    static const std::vector<ReplayKnob> knobs = {
        // RDRAND under TCG returns the host's random bytes: the guest's RNG, and everything
        // seeded from it (hash tables, stack canaries, KASLR), differs from boot to boot
        {"seed", "QEMU -seed 1: RDRAND and QEMU's other guest randomness from a fixed seed"},
        // the CMOS clock starts at the host's time of day and ticks with the host
        {"rtc", "QEMU -rtc base=2024-01-01T00:00:00,clock=vm: the guest's time of day fixed, ticking with icount"},
        // the kernel's random base mixes RDTSC at entry, which the firmware's disk reads move
        {"kaslr", "nokaslr: the kernel at its link address, whatever the firmware took"},
    };
    return knobs;
}

bool is_replay_knob(const std::string& name) {
    const auto& k = replay_knobs();
    return std::any_of(k.begin(), k.end(), [&](const ReplayKnob& x) { return name == x.name; });
}

std::vector<std::string> replay_qemu_args(const BootFlags& f) {
    if (!f.deterministic) return {};
    std::vector<std::string> a = {"-icount", "shift=0,sleep=off,align=off"};
    if (with(f, "seed")) a.insert(a.end(), {"-seed", "1"});
    if (with(f, "rtc")) a.insert(a.end(), {"-rtc", "base=2024-01-01T00:00:00,clock=vm"});
    return a;
}

std::string replay_kernel_args(const BootFlags& f) { return with(f, "kaslr") ? "nokaslr" : ""; }

} // namespace bootlab::runner
