#pragma once
// A set of boots to compare: what the regression gate reads of each ok run. Loaded from the
// database by a selector, or from a file written by `bootlab export --format runs`.
//
//   experiment:NAME   the newest experiment of that name     experiment:ID   that experiment
//   runs:1-5,9        these runs                             kernel:NAME     every run of a kernel
//                                                            (version or patch series)
//   FILE              a run set exported by `bootlab export RUN... --format runs`
//   SELECTOR@VARIANT  only that variant's runs (experiment:default@scan-sync)
#include "model/boot.h"
#include "store/store.h"

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace bootlab::check {

struct RunSample {
    std::int64_t id = 0;
    std::string experiment;
    std::string variant;
    std::string kernel;                          // version
    std::string series;                          // patch series of a source-built kernel
    std::string host;                            // where it booted
    bool replayed = false;                       // deterministic (-icount): exact, not noisy
    std::optional<model::Micros> boot_to_init, init_done;
    std::map<std::string, model::Micros> spans;  // "function [module]" -> time in this boot (summed)
    std::map<std::string, model::Micros> host_intervals; // host-clock interval (firmware, kernel, ...) -> us
};

struct RunSet {
    std::string description;   // what was selected, for messages: "experiment default (id 3)"
    std::vector<RunSample> runs; // ok runs only
};

RunSample sample_of(store::Store& store, const store::RunInfo& run);

// "on alpha (3 boots), beta (3 boots)": where a set's boots ran ("" if no host is known).
std::string hosts_of(const RunSet& set);

// Runs of the database: experiment:NAME|ID, runs:LIST or kernel:NAME. Never reads a file, so it
// is safe for selectors that come from a network client. Throws Error naming the selector
// when it selects nothing. Runs in `exclude` (the candidate's) are never part of a baseline.
RunSet select_runs(store::Store& store, const std::string& selector,
                   const std::vector<std::int64_t>& exclude = {});
// The same, for a person at the command line: also a run set file (file:PATH, or a path that
// exists), as `bootlab export --format runs` writes them.
RunSet select_runs_or_file(store::Store& store, const std::string& selector,
                           const std::vector<std::int64_t>& exclude = {});
RunSet experiment_runs(store::Store& store, std::int64_t experiment_id);

// Interleaved A/B: the runs of kernel `name` (version or series) in `set` become the baseline and
// the others the candidate, their variants without the kernel part ("stock/async" -> "async").
// Both were booted in one shuffled order, so a drifting host slows both alike. Nullopt when
// `set` has no runs of that kernel or only those.
std::optional<std::pair<RunSet, RunSet>> split_by_kernel(const RunSet& set, const std::string& name);

// An interleaved check's experiment (runner::interleave): runs labelled "baseline:LABEL" become
// the baseline and "candidate:LABEL" the candidate, both as LABEL. Nullopt unless it has both.
std::optional<std::pair<RunSet, RunSet>> split_by_side(const RunSet& set);

// The `--format runs` file: JSON {"format": "bootlab-runs", "version": 1, "runs": [...]}.
void write_run_set(std::ostream& out, const RunSet& set);
RunSet read_run_set(const std::string& file); // errors name the file
RunSet parse_run_set(std::string_view text, const std::string& file); // the same, from text

} // namespace bootlab::check
