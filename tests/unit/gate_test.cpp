// The gate's decisions on run sets whose truth is known by construction.
#include "check/gate.h"
#include "check/run_set.h"
#include "common/error.h"
#include "store/store.h"
#include "test_util.h"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

using namespace bootlab;
using namespace bootlab::check;

namespace {

// n boots of one variant: init-done around `done` us with a +-1% spread, boot-to-init 1 s, and
// one span "probe [m]" of `probe` us.
RunSet boots(int n, double done, double probe, const std::string& variant = "v", int first_id = 1) {
    RunSet s;
    s.description = "synthetic";
    for (int i = 0; i < n; ++i) {
        RunSample r;
        r.id = first_id + i;
        r.variant = variant;
        const double wiggle = 1 + 0.01 * ((i * 7) % 5 - 2) / 2.0; // -1% .. +1%, fixed pattern
        r.boot_to_init = static_cast<model::Micros>(1e6 * wiggle);
        r.init_done = static_cast<model::Micros>(done * wiggle);
        r.spans["probe [m]"] = static_cast<model::Micros>(probe * wiggle);
        r.spans["other"] = 1000;
        s.runs.push_back(r);
    }
    return s;
}

} // namespace

TEST(Gate, SameNumbersPass) {
    GateResult g = run_gate(boots(6, 3e6, 3e5), boots(6, 3e6, 3e5, "v", 100), {});
    EXPECT_EQ(g.verdict, Verdict::Ok) << g.summary;
    EXPECT_EQ(g.exit_code(), 0);
    EXPECT_EQ(g.metrics.size(), 2u);
}

TEST(Gate, ARealSlowdownFailsAndNamesTheSpan) {
    // +300 ms in one span: init-done +10%
    GateResult g = run_gate(boots(6, 3e6, 3e5), boots(6, 3.3e6, 6e5, "v", 100), {});
    EXPECT_EQ(g.verdict, Verdict::Regression);
    EXPECT_EQ(g.exit_code(), 1);
    EXPECT_NE(g.summary.find("REGRESSION: init-done of v +9.9%"), std::string::npos) << g.summary; // HL shift / median
    EXPECT_NE(g.summary.find("probe [m]"), std::string::npos) << g.summary;
    ASSERT_FALSE(g.spans.empty());
    EXPECT_EQ(g.spans.front().name, "probe [m]");
    EXPECT_TRUE(g.spans.front().significant);
}

TEST(Gate, SignificantButSmallIsNotARegression) {
    // +1% in every boot: significant, under the 3% limit
    GateResult g = run_gate(boots(6, 3e6, 3e5), boots(6, 3.03e6, 3e5, "v", 100), {});
    EXPECT_EQ(g.verdict, Verdict::Ok) << g.summary;
}

TEST(Gate, TooFewBootsSayNotEnoughRepetitions) {
    GateResult g = run_gate(boots(3, 3e6, 3e5), boots(3, 4e6, 3e5, "v", 100), {});
    EXPECT_EQ(g.verdict, Verdict::NotEnough);
    EXPECT_EQ(g.exit_code(), 2);
    EXPECT_NE(g.metrics.front().note.find("smallest p-value"), std::string::npos);
}

TEST(Gate, VariantsThatDoNotMatchCannotDecide) {
    RunSet base = boots(6, 3e6, 3e5, "a");
    RunSet b2 = boots(6, 3e6, 3e5, "b", 50);
    base.runs.insert(base.runs.end(), b2.runs.begin(), b2.runs.end());
    RunSet cand = boots(6, 3e6, 3e5, "a", 100);
    RunSet c2 = boots(6, 3e6, 3e5, "c", 200);
    cand.runs.insert(cand.runs.end(), c2.runs.begin(), c2.runs.end());
    GateResult g = run_gate(base, cand, {});
    EXPECT_EQ(g.exit_code(), 2);
    ASSERT_EQ(g.problems.size(), 1u);
    EXPECT_NE(g.problems[0].find("'c'"), std::string::npos);
}

TEST(Gate, JunitHasACasePerMetricAndTestedSpan) {
    GateResult g = run_gate(boots(6, 3e6, 3e5), boots(6, 3.3e6, 6e5, "v", 100), {});
    std::ostringstream x;
    write_junit(x, g);
    const std::string s = x.str();
    auto count = [&](const std::string& what) {
        std::size_t n = 0;
        for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
        return n;
    };
    EXPECT_EQ(count("<testcase "), 3u); // boot-to-init, init-done, probe [m]
    EXPECT_EQ(count("<failure "), 2u);  // init-done and the span
}

