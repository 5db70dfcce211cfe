#pragma once
// Which functions' times differ between two sets of boots beyond what the boots themselves
// spread: the one rule behind the GUI's compare and the spans `bootlab check` lists (its text,
// JUnit and HTML report), so that they never disagree.
//  - A function's value in a boot is its time summed over its spans (async cookies of one
//    function add up); a boot in which it did not run counts 0.
//  - Jiffies: an initcall that runs before the clocksource switch is timed by the tick, so all
//    its values are multiples of 1, 4 or 10 ms (HZ 1000, 250, 100). A difference of at most one
//    tick is the clock's resolution, never a change ("+4.000 ms from 0").
//  - Deterministic boots (both sides replayed): changed when every boot of one side lies beyond
//    every boot of the other by more than kReplayFloorUs or 3x a side's own spread.
//  - Noisy boots: a function is tested when its median moved by more than the spread (max - min)
//    of either side; the tested ones are judged together, Mann-Whitney two-sided with Holm over
//    them, and the bootstrap 95% interval of the difference must exclude 0. (Testing all ~700
//    functions of a boot would drown a real change in the correction; this is the gate's way.)
#include "check/run_set.h"
#include "stats/stats.h"

#include <string>
#include <vector>

namespace bootlab::check {

// Deterministic boots: the smallest change called real. Boots of one configuration without
// disks land on the same microsecond; with disks within 0-50 us on init-done and up to 0.5 ms on
// a span around a disk read on a quiet host (more on a loaded one: replay.h), which the rule's
// "3x a side's own spread" absorbs.
constexpr double kReplayFloorUs = 1000;

// Deterministic boots: b changed from a when every b lies beyond every a by more than the limit.
struct ReplayTest {
    double limit = 0;      // max(floor, 3 x the larger side's spread, the policy's limit)
    stats::Interval range; // min(b) - max(a) .. max(b) - min(a)
    bool changed = false;  // b larger (the gate asks about regressions)
    bool differs = false;  // larger or smaller
};
ReplayTest replay_test(const std::vector<double>& a, const std::vector<double>& b, double policy_limit = 0);

enum class Evidence { Change, Noise, Resolution, TooFew };
const char* to_string(Evidence e); // "change", "within noise", "clock resolution", "too few boots"

// The tick a function was timed with (1000, 4000 or 10000 us) if every value is a multiple of
// it and one is not 0; 0 for a function timed by a real clock.
double jiffy_tick(const std::vector<double>& a, const std::vector<double>& b);

struct FunctionChange {
    std::string function;          // "do_scan_async [scsi_mod]"
    std::vector<double> a, b;      // per boot, us (0: did not run)
    int a_ran = 0, b_ran = 0;      // boots of each side it ran in
    stats::Comparison cmp;         // medians, interval, p
    double a_spread = 0, b_spread = 0; // max - min over the boots, us
    double tick = 0;               // jiffy-timed: the tick, us
    bool tested = false;           // moved beyond the spread: judged with the others
    bool replayed = false;         // deterministic boots: judged by the replay rule, no p
    Evidence evidence = Evidence::TooFew;
    double delta() const { return cmp.median_b - cmp.median_a; }
};

// Every function that ran on either side; changes first, then by |delta|, largest first.
// Deterministic rules apply when every boot of both sides is replayed, unless `as_samples`
// (the gate's deterministic boots that turned out not to replay).
std::vector<FunctionChange> compare_functions(const std::vector<const RunSample*>& a,
                                              const std::vector<const RunSample*>& b, double alpha = 0.05,
                                              bool as_samples = false);

} // namespace bootlab::check
