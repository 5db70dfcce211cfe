#pragma once
// Running an experiment: kernels resolved, guest images built, boots run in a shuffled order
// on N workers, each stored as a run the moment it ends (so an interrupted experiment resumes
// where it stopped, without duplicating runs).
#include "runner/experiment.h"
#include "store/store.h"

#include <atomic>
#include <functional>
#include <string>

namespace bootlab::runner {

struct RunOptions {
    int jobs = 1;
    bool fresh = false;             // a new experiment even if an unfinished one matches
    std::string origin = "cli";     // gui | cli | ci
    std::uint64_t seed = 0;         // boot order; 0 = from the clock
    bool hang = false;              // tests: guests never power off
};

struct RunEvents {                  // called from worker threads, one at a time
    std::function<void(const std::string&)> message;
    std::function<void(const BootPlan&, const std::vector<std::string>& argv)> starting;
    std::function<void(const BootPlan&, const store::RunInfo&, int done, int total)> finished;
    // the serial console of a running boot, as it arrives (a GUI's live console); not under the
    // lock the others share, so a slow consumer never holds up the other workers' bookkeeping
    std::function<void(const BootPlan&, std::string_view bytes)> console;
};

struct ExperimentResult {
    std::int64_t experiment_id = 0;
    int booted = 0;                 // boots done by this call
    int skipped = 0;                // already stored by an earlier, interrupted call
    int failed = 0;                 // of this call's boots: not ok (panic/timeout/error)
    bool cancelled = false;
};

ExperimentResult run_experiment(store::Store& store, const ExperimentSpec& spec,
                                const RunOptions& options, const RunEvents& events,
                                const std::atomic<bool>& cancel);

// This machine's name, as runs and reports record it.
std::string hostname();

// argv as a shell would need it quoted, for people to copy (never executed by bootlab).
std::string shell_quote(const std::vector<std::string>& argv);

} // namespace bootlab::runner
