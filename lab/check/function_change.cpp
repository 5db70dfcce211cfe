#include "check/function_change.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace bootlab::check {

ReplayTest replay_test(const std::vector<double>& a, const std::vector<double>& b, double policy_limit) {
    const auto [a_lo, a_hi] = std::minmax_element(a.begin(), a.end());
    const auto [b_lo, b_hi] = std::minmax_element(b.begin(), b.end());
    ReplayTest t;
    t.limit = std::max({kReplayFloorUs, 3 * std::max(*a_hi - *a_lo, *b_hi - *b_lo), policy_limit});
    t.range = {*b_lo - *a_hi, *b_hi - *a_lo};
    t.changed = t.range.low > t.limit;
    t.differs = t.changed || t.range.high < -t.limit;
    return t;
}

const char* to_string(Evidence e) {
    switch (e) {
    case Evidence::Change: return "change";
    case Evidence::Noise: return "within noise";
    case Evidence::Resolution: return "clock resolution";
    case Evidence::TooFew: return "too few boots";
    }
    return "?";
}

double jiffy_tick(const std::vector<double>& a, const std::vector<double>& b) {
    bool any = false;
    for (double tick : {10000.0, 4000.0, 1000.0}) {
        bool all = true;
        for (const auto* side : {&a, &b})
            for (double v : *side) {
                all = all && std::fmod(v, tick) == 0;
                any = any || v != 0;
            }
        if (all && any) return tick;
    }
    return 0;
}

namespace {

double spread(const std::vector<double>& v) {
    if (v.empty()) return 0;
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return *hi - *lo;
}

bool all_replayed(const std::vector<const RunSample*>& runs) {
    return !runs.empty() && std::all_of(runs.begin(), runs.end(), [](const RunSample* r) { return r->replayed; });
}

} // namespace

std::vector<FunctionChange> compare_functions(const std::vector<const RunSample*>& a,
                                              const std::vector<const RunSample*>& b, double alpha, bool as_samples) {
    std::set<std::string> names;
    for (const auto* side : {&a, &b})
        for (const RunSample* r : *side)
            for (const auto& [f, us] : r->spans) names.insert(f);
    const bool replayed = !as_samples && all_replayed(a) && all_replayed(b);
    auto values = [](const std::vector<const RunSample*>& runs, const std::string& f, int* ran) {
        std::vector<double> v;
        for (const RunSample* r : runs) {
            auto it = r->spans.find(f);
            v.push_back(it == r->spans.end() ? 0.0 : static_cast<double>(it->second));
            *ran += it != r->spans.end();
        }
        return v;
    };
    std::vector<FunctionChange> out;
    std::vector<std::size_t> tested; // rows judged together (noisy boots)
    for (const std::string& f : names) {
        FunctionChange c;
        c.function = f;
        c.a = values(a, f, &c.a_ran);
        c.b = values(b, f, &c.b_ran);
        // the rest of stats::compare (the bootstrap interval) only for tested rows: ~700 functions
        c.cmp.n_a = c.a.size();
        c.cmp.n_b = c.b.size();
        c.cmp.median_a = stats::median(c.a);
        c.cmp.median_b = stats::median(c.b);
        const stats::RankTest mw = stats::mann_whitney(c.a, c.b);
        c.cmp.p_greater = mw.p_greater;
        c.cmp.p_less = mw.p_less;
        c.a_spread = spread(c.a);
        c.b_spread = spread(c.b);
        c.tick = jiffy_tick(c.a, c.b);
        if (c.tick > 0 && std::abs(c.delta()) <= c.tick) {
            c.evidence = Evidence::Resolution;
        } else if (c.a.size() < 2 || c.b.size() < 2) {
            c.evidence = Evidence::TooFew;
        } else if (replayed) {
            c.tested = c.replayed = true;
            c.evidence = replay_test(c.a, c.b).differs ? Evidence::Change : Evidence::Noise;
        } else {
            c.evidence = c.cmp.decidable(alpha) ? Evidence::Noise : Evidence::TooFew;
            c.tested = c.evidence == Evidence::Noise && std::abs(c.delta()) > std::max(c.a_spread, c.b_spread);
            if (c.tested) tested.push_back(out.size());
        }
        out.push_back(std::move(c));
    }
    std::vector<double> p;
    for (std::size_t i : tested) p.push_back(out[i].cmp.p_two_sided());
    const std::vector<bool> significant = stats::holm(p, alpha);
    for (std::size_t k = 0; k < tested.size(); ++k) {
        FunctionChange& c = out[tested[k]];
        c.cmp = stats::compare(c.a, c.b); // with its interval
        const stats::Interval& iv = c.cmp.interval;
        if (significant[k] && (iv.low > 0 || iv.high < 0)) c.evidence = Evidence::Change;
    }
    std::stable_sort(out.begin(), out.end(), [](const FunctionChange& x, const FunctionChange& y) {
        const bool xc = x.evidence == Evidence::Change, yc = y.evidence == Evidence::Change;
        if (xc != yc) return xc;
        return std::abs(x.delta()) > std::abs(y.delta());
    });
    return out;
}

} // namespace bootlab::check
