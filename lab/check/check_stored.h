#pragma once
// The check workflow after the boots: which boots are compared with which, and the verdict.
// `bootlab check` (after booting, or with --candidate) and the service's POST /api/check both
// call this, so a verdict means the same whichever front-end gave it.
#include "check/gate.h"
#include "check/run_set.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

namespace bootlab::check {

struct Sides {
    RunSet baseline, candidate;
};

// How the candidate's boots are split from or matched with the baseline:
//   boot:FILE, boot-kernel:NAME  the candidate experiment booted both sides interleaved
//                                (`booted` must be true): its runs are split by side;
//   kernel:NAME                  the candidate's runs of that kernel are the baseline, when it
//                                has both; else every stored run of that kernel;
//   anything else                a selector of stored runs (run_set.h), the candidate's excluded;
//                                a run set file only when `allow_files` (never over a network).
Sides choose_sides(store::Store& store, RunSet candidate, const std::string& baseline, bool booted,
                   bool allow_files);

// The one experiment all of a set's runs belong to; 0 when they belong to several.
std::int64_t common_experiment(store::Store& store, const RunSet& set);

struct StoredCheck {
    GateResult gate;
    std::int64_t experiment_id = 0; // the candidate's experiment (for the report), 0 if several
};
// The gate over stored runs: both selectors name runs of the database (run_set.h), the
// baseline may also be a file when `allow_files`.
StoredCheck check_stored(store::Store& store, const std::string& candidate, const std::string& baseline,
                         const GateOptions& options, bool allow_files);

// The verdict as JSON (`bootlab check --json`, POST /api/check): times in microseconds.
nlohmann::json gate_json(const GateResult& g);

} // namespace bootlab::check