TEST(RunSetFile, RoundTrips) {
    test::TempDir dir;
    RunSet a = boots(4, 3e6, 3e5);
    a.runs[1].init_done.reset();
    {
        std::ofstream o(dir / "r.json");
        write_run_set(o, a);
    }
    RunSet b = read_run_set((dir / "r.json").string());
    ASSERT_EQ(b.runs.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(b.runs[i].id, a.runs[i].id);
        EXPECT_EQ(b.runs[i].boot_to_init, a.runs[i].boot_to_init);
        EXPECT_EQ(b.runs[i].init_done, a.runs[i].init_done);
        EXPECT_EQ(b.runs[i].spans, a.runs[i].spans);
    }
    std::ofstream(dir / "bad.json") << "{\"format\": \"bootlab-runs\", \"version\": 1, \"runs\": [{\"id\": \"x\"}]}";
    try {
        read_run_set((dir / "bad.json").string());
        FAIL() << "a malformed run set was read";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.json: malformed run set"), std::string::npos) << e.what();
    }
}

TEST(Gate, HtmlAndJunitEscapeWhatCameFromLogs) {
    RunSet base = boots(6, 3e6, 3e5), cand = boots(6, 3.3e6, 6e5, "v", 100);
    for (auto* s : {&base, &cand})
        for (auto& r : s->runs) {
            r.spans["<script>alert(1)</script> [m&m]"] = r.spans["probe [m]"];
            r.variant = "v\"<b>";
        }
    GateResult g = run_gate(base, cand, {});
    std::ostringstream html, junit;
    write_gate_html(html, g);
    write_junit(junit, g);
    for (const std::string& s : {html.str(), junit.str()}) {
        EXPECT_EQ(s.find("<script>"), std::string::npos);
        EXPECT_EQ(s.find("<b>"), std::string::npos);
        EXPECT_NE(s.find("&lt;script&gt;"), std::string::npos);
    }
}

TEST(RunSetSplit, AnInterleavedExperimentSplitsByKernel) {
    RunSet s = boots(4, 3e6, 3e5, "stock/async");
    RunSet p = boots(4, 3e6, 3e5, "patched/async", 10);
    for (auto& r : s.runs) r.kernel = "6.1.0-56-amd64";
    for (auto& r : p.runs) {
        r.kernel = "6.1.192-async-lab";
        r.series = "async-lab";
    }
    s.runs.insert(s.runs.end(), p.runs.begin(), p.runs.end());
    auto ab = split_by_kernel(s, "6.1.0-56-amd64");
    ASSERT_TRUE(ab);
    EXPECT_EQ(ab->first.runs.size(), 4u);
    EXPECT_EQ(ab->second.runs.size(), 4u);
    EXPECT_EQ(ab->first.runs[0].variant, "async");  // the kernel part is gone: variants pair up
    EXPECT_EQ(ab->second.runs[0].variant, "async");
    EXPECT_EQ(ab->second.runs[0].id, 10);
    auto by_series = split_by_kernel(s, "async-lab");
    ASSERT_TRUE(by_series);
    EXPECT_EQ(by_series->first.runs[0].id, 10);
    EXPECT_FALSE(split_by_kernel(s, "no-such-kernel"));
}

// A selector can come from a network client (the service): select_runs never reads a file.
TEST(RunSelectors, ASelectorIsNeverTakenAsAPath) {
    test::TempDir dir;
    store::Store store(dir.path / "t.db");
    try {
        check::select_runs(store, "/etc/passwd");
        FAIL() << "a path was accepted as a selector";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "/etc/passwd: not a run selector (experiment:NAME|ID, runs:LIST or kernel:NAME)");
    }
    // at the command line, a path that exists is a run set file (and this one is not one)
    try {
        check::select_runs_or_file(store, "/etc/passwd");
        FAIL() << "/etc/passwd read as a run set";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("/etc/passwd: not a bootlab run set", 0), 0u) << e.what();
    }
}

namespace {

// n deterministic boots: exact replays, but for `jitter` us of block I/O jitter on the span
// and init-done (the measured worst case is 50 us on init-done, 0.5 ms on a span).
RunSet replays(int n, double done, double probe, double jitter, int first_id = 1) {
    RunSet s = boots(n, done, probe, "v", first_id);
    for (int i = 0; i < n; ++i) {
        RunSample& r = s.runs[static_cast<std::size_t>(i)];
        r.replayed = true;
        const double j = jitter * (i % 2);
        r.boot_to_init = 1'000'000;
        r.init_done = static_cast<model::Micros>(done + j);
        r.spans["probe [m]"] = static_cast<model::Micros>(probe + j);
    }
    return s;
}

} // namespace

