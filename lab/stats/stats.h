#pragma once
// Statistics for small, noisy samples of boot times (3-10 boots per side, CV 2-10% under TCG):
// rank tests and resampling, no normality assumed.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace bootlab::stats {

// The middle value, or the mean of the two middle values; 0 for none. The one median of
// bootlab: the summary, the report, the gate, the GUI and the service all call it (for times
// in microseconds the mean of the middle two is rounded toward the lower one).
template <class T>
T median(std::vector<T> v) {
    if (v.empty()) return 0;
    const std::size_t n = v.size();
    std::nth_element(v.begin(), v.begin() + n / 2, v.end());
    const T upper = v[n / 2];
    if (n % 2) return upper;
    const T lower = *std::max_element(v.begin(), v.begin() + n / 2);
    return lower + (upper - lower) / 2;
}
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

// Two samples compared, b against a: the numbers the gate, the summary's verdict between
// variants and the GUI's compare print. Empty sides give zeros and p = 1.
struct Comparison {
    std::size_t n_a = 0, n_b = 0;
    double median_a = 0, median_b = 0;
    double shift = 0;            // Hodges-Lehmann estimate of b - a
    Interval interval;           // bootstrap 95% of median(b) - median(a)
    double p_greater = 1;        // one-sided Mann-Whitney: b is larger
    double p_less = 1;           // one-sided: b is smaller
    double p_two_sided() const { return std::min(1.0, 2 * std::min(p_greater, p_less)); }
    // whether samples of these sizes can reach p <= alpha two-sided at all
    bool decidable(double alpha) const { return n_a >= 2 && n_b >= 2 && 2 * smallest_p(n_a, n_b) <= alpha; }
    // a difference shown: significant two-sided, and the interval does not include 0
    bool differs(double alpha) const {
        return decidable(alpha) && p_two_sided() <= alpha && (interval.low > 0 || interval.high < 0);
    }
};
Comparison compare(const std::vector<double>& a, const std::vector<double>& b);

// Holm-Bonferroni: which of these p-values are significant at family-wise level alpha.
std::vector<bool> holm(const std::vector<double>& p, double alpha);

} // namespace bootlab::stats
