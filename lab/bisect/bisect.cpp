#include "bisect/bisect.h"

#include "check/run_set.h"
#include "common/error.h"
#include "kernel/source_build.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

namespace bootlab::bisect {

const char* to_string(Step s) {
    switch (s) {
    case Step::Good: return "same";
    case Step::Bad: return "SLOWER";
    case Step::Skip: return "skipped";
    }
    return "?";
}

int Outcome::exit_code() const {
    switch (kind) {
    case Kind::Culprit:
    case Kind::Ambiguous: return 1;
    case Kind::NoRegression: return 0;
    case Kind::Undecided: return 2;
    }
    return 2;
}

Outcome search(std::size_t good, std::size_t bad, const std::function<Judgement(std::size_t)>& judge) {
    if (good >= bad) throw Error("bisect: the good end (" + std::to_string(good) + ") must come before the bad end (" +
                                 std::to_string(bad) + ")");
    Outcome o;
    o.steps.push_back(judge(bad));
    if (o.steps.back().verdict != Step::Bad) { // nothing to look for, or cannot tell
        o.kind = o.steps.back().verdict == Step::Good ? Outcome::Kind::NoRegression : Outcome::Kind::Undecided;
        o.good = good;
        o.bad = bad;
        return o;
    }
    std::set<std::size_t> skipped;
    while (true) {
        // the untried step nearest the middle (git bisect's choice); none left: done
        std::optional<std::size_t> next;
        const double middle = (static_cast<double>(good) + static_cast<double>(bad)) / 2;
        for (std::size_t k = good + 1; k < bad; ++k)
            if (!skipped.count(k) &&
                (!next || std::fabs(static_cast<double>(k) - middle) < std::fabs(static_cast<double>(*next) - middle)))
                next = k;
        if (!next) break;
        o.steps.push_back(judge(*next));
        switch (o.steps.back().verdict) {
        case Step::Bad: bad = *next; break;
        case Step::Good: good = *next; break;
        case Step::Skip: skipped.insert(*next); break;
        }
    }
    o.good = good;
    o.bad = bad;
    // the first slower step is `bad`, unless steps skipped between the ends hide it: step k is
    // the kernel with patch k applied last, so patch `bad` is the culprit
    if (bad - good == 1) {
        o.kind = Outcome::Kind::Culprit;
        o.culprit = bad;
    } else {
        o.kind = Outcome::Kind::Ambiguous;
        for (std::size_t p = good + 1; p <= bad; ++p) o.suspects.push_back(p);
    }
    return o;
}

namespace {

bool names_span(const std::string& span, const std::string& function) {
    return span == function || span.rfind(function + " [", 0) == 0;
}

// spans that grew by less are not worth a line of a step's evidence
constexpr double kSpanShownUs = 500;

bool is_metric(const std::string& m) { return m == "init-done" || m == "boot-to-init"; }

} // namespace

Judgement judge_gate(const check::GateResult& gate, const std::string& metric, std::size_t k, std::size_t against) {
    Judgement j;
    j.k = k;
    j.against = against;
    std::set<std::string> variants;
    for (const auto& m : gate.metrics) variants.insert(m.variant);
    const bool several = variants.size() > 1;
    auto label = [&](const std::string& variant) { return several ? variant + ": " : std::string(); };
    if (is_metric(metric)) {
        int regressions = 0, undecided = 0, decided = 0;
        for (const auto& m : gate.metrics) {
            if (m.metric != metric) continue;
            j.evidence.push_back(label(m.variant) + check::metric_line(gate, m));
            regressions += m.verdict == check::Verdict::Regression;
            undecided += m.verdict == check::Verdict::NotEnough;
            decided += m.verdict != check::Verdict::NotEnough;
            if (m.verdict == check::Verdict::Regression && j.why.empty())
                j.why = label(m.variant) + check::metric_line(gate, m);
        }
        // what moved with it: the spans that grew most, a few per variant
        std::map<std::string, int> shown;
        for (const auto& s : gate.spans)
            if ((s.regression || s.delta() >= kSpanShownUs) && shown[s.variant]++ < 3)
                j.evidence.push_back("  " + label(s.variant) + check::span_line(gate, s));
        if (regressions) {
            j.verdict = Step::Bad;
        } else if (undecided || !decided) {
            j.verdict = Step::Skip;
            j.why = decided || undecided ? "the gate could not decide " + metric + " (too few boots?)"
                                         : "no " + metric + " in these boots" +
                                               (gate.problems.empty() ? "" : ": " + gate.problems.front());
        } else {
            j.verdict = Step::Good;
            j.why = metric + " not slower";
        }
        return j;
    }
    // a function: its span's verdict (spans that grew by less than the limit are not tested)
    for (const auto& s : gate.spans) {
        if (!names_span(s.name, metric)) continue;
        j.evidence.push_back(label(s.variant) + check::span_line(gate, s));
        if (s.regression) {
            j.verdict = Step::Bad;
            std::string line = check::span_line(gate, s);
            j.why = label(s.variant) + "span " + line.erase(0, line.find_first_not_of(' '));
        } else if (s.tested && !gate.replayed && j.verdict != Step::Bad) {
            j.why = metric + " grew by more than the limit, but not significantly (more repetitions?)";
            j.verdict = Step::Skip;
            return j;
        }
    }
    if (j.verdict == Step::Bad) return j;
    if (gate.metrics.empty()) {
        j.why = "nothing to compare" + (gate.problems.empty() ? std::string() : ": " + gate.problems.front());
        return j;
    }
    j.verdict = Step::Good;
    j.why = metric + " not slower";
    return j;
}

runner::ExperimentSpec step_experiment(const Options& options, std::size_t k, std::size_t good) {
    const std::string series = kernel::load_series(options.series).name;
    auto side = [&](std::size_t count) {
        runner::ExperimentSpec s = options.experiment;
        runner::KernelRef ref;
        ref.name = "patches-" + std::to_string(count);
        ref.source = "series";
        ref.series = std::filesystem::absolute(options.series);
        ref.patches = static_cast<int>(count);
        s.kernels = {ref};
        for (auto& v : s.variants) v.kernels.clear();
        return s;
    };
    runner::ExperimentSpec m = runner::interleave(side(k), side(good));
    m.name = "bisect-" + series + "@" + std::to_string(k) + "-vs-" + std::to_string(good);
    m.description = "bisect step: " + series + " with its first " + std::to_string(k) + " patches against its first " +
                    std::to_string(good) + ", booted interleaved (" + options.experiment.name + ")";
    m.text = runner::to_toml(m);
    return m;
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

bool function_ran(const check::RunSet& set, const std::string& function) {
    for (const auto& r : set.runs)
        for (const auto& [name, us] : r.spans)
            if (names_span(name, function)) return true;
    return false;
}

} // namespace

Outcome run_bisect(store::Store& store, const Options& opt, const Hooks& hooks) {
    auto say = [&](const std::string& m) { if (hooks.message) hooks.message(m); };
    const kernel::Series series = kernel::load_series(opt.series);
    const std::size_t n = series.own_count();
    const std::size_t good = opt.good.value_or(0), bad = opt.bad.value_or(n);
    if (n == 0) throw Error(series.dir.string() + "/series: no patches of its own to bisect");
    if (bad > n)
        throw Error("bisect: --bad " + std::to_string(bad) + ": series " + series.name + " has " + std::to_string(n) +
                    " patches");
    if (good >= bad)
        throw Error("bisect: --good " + std::to_string(good) + " must be below --bad " + std::to_string(bad));

    kernel::BuildOptions build;
    build.cancel = hooks.cancel;
    // The good end is every step's baseline: if it does not build there is nothing to bisect.
    try {
        build.progress = [&](const std::string& m) { say(series.name + "@" + std::to_string(good) + ": " + m); };
        kernel::series_kernel(kernel::first_patches(series, good), build);
    } catch (const kernel::Cancelled&) {
        throw;
    } catch (const Error& e) {
        throw Error("the good end (" + series.name + " with its first " + std::to_string(good) +
                    " patches) does not build, so there is nothing to compare with:\n" + e.what());
    }

    auto judge = [&](std::size_t k) {
        Judgement j;
        j.k = k;
        j.against = good;
        const std::string step = series.name + "@" + std::to_string(k);
        const auto t0 = std::chrono::steady_clock::now();
        try {
            build.progress = [&](const std::string& m) { say(step + ": " + m); };
            kernel::series_kernel(kernel::first_patches(series, k), build);
        } catch (const kernel::Cancelled&) {
            throw;
        } catch (const Error& e) {
            j.why = "does not build: " + first_line(e.what());
            j.evidence.push_back(e.what());
            j.build_seconds = seconds_since(t0);
            if (hooks.judged) hooks.judged(j);
            return j;
        }
        j.build_seconds = seconds_since(t0);
        const auto t1 = std::chrono::steady_clock::now();
        j.experiment_id = hooks.boot(step_experiment(opt, k, good));
        if (!j.experiment_id || (hooks.cancel && *hooks.cancel)) throw kernel::Cancelled("bisect cancelled");
        j.boot_seconds = seconds_since(t1);
        const check::RunSet set = check::experiment_runs(store, j.experiment_id);
        j.boots = static_cast<int>(store.runs_of(j.experiment_id).size());
        const auto sides = check::split_by_side(set);
        if (!sides) {
            j.why = "the boots of one side all failed (panic or timeout: see experiment " +
                    std::to_string(j.experiment_id) + ")";
        } else if (!is_metric(opt.metric) && !function_ran(sides->first, opt.metric) &&
                   !function_ran(sides->second, opt.metric)) {
            j.why = opt.metric + ": no such function in the boots of either kernel";
        } else {
            Judgement g = judge_gate(check::run_gate(sides->first, sides->second, opt.gate), opt.metric, k, good);
            j.verdict = g.verdict;
            j.why = std::move(g.why);
            j.evidence = std::move(g.evidence);
        }
        if (hooks.judged) hooks.judged(j);
        return j;
    };
    return search(good, bad, judge);
}

} // namespace bootlab::bisect
