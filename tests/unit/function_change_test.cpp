// check::compare_functions, the rule the GUI's compare and bootlab check's span list share, on
// boots made from a real log: every real-clock duration moved by seeded noise, the slow-probe
// driver's probes made slower by a known amount, a jiffy-timed initcall one tick longer.
#include "check/function_change.h"
#include "model/boot_builder.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <cmath>
#include <random>

namespace {
using namespace bootlab;
using check::Evidence;

constexpr const char* kProbe = "__device_attach_async_helper"; // 4 cookies of ~520 ms in this log

// One boot of async-lab-slowprobe-async.log: real-clock durations moved by up to `noise`
// (relative, seeded), each slow probe `extra` us longer, input_init (timed in 4 ms jiffies,
// 4000 us in the log) set to `input_init`.
check::RunSample boot(std::uint32_t seed, long extra, long input_init = 4000, double noise = 0.005) {
    static const std::string log = test::slurp(test::data("async-lab-slowprobe-async.log"));
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> jitter(-noise, noise);
    const model::Boot b = model::parse_boot(test::with_durations(log, [&](const std::string& fn, long n) -> long {
        if (fn == "input_init") return input_init;
        if (n % 1000 == 0) return n; // jiffy-timed: the tick does not jitter
        return n + std::lround(static_cast<double>(n) * jitter(rng)) + (fn == kProbe ? extra : 0);
    }));
    check::RunSample s;
    for (const auto& sp : b.spans) s.spans[sp.key()] += sp.duration.value_or(0);
    return s;
}

std::vector<check::RunSample> boots(std::uint32_t first_seed, int n, long extra, long input_init = 4000) {
    std::vector<check::RunSample> v;
    for (int i = 0; i < n; ++i) v.push_back(boot(first_seed + static_cast<std::uint32_t>(i), extra, input_init));
    return v;
}

std::vector<const check::RunSample*> ptrs(const std::vector<check::RunSample>& v) {
    std::vector<const check::RunSample*> p;
    for (const auto& r : v) p.push_back(&r);
    return p;
}

const check::FunctionChange& row(const std::vector<check::FunctionChange>& rows, const std::string& fn) {
    for (const auto& r : rows)
        if (r.function == fn) return r;
    throw std::runtime_error("no row " + fn);
}

long changes(const std::vector<check::FunctionChange>& rows) {
    return std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.evidence == Evidence::Change; });
}

TEST(FunctionChange, JiffyTickIsTheLargestTickEveryValueIsAMultipleOf) {
    EXPECT_EQ(check::jiffy_tick({0, 4000}, {8000}), 4000);
    EXPECT_EQ(check::jiffy_tick({0}, {10000, 20000}), 10000);
    EXPECT_EQ(check::jiffy_tick({1000}, {2000}), 1000);
    EXPECT_EQ(check::jiffy_tick({0, 0}, {0}), 0);       // never ran long enough to tell
    EXPECT_EQ(check::jiffy_tick({4000}, {4100}), 0);    // a real clock
}

TEST(FunctionChange, ASlowProbeDelayIsAChangeAndOneTickIsTheClocksResolution) {
    const auto a = boots(1, 5, 0);
    const auto b = boots(101, 5, 75'000, 8000); // 4 probes x 75 ms: 300 ms more in all
    const auto rows = check::compare_functions(ptrs(a), ptrs(b));
    const auto& probe = row(rows, kProbe);
    EXPECT_EQ(probe.evidence, Evidence::Change);
    EXPECT_NEAR(probe.delta(), 300'000, 25'000); // by construction, give or take the jitter on four ~520 ms cookies
    EXPECT_GT(probe.delta(), std::max(probe.a_spread, probe.b_spread));
    EXPECT_EQ(rows.front().function, kProbe); // real changes first
    EXPECT_EQ(changes(rows), 1) << "only the probe changed";
    const auto& tick = row(rows, "input_init");
    EXPECT_EQ(tick.tick, 4000);
    EXPECT_EQ(tick.delta(), 4000);
    EXPECT_EQ(tick.evidence, Evidence::Resolution);
}

TEST(FunctionChange, SetsOfOneConfigurationShowNoChange) {
    const auto a = boots(1, 5, 0), b = boots(201, 5, 0);
    const auto rows = check::compare_functions(ptrs(a), ptrs(b));
    EXPECT_EQ(changes(rows), 0);
    EXPECT_NE(row(rows, kProbe).evidence, Evidence::Change);
}

TEST(FunctionChange, OneBootASideIsTooFewToTell) {
    const auto a = boots(1, 1, 0), b = boots(2, 1, 75'000);
    const auto rows = check::compare_functions(ptrs(a), ptrs(b));
    EXPECT_EQ(row(rows, kProbe).evidence, Evidence::TooFew);
    EXPECT_EQ(changes(rows), 0);
}

TEST(FunctionChange, DeterministicBootsAreJudgedByTheReplayRule) {
    // replayed boots land on the same microsecond: a 5 ms (0.1%) slower probe is a change with 2 a side
    std::vector<check::RunSample> a = {boot(1, 0, 4000, 0), boot(2, 0, 4000, 0)};
    std::vector<check::RunSample> b = {boot(3, 1250, 4000, 0), boot(4, 1250, 4000, 0)};
    for (auto* side : {&a, &b})
        for (auto& r : *side) r.replayed = true;
    const auto rows = check::compare_functions(ptrs(a), ptrs(b));
    EXPECT_EQ(row(rows, kProbe).evidence, Evidence::Change);
    EXPECT_EQ(row(rows, kProbe).delta(), 5000);
    EXPECT_EQ(changes(rows), 1);
    // the same boots taken as noisy samples: 2 a side cannot reach significance
    for (auto* side : {&a, &b})
        for (auto& r : *side) r.replayed = false;
    EXPECT_EQ(changes(check::compare_functions(ptrs(a), ptrs(b))), 0);
}

} // namespace
