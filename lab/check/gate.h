#pragma once
// The regression gate: a candidate run set against a baseline, per variant, with a one-sided
// Mann-Whitney test, Holm over every comparison made, and a minimum effect: a regression is
// significant AND confidently larger than --max-regression: the lower end of the bootstrap 95%
// interval of the shift must be above the limit. (A point estimate above the limit is not
// enough: on a shared machine whole run sets drift by several percent, measured by
// tests/bench/gate_fp_bench.sh.)
//   - boot-to-init and init-done (the named intervals a boot is judged by): larger by more than
//     max-regression of their baseline median;
//   - spans (per function): those whose median grew by more than max-regression of the boot
//     (init-done, else boot-to-init) are tested too. A 300 ms slower initcall is a regression
//     even when the whole boot is too noisy to show it; spans that moved less are listed, not
//     tested (testing hundreds of spans would drown the real ones in the correction).
// Too few boots to ever reach significance is "not enough repetitions", never a guess.
//
// Deterministic boots (-icount on both sides: RunSample::replayed) are not samples of a noisy
// quantity: a configuration replays to within block I/O jitter (tests/bench/replay_bench.sh).
// There the gate needs no statistics and as few as 2 boots a side: a metric or span changed
// when every candidate boot lies beyond every baseline boot by more than the replay floor
// (kReplayFloorUs) or three times the larger side's own spread, whichever is more; and by more
// than --max-regression only when that was given. That they replay is checked, not assumed:
// where a metric spreads by more than the floor on either side (disks on a loaded host), the
// boots are judged as noisy samples instead.
#include "check/function_change.h"
#include "check/run_set.h"
#include "stats/stats.h"

#include <ostream>
#include <string>
#include <vector>

namespace bootlab::check {

struct GateOptions {
    double max_regression = 0.03; // relative: 3%
    double alpha = 0.05;          // family-wise, over all metrics of all variants
    std::size_t spans = 5;        // spans to list per variant
    bool max_regression_set = false; // given by the user: then deterministic boots use it too
    // Host-clock intervals judged as metrics too ("kernel", "userspace": model::host_intervals),
    // as "host-kernel" and so on. Never taken as deterministic: the host's clock does not replay.
    std::vector<std::string> host_metrics;
};

enum class Verdict { Ok, Regression, NotEnough };
const char* to_string(Verdict v);

struct MetricCheck {
    std::string variant, metric;           // metric: "boot-to-init" | "init-done" | "host-NAME"
    std::vector<double> baseline, candidate; // microseconds
    double baseline_median = 0, candidate_median = 0;
    double shift = 0;                      // Hodges-Lehmann, us
    double relative = 0;                   // shift / baseline median
    stats::Interval interval;              // bootstrap 95% of the median difference, us
    double p = 1;                          // one-sided: candidate slower
    bool significant = false;              // after Holm
    double limit = 0;                      // max-regression x baseline median, us
    Verdict verdict = Verdict::NotEnough;
    std::string note;
};

struct SpanMove {
    std::string variant, name;
    double baseline_median = 0, candidate_median = 0, p = 1;
    std::size_t n_baseline = 0, n_candidate = 0;
    double limit = 0;          // max-regression x the boot (init-done, else boot-to-init), us
    bool tested = false;       // grew by more than the limit: part of the gate
    bool significant = false;  // after Holm, with the metrics
    stats::Interval interval;  // bootstrap 95% of the median difference (tested spans)
    bool regression = false;   // significant, and the whole interval above the limit
    Evidence evidence = Evidence::TooFew; // beyond the boots' spread? (function_change.h: as the GUI says)
    double tick = 0;           // timed in jiffies: the tick, us
    double delta() const { return candidate_median - baseline_median; }
};

struct GateResult {
    std::string baseline, candidate;       // descriptions
    GateOptions options;
    std::vector<MetricCheck> metrics;
    std::vector<SpanMove> spans;           // per variant, largest increases first
    std::vector<std::string> problems;     // variants that could not be compared, and why
    Verdict verdict = Verdict::NotEnough;
    bool replayed = false;                 // deterministic boots on both sides: decided exactly
    std::string not_replayed;              // why deterministic boots were judged as noisy after all
    std::string summary;                   // one line
    int exit_code() const { return verdict == Verdict::Ok ? 0 : verdict == Verdict::Regression ? 1 : 2; }
};

GateResult run_gate(const RunSet& baseline, const RunSet& candidate, const GateOptions& options);

void print_gate(std::ostream& out, const GateResult& r);
// One metric's or one span's evidence, one line as print_gate writes it (no indent, no newline).
std::string metric_line(const GateResult& r, const MetricCheck& m);
std::string span_line(const GateResult& r, const SpanMove& s);
void write_junit(std::ostream& out, const GateResult& r);
void write_gate_html(std::ostream& out, const GateResult& r); // a section for the HTML report

} // namespace bootlab::check
