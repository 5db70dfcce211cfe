#pragma once
// `bootlab bisect`: which patch of a series made the boot slower.
//
// Step k is the kernel with the series' first k patches (kernel::first_patches; the builds share
// one object tree, so a step costs a relink, not a full build). A step is judged by the
// regression gate against the good end: one experiment boots both kernels interleaved in one
// shuffled order (runner::interleave), so a drifting host slows both alike, and the gate's
// verdict on the chosen metric says bad (slower), good, or skip (could not tell: too few
// boots, or the step does not build). The search is git bisect's: first the bad end itself
// (is anything slower at all?), then halving, going around skipped steps.
//
// Every step's boots are ordinary runs of an ordinary experiment, named
// "bisect-SERIES@K-vs-G": the GUI and the report open them, and running the same bisect again
// reuses the steps already booted (a killed bisect goes on where it stopped).
#include "check/gate.h"
#include "runner/experiment.h"
#include "store/store.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bootlab::bisect {

enum class Step { Good, Bad, Skip };
const char* to_string(Step s); // "same", "SLOWER", "skipped"

struct Judgement {
    std::size_t k = 0;                 // the first k patches, against the good end
    std::size_t against = 0;           // the good end it was compared with
    Step verdict = Step::Skip;
    std::string why;                   // the evidence in one line, or why it could not be judged
    std::vector<std::string> evidence; // the metric per variant, and the spans that grew most
    std::int64_t experiment_id = 0;    // its boots (0: never booted, e.g. it does not build)
    double build_seconds = 0, boot_seconds = 0;
    int boots = 0;                     // booted by this call (0 when the steps' boots were stored)
};

struct Outcome {
    enum class Kind {
        Culprit,      // patch `culprit` is the first after which the boot is slower
        NoRegression, // the bad end is not slower than the good end
        Undecided,    // whether the bad end is slower could not be told
        Ambiguous,    // skipped steps leave several suspects
    };
    Kind kind = Kind::Undecided;
    std::size_t good = 0, bad = 0;     // the ends as the search left them
    std::size_t culprit = 0;           // 1-based patch number (Culprit)
    std::vector<std::size_t> suspects; // patch numbers (Ambiguous)
    std::vector<Judgement> steps;      // in the order they were judged
    // 1: a patch made the boot slower (found or among suspects), 0: none did, 2: undecided
    int exit_code() const;
};

// The search alone: judge(k) says whether the first k patches are slower than the first `good`.
// good < bad. judge is called on the bad end first, then on steps between the ends.
Outcome search(std::size_t good, std::size_t bad, const std::function<Judgement(std::size_t)>& judge);

// What `--metric` names: "init-done", "boot-to-init", or a function ("chr_dev_init", or
// "f [module]" as the gate names spans).
// The verdict of a gate on that metric, for step k: Bad if any variant's is a regression, Good
// if every variant's is decided and none is, Skip otherwise (why says which).
Judgement judge_gate(const check::GateResult& gate, const std::string& metric, std::size_t k, std::size_t against);

struct Options {
    std::filesystem::path series;      // the series directory
    runner::ExperimentSpec experiment; // how each step boots (its kernels are replaced)
    std::string metric = "init-done";
    std::optional<std::size_t> good, bad; // patch counts; default 0 and every patch
    check::GateOptions gate;
};

struct Hooks {
    // Boots an experiment and stores its runs (resuming or reusing stored boots): the experiment
    // id, 0 when nothing was stored (cancelled). Front-ends print the boots as they like.
    std::function<std::int64_t(const runner::ExperimentSpec&)> boot;
    std::function<void(const std::string&)> message;  // progress: building, booting
    std::function<void(const Judgement&)> judged;     // each step as it is decided
    const std::atomic<bool>* cancel = nullptr;
};

// The experiment of step k against the good end: the options' experiment with its kernels
// replaced by "SERIES@K" (candidate) and "SERIES@GOOD" (baseline), interleaved.
runner::ExperimentSpec step_experiment(const Options& options, std::size_t k, std::size_t good);

// The whole bisect: checks the ends, builds the good end first (a series whose good end does not
// build cannot be bisected: Error), then searches. Throws kernel::Cancelled when cancelled.
Outcome run_bisect(store::Store& store, const Options& options, const Hooks& hooks);

} // namespace bootlab::bisect
