#pragma once
// Running an experiment: kernels resolved, guest images built, boots run in a shuffled order
// on every slot of every host, each stored as a run the moment it ends (so an interrupted
// experiment resumes where it stopped, without duplicating runs). A host that fails is taken
// out of the rotation; the boot it was running goes to the other hosts.
#include "runner/backend.h"
#include "runner/experiment.h"
#include "runner/hosts.h"
#include "store/store.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>

namespace bootlab::runner {

struct RunOptions {
    int jobs = 1;                   // boots at once when no host is configured
    bool fresh = false;             // a new experiment even if an unfinished one matches
    std::string origin = "cli";     // gui | cli | ci
    std::uint64_t seed = 0;         // boot order; 0 = from the clock
    bool hang = false;              // tests: guests never power off
    std::vector<HostSpec> hosts;    // where to boot; empty: the experiment's [hosts], else here
    std::optional<Accel> accel;     // --accel; none: $BOOTLAB_ACCEL, else the file's [machine] accel
};

// The accelerator a run asks for: the option, else $BOOTLAB_ACCEL, else the experiment's.
Accel requested_accel(const ExperimentSpec& spec, const RunOptions& options);

// Boots on a host whose first boots all failed this way before the kernel printed a line:
// it is taken out of the rotation (the boots stay queued for other hosts, or for a resume).
constexpr int kFailFastBoots = 2;

struct RunEvents {                  // called from worker threads, one at a time
    std::function<void(const std::string&)> message;
    std::function<void(const BootPlan&, const BootStart&)> starting;
    std::function<void(const BootPlan&, const store::RunInfo&, int done, int total)> finished;
    // the serial console of a running boot, as it arrives (a GUI's live console); not under the
    // lock the others share, so a slow consumer never holds up the other workers' bookkeeping
    std::function<void(const BootPlan&, std::string_view bytes)> console;
};

// How one host did.
struct HostResult {
    std::string name;
    std::string backend;
    int jobs = 0;                   // its slots: boots at once
    int boots = 0;                  // boots stored from this host (host failures not counted)
    std::uint64_t uploaded = 0;     // bytes copied to the host before the boots
    std::string failure;            // why it was taken out of the rotation; "" if it was not
    std::optional<KvmVerdict> kvm;  // its KVM probe's verdict (not asked under accel tcg)
    std::string accel;              // what its boots ran under: kvm | tcg | "kvm, then tcg"
    std::string accel_note;         // why it changed during the run
};

struct ExperimentResult {
    std::int64_t experiment_id = 0;
    int booted = 0;                 // boots done by this call (warm-ups not counted)
    int warmups = 0;                // warm-up boots done by this call
    int skipped = 0;                // already stored by an earlier, interrupted call
    int failed = 0;                 // of this call's boots: not ok (panic/timeout/error)
    int unrun = 0;                  // left unbooted because every host failed: resume later
    bool cancelled = false;
    std::vector<HostResult> hosts;
    std::int64_t slot_idle_us = 0;  // time slots spent not booting while boots were waiting
};

// The hosts a run uses: the options', else the experiment's, else this machine.
std::vector<HostSpec> hosts_for(const ExperimentSpec& spec, const RunOptions& options);

ExperimentResult run_experiment(store::Store& store, const ExperimentSpec& spec,
                                const RunOptions& options, const RunEvents& events,
                                const std::atomic<bool>& cancel);

// argv as a shell would need it quoted, for people to copy (never executed by bootlab).
std::string shell_quote(const std::vector<std::string>& argv);

} // namespace bootlab::runner
