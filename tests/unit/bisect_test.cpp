// bisect::search, the git-bisect walk, with judges that know the answer: a series of n patches
// where the boot got slower at patch `culprit` (so step k is slower iff k >= culprit), some steps
// that cannot be judged, and ends that are not slower at all. And the parts of a series bisect
// reads: prefixes (first_patches), a series on top of another, the files a patch touches.
#include "bisect/bisect.h"
#include "kernel/source_build.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>

using namespace bootlab;
using bisect::Outcome;
using bisect::Step;

namespace {

struct Truth {
    std::size_t culprit;           // 0: no patch is slower
    std::set<std::size_t> unbuildable;
    std::vector<std::size_t> asked;
    bisect::Judgement operator()(std::size_t k) {
        asked.push_back(k);
        bisect::Judgement j;
        j.k = k;
        j.verdict = unbuildable.count(k) ? Step::Skip : culprit && k >= culprit ? Step::Bad : Step::Good;
        return j;
    }
};

Outcome run(Truth& t, std::size_t good, std::size_t bad) {
    return bisect::search(good, bad, [&](std::size_t k) { return t(k); });
}

} // namespace

TEST(BisectSearch, findsEveryCulpritInLogarithmicSteps) {
    for (std::size_t n = 1; n <= 12; ++n)
        for (std::size_t c = 1; c <= n; ++c) {
            Truth t{c, {}, {}};
            Outcome o = run(t, 0, n);
            EXPECT_EQ(o.kind, Outcome::Kind::Culprit) << "n=" << n << " culprit=" << c;
            EXPECT_EQ(o.culprit, c) << "n=" << n;
            EXPECT_EQ(o.exit_code(), 1);
            // the bad end, then halving: at most 1 + ceil(log2(n)) boots of steps
            EXPECT_LE(t.asked.size(), 1 + static_cast<std::size_t>(std::ceil(std::log2(n)))) << "n=" << n << " c=" << c;
            EXPECT_EQ(t.asked.front(), n) << "the bad end is judged first";
            EXPECT_EQ(o.steps.size(), t.asked.size());
        }
}

TEST(BisectSearch, aBadEndThatIsNotSlowerEndsAtOnce) {
    Truth t{0, {}, {}};
    Outcome o = run(t, 0, 4);
    EXPECT_EQ(o.kind, Outcome::Kind::NoRegression);
    EXPECT_EQ(o.exit_code(), 0);
    EXPECT_EQ(t.asked, std::vector<std::size_t>{4});
}

TEST(BisectSearch, aBadEndThatCannotBeJudgedIsUndecided) {
    Truth t{2, {4}, {}};
    Outcome o = run(t, 0, 4);
    EXPECT_EQ(o.kind, Outcome::Kind::Undecided);
    EXPECT_EQ(o.exit_code(), 2);
}

TEST(BisectSearch, skippedStepsAreWalkedAround) {
    // patch 4 of 4 is slower; step 2 does not build: step 1 or 3 is tried instead
    Truth t{4, {2}, {}};
    Outcome o = run(t, 0, 4);
    EXPECT_EQ(o.kind, Outcome::Kind::Culprit);
    EXPECT_EQ(o.culprit, 4u);
    EXPECT_EQ(std::set<std::size_t>(t.asked.begin(), t.asked.end()), (std::set<std::size_t>{4, 2, 1, 3}));
    // culprit 3 with step 2 unbuildable: step 1 is not slower, step 3 is, and the one step that
    // could tell patch 2 from patch 3 cannot be judged: both are suspects, as git bisect says
    Truth u{3, {2}, {}};
    Outcome p = run(u, 0, 4);
    EXPECT_EQ(p.kind, Outcome::Kind::Ambiguous);
    EXPECT_EQ(p.suspects, (std::vector<std::size_t>{2, 3}));
    EXPECT_EQ(p.exit_code(), 1);
}

TEST(BisectSearch, theEndsGivenAreRespected) {
    Truth t{6, {}, {}};
    Outcome o = run(t, 3, 8);
    EXPECT_EQ(o.culprit, 6u);
    for (auto k : t.asked) EXPECT_TRUE(k > 3 && k <= 8) << k;
    EXPECT_THROW(bisect::search(4, 4, [&](std::size_t k) { return t(k); }), Error);
}

namespace {
std::filesystem::path write_series(const std::filesystem::path& dir, const std::vector<std::string>& patches,
                                   const std::string& on_top_of) {
    std::filesystem::create_directories(dir);
    std::ofstream list(dir / "series");
    for (const auto& p : patches) {
        list << p << "\n";
        std::ofstream(dir / p) << "Subject: [PATCH] " << p << "\n---\n--- a/f/" << p << ".c\n+++ b/f/" << p
                               << ".c\n@@ -1 +1 @@\n-x\n+y\n";
    }
    if (on_top_of.empty()) std::ofstream(dir / "config") << "CONFIG_SMP=y\n";
    else std::ofstream(dir / "on-top-of") << on_top_of << "\n";
    return dir;
}
} // namespace

TEST(BisectSeries, prefixesOfASeriesOnTopOfAnother) {
    const auto root = std::filesystem::temp_directory_path() / ("bisect-test-" + std::to_string(::getpid()));
    write_series(root / "base", {"b1.patch", "b2.patch"}, "");
    write_series(root / "mine", {"m1.patch", "m2.patch", "m3.patch"}, "../base");
    const kernel::Series s = kernel::load_series(root / "mine");
    EXPECT_EQ(s.tree, "base") << "shares the base's object tree";
    EXPECT_EQ(s.own_first, 2u);
    EXPECT_EQ(s.own_count(), 3u);
    EXPECT_EQ(s.fragment, root / "base" / "config") << "the base's fragment, having none of its own";
    const kernel::Series two = kernel::first_patches(s, 2);
    EXPECT_EQ(two.name, "mine@2");
    ASSERT_EQ(two.patches.size(), 4u);
    EXPECT_EQ(two.patches.back().filename(), "m2.patch");
    EXPECT_EQ(kernel::first_patches(s, 0).patches.size(), 2u) << "@0 is the base alone";
    EXPECT_THROW(kernel::first_patches(s, 4), Error);
    EXPECT_EQ(kernel::patch_subject(s.patches.back()), "m3.patch");
    EXPECT_EQ(kernel::patched_files(s.patches.back()), std::vector<std::string>{"f/m3.patch.c"});
    EXPECT_EQ(kernel::split_patch_count("mine@12"), (std::pair<std::string, int>{"mine", 12}));
    EXPECT_EQ(kernel::split_patch_count("mine"), (std::pair<std::string, int>{"mine", -1}));
    EXPECT_THROW(kernel::split_patch_count("mine@x"), Error);
    // a loop of on-top-of is an error naming the file, not a stack overflow
    std::ofstream(root / "base" / "on-top-of") << "../mine\n";
    try {
        kernel::load_series(root / "mine");
        ADD_FAILURE() << "a loop loaded";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("on-top-of:1:"), std::string::npos) << e.what();
    }
    std::filesystem::remove_all(root);
}
