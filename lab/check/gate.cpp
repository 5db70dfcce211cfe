#include "check/gate.h"

#include "common/escape.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

namespace bootlab::check {

const char* to_string(Verdict v) {
    switch (v) {
    case Verdict::Ok: return "ok";
    case Verdict::Regression: return "REGRESSION";
    case Verdict::NotEnough: return "not enough repetitions";
    }
    return "?";
}

namespace {

using Samples = std::map<std::string, std::vector<const RunSample*>>; // variant -> runs

Samples by_variant(const RunSet& s) {
    Samples m;
    for (const auto& r : s.runs) m[r.variant].push_back(&r);
    return m;
}

// A metric as read from one boot: nullopt where the boot does not have it.
using MetricOf = std::function<std::optional<model::Micros>(const RunSample&)>;

std::vector<double> values(const std::vector<const RunSample*>& runs, const MetricOf& metric) {
    std::vector<double> v;
    for (const auto* r : runs)
        if (auto x = metric(*r)) v.push_back(static_cast<double>(*x));
    return v;
}

bool on_host_clock(const std::string& metric) { return metric.rfind("host-", 0) == 0; }

// one number, printf-formatted
std::string fmt(const char* format, double v) {
    char b[48];
    std::snprintf(b, sizeof b, format, v);
    return b;
}
std::string secs(double us) { return fmt("%.3f s", us / 1e6); }
std::string ms(double us) { return fmt("%.1f ms", us / 1e3); }
std::string ms_signed(double us) { return fmt("%+.1f ms", us / 1e3); }
std::string pct(double r) { return fmt("%+.1f%%", 100 * r); }
std::string num(double p) { return fmt(p < 0.001 ? "%.1e" : "%.3f", p); }

// What the boots show of a span, as the GUI's compare says it (function_change.h)
std::string evidence(const SpanMove& s) {
    if (s.evidence == Evidence::Resolution) return fmt("%.0f ms ticks: clock resolution", s.tick / 1000);
    if (s.evidence == Evidence::Change) return "beyond the boots' spread";
    if (s.evidence == Evidence::Noise) return "within the boots' spread";
    return "too few boots to tell";
}

// Why boots taken as deterministic do not replay ("" if they do): a metric that spreads by more
// than the floor on one side.
std::string replay_broken(const std::vector<MetricCheck>& metrics) {
    for (const MetricCheck& m : metrics)
        for (const auto* side : {&m.baseline, &m.candidate}) {
            if (side->size() < 2 || on_host_clock(m.metric)) continue;
            const auto [lo, hi] = std::minmax_element(side->begin(), side->end());
            if (*hi - *lo > kReplayFloorUs)
                return "deterministic boots that do not replay: " + m.metric + " of " + m.variant + " spreads by " +
                       ms(*hi - *lo) + " on the " + (side == &m.baseline ? "baseline" : "candidate") +
                       " side (more than " + ms(kReplayFloorUs) + "); judged as noisy samples";
        }
    return "";
}

} // namespace

GateResult run_gate(const RunSet& baseline, const RunSet& candidate, const GateOptions& opt) {
    GateResult g;
    // where the boots ran belongs with every verdict: two hosts are two instruments
    auto described = [](const RunSet& set) {
        const std::string on = hosts_of(set);
        return set.description + (on.empty() ? "" : ", " + on);
    };
    g.baseline = described(baseline);
    g.candidate = described(candidate);
    g.options = opt;
    Samples base = by_variant(baseline), cand = by_variant(candidate);
    // Variants pair by name; two sets of one variant each pair whatever their names.
    std::vector<std::pair<std::string, std::string>> pairs; // candidate variant, baseline variant
    if (base.size() == 1 && cand.size() == 1) {
        pairs.emplace_back(cand.begin()->first, base.begin()->first);
    } else {
        for (const auto& [v, runs] : cand) {
            if (base.count(v)) pairs.emplace_back(v, v);
            else g.problems.push_back("variant '" + v + "' is not in the baseline");
        }
    }
    auto replayed = [](const RunSet& s) {
        return !s.runs.empty() && std::all_of(s.runs.begin(), s.runs.end(), [](const RunSample& r) { return r.replayed; });
    };
    g.replayed = replayed(baseline) && replayed(candidate);
    std::vector<std::pair<std::string, MetricOf>> metrics = {
        {"boot-to-init", [](const RunSample& r) { return r.boot_to_init; }},
        {"init-done", [](const RunSample& r) { return r.init_done; }}};
    for (const std::string& h : opt.host_metrics)
        metrics.emplace_back("host-" + h, [h](const RunSample& r) -> std::optional<model::Micros> {
            if (auto it = r.host_intervals.find(h); it != r.host_intervals.end()) return it->second;
            return std::nullopt;
        });
    for (const auto& [cv, bv] : pairs)
        for (const auto& [name, field] : metrics) {
            MetricCheck m;
            m.variant = cv;
            m.metric = name;
            m.baseline = values(base[bv], field);
            m.candidate = values(cand[cv], field);
            if (m.baseline.empty() && m.candidate.empty()) continue; // e.g. no init-done marker
            g.metrics.push_back(std::move(m));
        }
    // Exactness is shown, not assumed: deterministic boots whose metrics spread by more than the
    // floor on either side do not replay (disk I/O completions leak the host's timing in; a
    // loaded host makes that milliseconds), and their ties would be luck. They are judged as
    // noisy samples instead, which 2 a side cannot decide.
    if (g.replayed) {
        g.not_replayed = replay_broken(g.metrics);
        g.replayed = g.not_replayed.empty();
    }

    // What moved: per variant, the spans whose median grew most. Those that grew by more than
    // the limit (relative to the whole boot) are tested with the metrics.
    for (const auto& [cv, bv] : pairs) {
        double boot = 0;
        for (const auto& m : g.metrics)
            if (m.variant == cv && !m.baseline.empty())
                boot = std::max(boot, stats::median(m.baseline)); // init-done if there, else boot-to-init
        std::vector<SpanMove> moves;
        for (const FunctionChange& fc : compare_functions(base[bv], cand[cv], opt.alpha, !g.replayed)) {
            if (fc.b_ran == 0) continue; // gone: not a span that grew
            const std::vector<double>& b = fc.a;
            const std::vector<double>& c = fc.b;
            SpanMove s{cv, fc.function, fc.cmp.median_a, fc.cmp.median_b, fc.cmp.p_greater,
                       b.size(), c.size(), opt.max_regression * boot, false, false, {}, false, fc.evidence, fc.tick};
            if (fc.evidence == Evidence::Resolution) {
                // a jiffy-timed initcall one tick apart: the clock's resolution, never tested
            } else if (g.replayed) {
                s.tested = b.size() >= 2 && c.size() >= 2;
                if (s.tested) {
                    const ReplayTest t = replay_test(b, c, opt.max_regression_set ? s.limit : 0);
                    s.limit = t.limit;
                    s.interval = t.range;
                    s.regression = s.significant = t.changed;
                }
            } else {
                s.tested = boot > 0 && s.delta() > s.limit;
                if (s.tested) s.interval = stats::bootstrap_median_difference(b, c);
            }
            if (s.delta() > 0) moves.push_back(s);
        }
        std::sort(moves.begin(), moves.end(), [](const auto& x, const auto& y) { return x.delta() > y.delta(); });
        std::size_t keep = 0;
        while (keep < moves.size() && (keep < opt.spans || (g.replayed ? moves[keep].regression : moves[keep].tested))) ++keep;
        moves.resize(keep);
        g.spans.insert(g.spans.end(), moves.begin(), moves.end());
    }

    // Deterministic boots: their kernel-clock metrics by the replay rule; host-clock metrics
    // (and everything of noisy boots) by the statistics below.
    auto by_replay = [&](const MetricCheck& m) { return g.replayed && !on_host_clock(m.metric); };
    if (g.replayed) {
        for (MetricCheck& m : g.metrics) {
            if (!by_replay(m)) continue;
            const std::size_t n = m.baseline.size(), k = m.candidate.size();
            if (n) m.baseline_median = stats::median(m.baseline);
            if (k) m.candidate_median = stats::median(m.candidate);
            if (n < 2 || k < 2) {
                m.note = std::to_string(n) + " vs " + std::to_string(k) + " deterministic boots: 2 a side show "
                         "whether they replay";
                continue;
            }
            const ReplayTest t = replay_test(m.baseline, m.candidate,
                                             opt.max_regression_set ? opt.max_regression * m.baseline_median : 0);
            m.shift = m.candidate_median - m.baseline_median;
            m.relative = m.baseline_median > 0 ? m.shift / m.baseline_median : 0;
            m.interval = t.range;
            m.limit = t.limit;
            m.significant = t.changed;
            m.p = t.changed ? 0 : 1;
            m.verdict = t.changed ? Verdict::Regression : Verdict::Ok;
        }
    }
    {
        // Holm over every comparison: its first threshold is alpha / k. Sizes that cannot reach it
        // cannot decide anything.
        std::size_t family = 0;
        for (const auto& m : g.metrics) family += !by_replay(m);
        for (const auto& s : g.spans) family += !g.replayed && s.tested;
        const double first_threshold = opt.alpha / static_cast<double>(std::max<std::size_t>(1, family));
        auto decidable = [&](const SpanMove& s) {
            return !g.replayed && s.tested && stats::smallest_p(s.n_baseline, s.n_candidate) <= first_threshold;
        };
        std::vector<double> ps;
        std::vector<std::size_t> tested;
        for (std::size_t i = 0; i < g.metrics.size(); ++i) {
            MetricCheck& m = g.metrics[i];
            if (by_replay(m)) continue;
            const std::size_t n = m.baseline.size(), k = m.candidate.size();
            if (n < 2 || k < 2 || stats::smallest_p(n, k) > first_threshold) {
                m.verdict = Verdict::NotEnough;
                char b[200];
                std::snprintf(b, sizeof b, "%zu vs %zu boots: the smallest p-value they can give is %s, above %s "
                              "(alpha %.3g over %zu comparisons); boot more repetitions",
                              n, k, num(n && k ? stats::smallest_p(n, k) : 1).c_str(), num(first_threshold).c_str(),
                              opt.alpha, family);
                m.note = b;
                if (n) m.baseline_median = stats::median(m.baseline);
                if (k) m.candidate_median = stats::median(m.candidate);
                continue;
            }
            const stats::Comparison c = stats::compare(m.baseline, m.candidate);
            m.baseline_median = c.median_a;
            m.candidate_median = c.median_b;
            m.shift = c.shift;
            m.relative = m.baseline_median > 0 ? m.shift / m.baseline_median : 0;
            m.interval = c.interval;
            m.p = c.p_greater;
            ps.push_back(m.p);
            tested.push_back(i);
        }
        for (const auto& s : g.spans)
            if (decidable(s)) ps.push_back(s.p);
        const std::vector<bool> sig = stats::holm(ps, opt.alpha);
        for (std::size_t j = 0; j < tested.size(); ++j) {
            MetricCheck& m = g.metrics[tested[j]];
            m.significant = sig[j];
            m.limit = opt.max_regression * m.baseline_median;
            const bool big = m.interval.low > m.limit;
            m.verdict = m.significant && big ? Verdict::Regression : Verdict::Ok;
            if (m.significant && !big)
                m.note = m.relative > opt.max_regression
                    ? "slower, but not surely by more than " + pct(opt.max_regression).substr(1) + " (interval starts below)"
                    : "slower, but by less than " + pct(opt.max_regression).substr(1);
            else if (!m.significant && m.relative > opt.max_regression)
                m.note = "larger than the limit, but not significant: noise cannot be ruled out";
        }
        std::size_t j = tested.size();
        for (auto& s : g.spans)
            if (decidable(s)) {
                s.significant = sig[j++];
                s.regression = s.significant && s.interval.low > s.limit;
            }
    }

    // The verdict: any regression fails; otherwise anything undecided (or not comparable) is 2.
    const MetricCheck* worst = nullptr;
    const SpanMove* worst_span = nullptr;
    for (const auto& sp : g.spans)
        if (sp.regression && (!worst_span || sp.delta() > worst_span->delta())) worst_span = &sp;
    bool undecided = !g.problems.empty() || g.metrics.empty();
    for (const auto& m : g.metrics) {
        if (m.verdict == Verdict::Regression && (!worst || m.relative > worst->relative)) worst = &m;
        if (m.verdict == Verdict::NotEnough) undecided = true;
    }
    if (!worst && worst_span) {
        g.verdict = Verdict::Regression;
        g.summary = "REGRESSION: span " + worst_span->name + " of " + worst_span->variant + " " +
                    ms_signed(worst_span->delta()) + " (" + secs(worst_span->baseline_median) + " -> " +
                    secs(worst_span->candidate_median) +
                    (g.replayed ? ", in every boot by more than " + ms(worst_span->limit) + ")"
                                : ", p = " + num(worst_span->p) + "), more than " +
                                      pct(opt.max_regression).substr(1) + " of the boot");
    } else if (worst) {
        g.verdict = Verdict::Regression;
        g.summary = "REGRESSION: " + worst->metric + " of " + worst->variant + " " + pct(worst->relative) + " (" +
                    secs(worst->baseline_median) + " -> " + secs(worst->candidate_median) +
                    (g.replayed && !on_host_clock(worst->metric) ? ", in every boot by more than " + ms(worst->limit) + ")"
                                : ", p = " + num(worst->p) + "), more than the " + pct(opt.max_regression).substr(1) +
                                      " allowed");
        for (const auto& s : g.spans)
            if (s.variant == worst->variant) {
                g.summary += "; slowest-growing span: " + s.name + " " + ms_signed(s.delta());
                break;
            }
    } else if (undecided) {
        g.verdict = Verdict::NotEnough;
        g.summary = g.metrics.empty() ? "could not decide: nothing to compare" : "could not decide: " +
                    (g.problems.empty() ? std::string("not enough repetitions") : g.problems.front());
    } else {
        g.verdict = Verdict::Ok;
        g.summary = g.replayed ? "no change beyond what replay allows in " + std::to_string(g.metrics.size()) +
                                     " comparisons (deterministic boots: decided exactly, without statistics)"
                               : "no regression beyond " + pct(opt.max_regression).substr(1) + " in " +
                                     std::to_string(g.metrics.size()) + " comparisons";
    }
    return g;
}

std::string metric_line(const GateResult& g, const MetricCheck& m) {
    char line[400];
    if (m.verdict == Verdict::NotEnough) {
        std::snprintf(line, sizeof line, "%-13s %s", m.metric.c_str(), m.note.c_str());
    } else if (g.replayed && !on_host_clock(m.metric)) {
        std::snprintf(line, sizeof line, "%-13s %s -> %s (n=%zu/%zu)  %s %s, every boot %s .. %s (limit %s)  %s",
                      m.metric.c_str(), secs(m.baseline_median).c_str(), secs(m.candidate_median).c_str(),
                      m.baseline.size(), m.candidate.size(), ms_signed(m.shift).c_str(), pct(m.relative).c_str(),
                      ms_signed(m.interval.low).c_str(), ms_signed(m.interval.high).c_str(), ms(m.limit).c_str(),
                      to_string(m.verdict));
    } else {
        std::snprintf(line, sizeof line, "%-13s %s -> %s (n=%zu/%zu)  shift %s %s [95%% CI %s .. %s]  p=%s  %s%s%s",
                      m.metric.c_str(), secs(m.baseline_median).c_str(), secs(m.candidate_median).c_str(),
                      m.baseline.size(), m.candidate.size(), ms_signed(m.shift).c_str(), pct(m.relative).c_str(),
                      ms_signed(m.interval.low).c_str(), ms_signed(m.interval.high).c_str(), num(m.p).c_str(),
                      to_string(m.verdict), m.note.empty() ? "" : ": ", m.note.c_str());
    }
    return line;
}

std::string span_line(const GateResult& g, const SpanMove& s) {
    char line[400];
    if (!s.tested)
        std::snprintf(line, sizeof line, "%12s  %s  (p=%s, %s: not tested)", ms_signed(s.delta()).c_str(),
                      s.name.c_str(), num(s.p).c_str(),
                      s.evidence == Evidence::Resolution ? evidence(s).c_str() : "under the limit");
    else if (g.replayed)
        std::snprintf(line, sizeof line, "%12s  %s  (every boot %s .. %s, limit %s%s)", ms_signed(s.delta()).c_str(),
                      s.name.c_str(), ms_signed(s.interval.low).c_str(), ms_signed(s.interval.high).c_str(),
                      ms(s.limit).c_str(), s.regression ? ": REGRESSION" : "");
    else
        std::snprintf(line, sizeof line, "%12s  %s  (p=%s%s)", ms_signed(s.delta()).c_str(), s.name.c_str(),
                      num(s.p).c_str(),
                      s.regression    ? ": REGRESSION"
                      : s.significant ? ", significant, interval starts under the limit"
                                      : ", not significant");
    return line;
}

void print_gate(std::ostream& out, const GateResult& g) {
    out << "baseline:  " << g.baseline << "\ncandidate: " << g.candidate << "\n";
    if (!g.not_replayed.empty()) out << g.not_replayed << "\n";
    if (g.replayed)
        out << "deterministic boots on both sides (-icount): a change is real when every candidate boot lies\n"
               "beyond every baseline boot by more than the limit (" << ms(kReplayFloorUs)
            << ", or 3x a side's own spread" << (g.options.max_regression_set ? ", or --max-regression" : "")
            << "); no statistics needed\n";
    std::string variant;
    for (const auto& m : g.metrics) {
        if (m.variant != variant) {
            variant = m.variant;
            out << "\nvariant " << variant << "\n";
        }
        out << "  " << metric_line(g, m) << "\n";
        bool last_of_variant = &m == &g.metrics.back() || (&m + 1)->variant != m.variant;
        if (last_of_variant) {
            bool any = false;
            for (const auto& s : g.spans) {
                if (s.variant != m.variant) continue;
                if (!any) out << "  spans that grew most (median):\n";
                any = true;
                out << "    " << span_line(g, s) << "\n";
            }
        }
    }
    for (const auto& p : g.problems) out << "\nproblem: " << p << "\n";
    out << "\nverdict: " << g.summary << "\n";
}

void write_junit(std::ostream& out, const GateResult& g) {
    using bootlab::xml_escape;
    int failures = 0, skipped = 0, tests = static_cast<int>(g.metrics.size());
    for (const auto& m : g.metrics) {
        failures += m.verdict == Verdict::Regression;
        skipped += m.verdict == Verdict::NotEnough;
    }
    for (const auto& s : g.spans) {
        tests += s.tested;
        failures += s.regression;
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"bootlab check\" tests=\""
        << tests << "\" failures=\"" << failures << "\">\n<testsuite name=\"bootlab check: "
        << xml_escape(g.candidate) << " vs " << xml_escape(g.baseline) << "\" tests=\"" << tests
        << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\">\n";
    for (const auto& m : g.metrics) {
        out << "  <testcase classname=\"bootlab." << xml_escape(m.variant) << "\" name=\"" << xml_escape(m.metric)
            << "\" time=\"" << m.candidate_median / 1e6 << "\">\n";
        const std::string detail = secs(m.baseline_median) + " -> " + secs(m.candidate_median) + ", shift " +
                                   ms_signed(m.shift) + " " + pct(m.relative) + ", p = " + num(m.p) +
                                   (m.note.empty() ? "" : "; " + m.note);
        if (m.verdict == Verdict::Regression)
            out << "    <failure message=\"" << xml_escape(m.metric + " " + pct(m.relative)) << "\">"
                << xml_escape(detail) << "</failure>\n";
        else if (m.verdict == Verdict::NotEnough)
            out << "    <skipped message=\"" << xml_escape(m.note) << "\"/>\n";
        else
            out << "    <system-out>" << xml_escape(detail) << "</system-out>\n";
        out << "  </testcase>\n";
    }
    for (const auto& s : g.spans) {
        if (!s.tested) continue;
        const std::string detail = secs(s.baseline_median) + " -> " + secs(s.candidate_median) + ", " +
                                   ms_signed(s.delta()) + ", p = " + num(s.p);
        out << "  <testcase classname=\"bootlab." << xml_escape(s.variant) << ".span\" name=\"" << xml_escape(s.name)
            << "\" time=\"" << s.candidate_median / 1e6 << "\">\n";
        if (s.regression)
            out << "    <failure message=\"" << xml_escape(s.name + " " + ms_signed(s.delta())) << "\">"
                << xml_escape(detail) << "</failure>\n";
        else
            out << "    <system-out>" << xml_escape(detail + (s.significant ? ", interval starts under the limit" : ", not significant")) << "</system-out>\n";
        out << "  </testcase>\n";
    }
    for (const auto& p : g.problems)
        out << "  <testcase classname=\"bootlab\" name=\"variants\"><skipped message=\"" << xml_escape(p)
            << "\"/></testcase>\n";
    out << "</testsuite>\n</testsuites>\n";
}

void write_gate_html(std::ostream& out, const GateResult& g) {
    using bootlab::xml_escape;
    const char* cls = g.verdict == Verdict::Ok ? "good" : "bad";
    std::size_t family = g.metrics.size();
    for (const auto& s : g.spans) family += s.tested;
    out << "<h2>Verdict</h2>\n<p class=" << cls << ">" << xml_escape(g.summary) << "</p>\n<p>Baseline: "
        << xml_escape(g.baseline) << "<br>Candidate: " << xml_escape(g.candidate) << "<br>";
    if (g.replayed)
        out << "Deterministic boots on both sides (-icount): a change is real when every candidate boot lies beyond "
               "every baseline boot by more than the limit (" << ms(kReplayFloorUs) << ", or 3x a side's own spread"
            << (g.options.max_regression_set ? ", or --max-regression" : "") << "); no statistics needed. "
               "The interval is the range of the differences.</p>\n";
    else
        out << (g.not_replayed.empty() ? "" : xml_escape(g.not_replayed) + ".<br>") << "One-sided Mann-Whitney "
            << "U per metric and per span that grew by more than the limit, Holm over all " << family
            << " comparisons at alpha " << g.options.alpha << "; a regression must also be larger than "
            << xml_escape(pct(g.options.max_regression).substr(1)) << " of the baseline over its whole interval. "
               "Shift: Hodges-Lehmann; interval: bootstrap 95% of the median difference.</p>\n";
    out << "<table><tr><th>variant</th><th>metric</th><th>baseline</th><th>candidate</th><th>n</th><th>shift</th>"
           "<th>95% interval</th><th>p</th><th>verdict</th></tr>\n";
    for (const auto& m : g.metrics) {
        out << "<tr><td class=name>" << xml_escape(m.variant) << "</td><td>" << m.metric << "</td><td class=num>"
            << secs(m.baseline_median) << "</td><td class=num>" << secs(m.candidate_median) << "</td><td class=num>"
            << m.baseline.size() << "/" << m.candidate.size() << "</td>";
        if (m.verdict == Verdict::NotEnough) {
            out << "<td colspan=3></td>";
        } else {
            out << "<td class=num>" << xml_escape(ms_signed(m.shift) + " " + pct(m.relative)) << "</td><td class=num>"
                << xml_escape(ms_signed(m.interval.low) + " .. " + ms_signed(m.interval.high)) << "</td><td class=num>"
                << num(m.p) << "</td>";
        }
        out << "<td class=" << (m.verdict == Verdict::Ok ? "good" : "bad") << ">" << xml_escape(to_string(m.verdict))
            << (m.note.empty() ? "" : ": " + xml_escape(m.note)) << "</td></tr>\n";
    }
    out << "</table>\n";
    if (!g.spans.empty()) {
        out << "<h3>Spans that grew most (median)</h3><table><tr><th>variant</th><th>span</th>"
               "<th>baseline</th><th>candidate</th><th>change</th><th>p</th><th>gate</th><th>the boots show</th></tr>\n";
        for (const auto& s : g.spans)
            out << "<tr><td class=name>" << xml_escape(s.variant) << "</td><td>" << xml_escape(s.name)
                << "</td><td class=num>" << ms(s.baseline_median) << "</td><td class=num>" << ms(s.candidate_median)
                << "</td><td class=num>" << xml_escape(ms_signed(s.delta())) << "</td><td class=num>" << num(s.p)
                << "</td><td" << (s.regression ? " class=bad>REGRESSION" : s.significant ? ">interval starts under the limit"
                                  : s.tested ? ">not significant" : ">under the limit")
                << "</td><td>" << xml_escape(evidence(s)) << "</td></tr>\n";
        out << "</table>\n";
    }
    for (const auto& p : g.problems) out << "<p class=bad>" << xml_escape(p) << "</p>\n";
}

} // namespace bootlab::check
