#pragma once
// An experiment file (TOML): kernels x hardware x variants (flag sets) x repetitions.
//
//   name = "default"
//   repetitions = 3
//   [machine]      smp = 2, memory = 512 (MiB), timeout = 180 (s per boot),
//                  stall = 60 (s of console silence that end a boot; 0: never; see console_watch.h),
//                  accel = "auto" | "kvm" | "tcg" (see accel.h)
//   [kernels]      stock = "distro"   patched = "series:async-lab"   (or a path to an image)
//                  early = "series:async-lab@2"   (the series up to its patch 2)
//   [hardware]     sata-scsi-nic = ["ahci:2", "lsi:2", "e1000"]
//   [flags]        defaults for every variant (see BootFlags)
//   [variants.async]
//   [variants.scan-sync]  scsi_scan = "sync"
//   [variants.slow]  hardware = ["slow-4"]   (a variant may run on some hardware sets/kernels only)
//   [hosts]        rack1 = { uri = "qemu+ssh://lab@rack1/system", jobs = 8 }   (see hosts.h)
//
// Mistakes are reported as FILE:LINE: what is wrong.
#include "runner/accel.h"
#include "runner/boot_flags.h"
#include "runner/hardware.h"
#include "runner/hosts.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bootlab::runner {

struct KernelRef {
    std::string name;
    std::string source;            // "distro", "series" with series, or "file" with image
    std::filesystem::path image;
    std::filesystem::path series;  // a kernel-patches/ directory, built by kernel::series_kernel
    int patches = -1;              // "series:NAME@K": only the first K of its own patches (bisect)
};

struct HardwareSet {
    std::string name;
    std::vector<DeviceSpec> devices;
};

struct Variant {
    std::string name;
    BootFlags flags;
    std::vector<std::size_t> hardware; // `hardware = [...]`: only these sets; empty = all
    std::vector<std::size_t> kernels;  // `kernels = [...]`: only these kernels; empty = all
    // "baseline" or "candidate" in an experiment made by interleave(): its boots are labelled
    // "SIDE:LABEL", LABEL as the side's own file would label them. Empty otherwise.
    std::string side;
};

struct ExperimentSpec {
    std::filesystem::path file;
    std::string text;              // the file as read: stored with the experiment
    std::string name;
    std::string description;
    int repetitions = 3;
    int warmup = 0;                // boots per host before the measured ones, stored but not counted
    int smp = 2;
    int memory_mb = 512;
    std::chrono::seconds timeout{180};
    std::chrono::seconds stall{60};
    Accel accel = Accel::automatic;
    std::vector<KernelRef> kernels;
    std::vector<HardwareSet> hardware;
    std::vector<Variant> variants;
    std::vector<HostSpec> hosts;   // empty: boots run here
};

// One boot of the matrix.
struct BootPlan {
    std::size_t kernel = 0, hardware = 0, variant = 0;
    int repetition = 0;            // 1-based; 0 for a warm-up boot
    bool warmup = false;           // warms caches up; stored, in no statistic
    std::string label;             // the run's variant name: only the dimensions that vary
};

ExperimentSpec load_experiment(const std::filesystem::path& file);
ExperimentSpec parse_experiment(const std::string& text, const std::filesystem::path& file);
// The spec as an experiment file that parses back to the same spec, wherever it is saved:
// series as "series:NAME" (or an absolute path outside kernel-patches/), images by absolute path.
std::string to_toml(const ExperimentSpec& spec);

// A check's drift-proof form: the candidate's and the baseline's boots in ONE experiment, booted
// in one shuffled order, so that a drifting host slows both alike. Kernels, hardware sets and
// variants of both, each variant on its own side's kernels and hardware only, named
// "candidate.NAME" / "baseline.NAME"; the machine, repetitions and hosts are the candidate's.
ExperimentSpec interleave(const ExperimentSpec& candidate, const ExperimentSpec& baseline);
// The candidate with its kernels replaced by one kernel (as an experiment file names it:
// "distro", "series:NAME", a path): the baseline that differs only by its kernel.
ExperimentSpec with_kernel(const ExperimentSpec& spec, const std::string& kernel);

// Every boot of the matrix, in a shuffled order (so that slow drift of the host is spread over
// all variants instead of masquerading as an effect). The same seed gives the same order.
std::vector<BootPlan> expand(const ExperimentSpec& spec, std::uint64_t seed);

} // namespace bootlab::runner
