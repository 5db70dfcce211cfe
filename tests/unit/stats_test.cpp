// The gate's statistics against values worked out by hand (exact null distributions of U for
// tiny samples) or by brute force (random permutations), never against themselves.
#include "stats/stats.h"

#include <gtest/gtest.h>
#include <random>

using namespace bootlab::stats;

TEST(MannWhitney, ExactForTinySamples) {
    // n = m = 3: the 20 arrangements give U = 0..9 with counts 1 1 2 3 3 3 3 2 1 1
    RankTest t = mann_whitney({1, 2, 3}, {4, 5, 6});
    EXPECT_EQ(t.u, 9);
    EXPECT_DOUBLE_EQ(t.p_greater, 1.0 / 20);
    EXPECT_DOUBLE_EQ(t.p_less, 1.0);
    RankTest s = mann_whitney({1, 3, 5}, {2, 4, 6}); // U = 1 + 2 + 3 = 6
    EXPECT_EQ(s.u, 6);
    EXPECT_DOUBLE_EQ(s.p_greater, (3 + 2 + 1 + 1) / 20.0);
    EXPECT_DOUBLE_EQ(s.p_less, (1 + 1 + 2 + 3 + 3 + 3 + 3) / 20.0);
}

TEST(MannWhitney, TiesCountHalf) {
    RankTest t = mann_whitney({1, 2}, {2, 3}); // pairs: 2>1, 2=2 (1/2), 3>1, 3>2
    EXPECT_DOUBLE_EQ(t.u, 3.5);
}

TEST(MannWhitney, ExactAndApproximateAgreeWithRandomPermutations) {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> noise(0, 1);
    for (std::size_t n : {5u, 8u, 15u}) { // 5+5, 8+8 exact; 15+15 normal approximation
        std::vector<double> a(n), b(n);
        for (auto& x : a) x = noise(rng);
        for (auto& y : b) y = noise(rng) + 0.6;
        const double p = mann_whitney(a, b).p_greater;
        // brute force: shuffle the pooled sample, count U at least as large
        std::vector<double> pooled(a);
        pooled.insert(pooled.end(), b.begin(), b.end());
        auto u_of = [&](const std::vector<double>& v) {
            double u = 0;
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = n; j < 2 * n; ++j) u += v[j] > v[i] ? 1 : v[j] == v[i] ? 0.5 : 0;
            return u;
        };
        const double u0 = u_of(pooled);
        int hits = 0;
        const int trials = 20000;
        for (int k = 0; k < trials; ++k) {
            std::shuffle(pooled.begin(), pooled.end(), rng);
            hits += u_of(pooled) >= u0 - 1e-9;
        }
        EXPECT_NEAR(p, static_cast<double>(hits) / trials, 0.012) << "n = " << n;
    }
}

TEST(MannWhitney, SmallestPossibleP) {
    EXPECT_DOUBLE_EQ(smallest_p(3, 3), 1.0 / 20);
    EXPECT_DOUBLE_EQ(smallest_p(5, 5), 1.0 / 252);
    EXPECT_DOUBLE_EQ(smallest_p(2, 3), 1.0 / 10);
}

TEST(Shift, HodgesLehmannIsTheMedianPairwiseDifference) {
    EXPECT_DOUBLE_EQ(hodges_lehmann({0, 0, 0}, {1, 2, 3}), 2);
    EXPECT_DOUBLE_EQ(hodges_lehmann({10, 20}, {15, 40}), 12.5); // differences {5, 30, -5, 20}
}

TEST(Shift, BootstrapIntervalHoldsTheTrueShift) {
    std::vector<double> a = {10, 11, 12, 13, 14, 15, 16}, b;
    for (double x : a) b.push_back(x + 5);
    Interval i = bootstrap_median_difference(a, b);
    EXPECT_LE(i.low, 5);
    EXPECT_GE(i.high, 5);
    EXPECT_GT(i.low, 0); // and excludes no change: the samples barely overlap
    Interval same = bootstrap_median_difference(a, b);
    EXPECT_EQ(same.low, i.low); // fixed seed: reproducible
}

TEST(Holm, StepsDownAndStops) {
    auto s = holm({0.01, 0.04, 0.03}, 0.05); // 0.01 <= .05/3; 0.03 > .05/2: stop
    EXPECT_EQ(s, (std::vector<bool>{true, false, false}));
    EXPECT_EQ(holm({0.001, 0.02}, 0.05), (std::vector<bool>{true, true}));
}

TEST(Quantile, MatchesRType7) {
    // R: quantile(c(7, 1, 3, 10), c(0, .25, .5, .75, 1), type = 7) -> 1, 2.5, 5, 7.75, 10
    const std::vector<double> v{7, 1, 3, 10};
    EXPECT_DOUBLE_EQ(bootlab::stats::quantile(v, 0), 1);
    EXPECT_DOUBLE_EQ(bootlab::stats::quantile(v, 0.25), 2.5);
    EXPECT_DOUBLE_EQ(bootlab::stats::quantile(v, 0.5), 5);
    EXPECT_DOUBLE_EQ(bootlab::stats::quantile(v, 0.75), 7.75);
    EXPECT_DOUBLE_EQ(bootlab::stats::quantile(v, 1), 10);
    EXPECT_DOUBLE_EQ(bootlab::stats::quantile({4}, 0.3), 4);
}
