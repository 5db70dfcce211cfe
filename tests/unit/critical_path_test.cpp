// The critical path: on hand-made logs whose answer is known, and its invariants on every real log.
#include "model/boot_builder.h"
#include "model/critical_path.h"
#include "report/critical_path.h"
#include "test_util.h"

#include <gtest/gtest.h>

using namespace bootlab;
using K = model::CriticalLink::Kind;

namespace {
// "kind pid start end [function]" per link, in us: what a test compares against
std::vector<std::string> links_of(const model::CriticalPath& p) {
    std::vector<std::string> out;
    for (const auto& l : p.links) {
        std::string s = (l.kind == K::Span ? "span " : l.kind == K::Wait ? "wait " : "gap ") + std::to_string(l.pid) + " " +
                        std::to_string(l.start) + "-" + std::to_string(l.end);
        if (l.span) s += " " + l.span->function;
        if (l.waiter) s += " waited by " + std::to_string(*l.waiter) + " for " + std::to_string(l.waited);
        out.push_back(s);
    }
    return out;
}
} // namespace

// pid 1 runs a, then b, which schedules slow_async (cookie 1) on a worker, then c, then waits
// for the async work: the boot waited for slow_async, so c is not on the path, a and the
// first part of b (until it scheduled the cookie) are.
TEST(CriticalPath, AWaitLeadsIntoTheAsyncSpanThatReleasedIt) {
    const model::Boot b = model::parse_boot(
        "[    0.100000] calling  a_init+0x0/0x10 @ 1\n"
        "[    0.200000] initcall a_init+0x0/0x10 returned 0 after 100000 usecs\n"
        "[    0.200000] calling  b_init+0x0/0x10 @ 1\n"
        "[    0.300000] calling  1_slow_async+0x0/0x10 @ 10\n"
        "[    0.500000] initcall b_init+0x0/0x10 returned 0 after 300000 usecs\n"
        "[    0.500000] calling  c_init+0x0/0x10 @ 1\n"
        "[    0.600000] initcall c_init+0x0/0x10 returned 0 after 100000 usecs\n"
        "[    0.600000] async_waiting @ 1\n"
        "[    1.000000] initcall 1_slow_async+0x0/0x10 returned after 700000 usecs\n"
        "[    1.000100] async_continuing @ 1 after 400100 usec\n"
        "[    1.050000] Run /init as init process\n");
    const model::CriticalPath p = model::critical_path(b);
    EXPECT_EQ(p.until, "run-init");
    EXPECT_EQ(p.end, 1050000);
    EXPECT_EQ(links_of(p), (std::vector<std::string>{
                               "gap 1 0-100000",
                               "span 1 100000-200000 a_init",
                               "span 1 200000-300000 b_init",
                               "span 10 300000-1000000 slow_async waited by 1 for 400100",
                               "gap 1 1000000-1050000",
                           }));
    const auto rows = report::critical_rows(p);
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[2].what, "b_init (part)");
    EXPECT_EQ(rows[3].what, "slow_async (async #1), pid 1 waited 0.400100 s for it");
    EXPECT_NEAR(rows[3].share, 700000.0 / 1050000, 1e-9);
}

// Two async cookies: the wait is released by the one that ended last, not the longest.
TEST(CriticalPath, TheLastCookieToEndReleasesTheWait) {
    const model::Boot b = model::parse_boot(
        "[    0.100000] calling  a_init+0x0/0x10 @ 1\n"
        "[    0.110000] calling  1_long_early+0x0/0x10 @ 10\n"
        "[    0.150000] calling  2_short_late+0x0/0x10 @ 11\n"
        "[    0.200000] initcall a_init+0x0/0x10 returned 0 after 100000 usecs\n"
        "[    0.200000] async_waiting @ 1\n"
        "[    0.800000] initcall 1_long_early+0x0/0x10 returned after 690000 usecs\n"
        "[    0.900000] initcall 2_short_late+0x0/0x10 returned after 750000 usecs\n"
        "[    0.900000] async_continuing @ 1 after 700000 usec\n"
        "[    0.900000] Run /init as init process\n");
    const auto l = links_of(model::critical_path(b));
    ASSERT_GE(l.size(), 2u);
    EXPECT_EQ(l[l.size() - 1], "span 11 150000-900000 short_late waited by 1 for 700000");
    EXPECT_EQ(l[l.size() - 2], "span 1 100000-150000 a_init"); // until it scheduled cookie 2
}

// Without async work the path is pid 1's initcalls and the time between them, end to end.
TEST(CriticalPath, SyncBootIsPidOnesInitcalls) {
    const model::Boot b = model::parse_boot(
        "[    0.100000] calling  a_init+0x0/0x10 @ 1\n"
        "[    0.200000] initcall a_init+0x0/0x10 returned 0 after 100000 usecs\n"
        "[    0.250000] calling  b_init+0x0/0x10 @ 1\n"
        "[    0.400000] initcall b_init+0x0/0x10 returned 0 after 150000 usecs\n"
        "[    0.300000] calling  other_init+0x0/0x10 @ 7\n"
        "[    0.390000] initcall other_init+0x0/0x10 returned 0 after 90000 usecs\n"
        "[    0.500000] Run /init as init process\n");
    EXPECT_EQ(links_of(model::critical_path(b)), (std::vector<std::string>{
                                                      "gap 1 0-100000",
                                                      "span 1 100000-200000 a_init",
                                                      "gap 1 200000-250000",
                                                      "span 1 250000-400000 b_init",
                                                      "gap 1 400000-500000",
                                                  }));
}

// On every real log: the links cover 0..end back to back, each span link lies within its span,
// the shares add up to 1.
TEST(CriticalPath, RealLogsAreCoveredEndToEnd) {
    for (const char* name : test::kRealLogs) {
        SCOPED_TRACE(name);
        const model::Boot b = model::parse_boot(test::slurp(test::data(name)));
        const model::CriticalPath p = model::critical_path(b);
        ASSERT_FALSE(p.links.empty());
        EXPECT_EQ(p.end, b.metrics.init_done.value_or(b.metrics.boot_to_init.value_or(0)));
        EXPECT_EQ(p.links.front().start, 0);
        EXPECT_EQ(p.links.back().end, p.end);
        double share = 0;
        for (std::size_t i = 0; i < p.links.size(); ++i) {
            const auto& l = p.links[i];
            EXPECT_LT(l.start, l.end);
            if (i > 0) {
                EXPECT_EQ(p.links[i - 1].end, l.start);
            }
            if (l.span) {
                EXPECT_GE(l.start, l.span->start);
                EXPECT_LE(l.end, l.span->end());
            }
        }
        for (const auto& r : report::critical_rows(p)) share += r.share;
        EXPECT_NEAR(share, 1.0, 1e-9);
    }
}