TEST(ReplayGate, TwoAgainstTwoCatchesFiveMillisecondsAndNamesTheSpan) {
    // a 5 ms slower probe: 0.1% of a 5 s init-done, far under the 3% a noisy gate needs
    GateResult g = run_gate(replays(2, 5e6, 3e5, 50), replays(2, 5.005e6, 3.05e5, 50, 100), {});
    EXPECT_TRUE(g.replayed);
    EXPECT_EQ(g.verdict, Verdict::Regression) << g.summary;
    EXPECT_NE(g.summary.find("probe [m]"), std::string::npos) << g.summary;
    ASSERT_FALSE(g.spans.empty());
    EXPECT_EQ(g.spans.front().name, "probe [m]");
    EXPECT_TRUE(g.spans.front().regression);
    std::ostringstream out;
    print_gate(out, g);
    EXPECT_NE(out.str().find("deterministic boots on both sides"), std::string::npos) << out.str();
    std::ostringstream html;
    write_gate_html(html, g); // the report says how it was decided, not "Mann-Whitney"
    EXPECT_NE(html.str().find("Deterministic boots on both sides"), std::string::npos);
    EXPECT_EQ(html.str().find("Mann-Whitney"), std::string::npos);
}

TEST(ReplayGate, JitterUnderTheFloorIsNoChange) {
    // identical configurations, 0.5 ms of I/O jitter on the span: never flagged
    GateResult g = run_gate(replays(2, 5e6, 3e5, 500), replays(2, 5e6, 3e5, 500, 100), {});
    EXPECT_EQ(g.verdict, Verdict::Ok) << g.summary;
    for (const auto& s : g.spans) EXPECT_FALSE(s.regression) << s.name;
}

TEST(ReplayGate, ASpanSpreadWidensTheLimit) {
    // 0.8 ms of jitter on the span (under the floor on the metrics too): the limit is 3x that
    RunSet b = replays(2, 5e6, 3e5, 800), c = replays(2, 5e6, 3.02e5, 800, 100);
    GateResult g = run_gate(b, c, {});
    EXPECT_TRUE(g.replayed);
    ASSERT_FALSE(g.spans.empty());
    EXPECT_DOUBLE_EQ(g.spans.front().limit, 2400);
    EXPECT_FALSE(g.spans.front().regression);
    EXPECT_EQ(g.verdict, Verdict::Ok) << g.summary;
}

TEST(ReplayGate, BootsThatDoNotReplayAreJudgedAsSamples) {
    // init-done 2 ms apart within a side (disks on a loaded host): whatever ties the spans show
    // by luck, 2 vs 2 noisy samples decide nothing
    GateResult g = run_gate(replays(2, 5e6, 3e5, 2000), replays(2, 5.006e6, 3.06e5, 2000, 100), {});
    EXPECT_FALSE(g.replayed);
    EXPECT_EQ(g.not_replayed, "deterministic boots that do not replay: init-done of v spreads by 2.0 ms on the "
                              "baseline side (more than 1.0 ms); judged as noisy samples");
    EXPECT_EQ(g.verdict, Verdict::NotEnough) << g.summary;
    std::ostringstream out;
    print_gate(out, g);
    EXPECT_NE(out.str().find(g.not_replayed), std::string::npos) << out.str();
    std::ostringstream html;
    write_gate_html(html, g);
    EXPECT_NE(html.str().find("deterministic boots that do not replay: init-done of v spreads by 2.0 ms"), std::string::npos);
}

TEST(ReplayGate, OneBootASideCannotShowItReplays) {
    GateResult g = run_gate(replays(1, 5e6, 3e5, 0), replays(1, 6e6, 3e5, 0, 100), {});
    EXPECT_EQ(g.verdict, Verdict::NotEnough) << g.summary;
}

TEST(ReplayGate, ANoisySideMeansStatistics) {
    RunSet b = replays(2, 5e6, 3e5, 0), c = boots(2, 5.005e6, 3.05e5, "v", 100);
    GateResult g = run_gate(b, c, {});
    EXPECT_FALSE(g.replayed);
    EXPECT_EQ(g.verdict, Verdict::NotEnough) << g.summary; // 2 vs 2 decide nothing statistically
}

TEST(ReplayGate, AGivenMaxRegressionHoldsToo) {
    GateOptions o;
    o.max_regression_set = true; // 3%: a 5 ms change passes
    GateResult g = run_gate(replays(2, 5e6, 3e5, 0), replays(2, 5.005e6, 3.05e5, 0, 100), o);
    EXPECT_EQ(g.verdict, Verdict::Ok) << g.summary;
}
