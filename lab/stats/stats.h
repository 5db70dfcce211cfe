#pragma once
// Statistics for small, noisy samples of boot times (3-10 boots per side, CV 2-10% under TCG):
// rank tests and resampling, no normality assumed.
#include <cstdint>
#include <vector>

namespace bootlab::stats {

double median(std::vector<double> v);
// Linear interpolation between closest ranks (R's type 7, what box plots usually draw).
double quantile(std::vector<double> v, double q);

// Mann-Whitney U test, one-sided: is `b` stochastically greater than `a`? Exact (all
// rank arrangements, ties by mid-ranks) up to n + m = 20, normal approximation with tie and
// continuity correction above.
struct RankTest {
    double u = 0;        // U of b: pairs (a_i, b_j) with b_j > a_i, ties counted 1/2
    double p_greater = 1; // P(U >= u) under "same distribution": small when b is larger
    double p_less = 1;    // P(U <= u): small when b is smaller
};
RankTest mann_whitney(const std::vector<double>& a, const std::vector<double>& b);

// The smallest one-sided p-value samples of these sizes can reach: 1 / C(n + m, n). Below alpha
// no test can decide, whatever the data: say "not enough repetitions" instead of guessing.
double smallest_p(std::size_t n, std::size_t m);

// Hodges-Lehmann shift: the median of all differences b_j - a_i.
double hodges_lehmann(const std::vector<double>& a, const std::vector<double>& b);

// Percentile bootstrap confidence interval of median(b) - median(a), resampling each side
// with replacement. A fixed seed: the same data give the same interval.
struct Interval {
    double low = 0, high = 0;
};
Interval bootstrap_median_difference(const std::vector<double>& a, const std::vector<double>& b,
                                     double level = 0.95, int resamples = 4000, std::uint64_t seed = 1);

// Holm-Bonferroni: which of these p-values are significant at family-wise level alpha.
std::vector<bool> holm(const std::vector<double>& p, double alpha);

} // namespace bootlab::stats
