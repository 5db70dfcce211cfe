#include "stats/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace bootlab::stats {

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(pos);
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

double smallest_p(std::size_t n, std::size_t m) {
    double c = 1; // C(n + m, n), as a double: fine for any sample size used here
    for (std::size_t i = 1; i <= n; ++i) c = c * static_cast<double>(m + i) / static_cast<double>(i);
    return 1 / c;
}

namespace {

// Mid-ranks (1-based) of the pooled sample.
std::vector<double> ranks(const std::vector<double>& pooled) {
    std::vector<std::size_t> idx(pooled.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](auto x, auto y) { return pooled[x] < pooled[y]; });
    std::vector<double> r(pooled.size());
    for (std::size_t i = 0; i < idx.size();) {
        std::size_t j = i;
        while (j + 1 < idx.size() && pooled[idx[j + 1]] == pooled[idx[i]]) ++j;
        const double mid = (static_cast<double>(i + j) / 2) + 1;
        for (std::size_t k = i; k <= j; ++k) r[idx[k]] = mid;
        i = j + 1;
    }
    return r;
}

// Every way of choosing which m of the pooled ranks belong to b: the exact null distribution of
// the rank sum of b (C(20, 10) = 184756 arrangements at most).
void rank_sums(const std::vector<double>& r, std::size_t start, std::size_t left, double sum,
               std::vector<double>* out) {
    if (left == 0) {
        out->push_back(sum);
        return;
    }
    for (std::size_t i = start; i + left <= r.size(); ++i) rank_sums(r, i + 1, left - 1, sum + r[i], out);
}

} // namespace

RankTest mann_whitney(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = a.size(), m = b.size();
    if (n == 0 || m == 0) throw std::invalid_argument("mann_whitney: empty sample");
    std::vector<double> pooled(a);
    pooled.insert(pooled.end(), b.begin(), b.end());
    const std::vector<double> r = ranks(pooled);
    double rb = 0;
    for (std::size_t j = 0; j < m; ++j) rb += r[n + j];
    RankTest t;
    const double md = static_cast<double>(m);
    t.u = rb - md * (md + 1) / 2;
    const double eps = 1e-9;
    if (n + m <= 20) {
        std::vector<double> sums;
        rank_sums(r, 0, m, 0, &sums);
        const double total = static_cast<double>(sums.size());
        double ge = 0, le = 0;
        for (double s : sums) {
            ge += s >= rb - eps;
            le += s <= rb + eps;
        }
        t.p_greater = ge / total;
        t.p_less = le / total;
        return t;
    }
    // normal approximation: mean nm/2, variance with the tie correction
    const double nd = static_cast<double>(n), N = nd + md;
    double ties = 0;
    std::vector<double> sorted(r);
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size();) {
        std::size_t j = i;
        while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
        const double k = static_cast<double>(j - i);
        ties += k * k * k - k;
        i = j;
    }
    const double mean = nd * md / 2;
    const double sd = std::sqrt(nd * md / 12 * ((N + 1) - ties / (N * (N - 1))));
    auto upper = [](double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); };
    if (sd == 0) {
        t.p_greater = t.p_less = 1;
        return t;
    }
    t.p_greater = upper((t.u - mean - 0.5) / sd);
    t.p_less = upper((mean - t.u - 0.5) / sd);
    return t;
}

double hodges_lehmann(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> d;
    d.reserve(a.size() * b.size());
    for (double x : a)
        for (double y : b) d.push_back(y - x);
    return median(std::move(d));
}

Interval bootstrap_median_difference(const std::vector<double>& a, const std::vector<double>& b, double level,
                                     int resamples, std::uint64_t seed) {
    if (a.empty() || b.empty()) return {};
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick_a(0, a.size() - 1), pick_b(0, b.size() - 1);
    std::vector<double> diffs, ra(a.size()), rb(b.size());
    diffs.reserve(static_cast<std::size_t>(resamples));
    for (int i = 0; i < resamples; ++i) {
        for (auto& x : ra) x = a[pick_a(rng)];
        for (auto& y : rb) y = b[pick_b(rng)];
        diffs.push_back(median(rb) - median(ra));
    }
    std::sort(diffs.begin(), diffs.end());
    const double tail = (1 - level) / 2;
    auto at = [&](double q) {
        auto i = static_cast<std::size_t>(std::floor(q * static_cast<double>(diffs.size() - 1) + 0.5));
        return diffs[std::min(i, diffs.size() - 1)];
    };
    return {at(tail), at(1 - tail)};
}

Comparison compare(const std::vector<double>& a, const std::vector<double>& b) {
    Comparison c;
    c.n_a = a.size();
    c.n_b = b.size();
    if (a.empty() || b.empty()) return c;
    c.median_a = median(a);
    c.median_b = median(b);
    c.shift = hodges_lehmann(a, b);
    c.interval = bootstrap_median_difference(a, b);
    const RankTest t = mann_whitney(a, b);
    c.p_greater = t.p_greater;
    c.p_less = t.p_less;
    return c;
}

std::vector<bool> holm(const std::vector<double>& p, double alpha) {
    std::vector<std::size_t> idx(p.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](auto x, auto y) { return p[x] < p[y]; });
    std::vector<bool> sig(p.size(), false);
    for (std::size_t k = 0; k < idx.size(); ++k) {
        if (p[idx[k]] > alpha / static_cast<double>(idx.size() - k)) break;
        sig[idx[k]] = true;
    }
    return sig;
}

} // namespace bootlab::stats
