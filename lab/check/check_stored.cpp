#include "check/check_stored.h"

#include "common/error.h"

namespace bootlab::check {
namespace {
bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
} // namespace

Sides choose_sides(store::Store& store, RunSet candidate, const std::string& baseline, bool booted,
                   bool allow_files) {
    const bool interleaved = starts(baseline, "boot:") || starts(baseline, "boot-kernel:");
    if (interleaved && !booted)
        throw Error("check: --baseline " + baseline + " boots with an experiment file, not with --candidate");
    std::optional<std::pair<RunSet, RunSet>> ab;
    if (interleaved && !(ab = split_by_side(candidate)))
        throw Error("check: the interleaved experiment has no ok boots on one of its sides");
    if (starts(baseline, "kernel:")) ab = split_by_kernel(candidate, baseline.substr(7));
    if (ab) return {std::move(ab->first), std::move(ab->second)};
    std::vector<std::int64_t> exclude;
    for (const auto& r : candidate.runs) exclude.push_back(r.id);
    RunSet base = allow_files ? select_runs_or_file(store, baseline, exclude) : select_runs(store, baseline, exclude);
    return {std::move(base), std::move(candidate)};
}

std::int64_t common_experiment(store::Store& store, const RunSet& set) {
    std::int64_t id = 0;
    for (const auto& r : set.runs) {
        auto info = store.run(r.id);
        const std::int64_t e = info ? info->experiment_id : 0;
        if (id == 0) id = e;
        else if (e != id) return 0;
    }
    return id;
}

StoredCheck check_stored(store::Store& store, const std::string& candidate, const std::string& baseline,
                         const GateOptions& options, bool allow_files) {
    RunSet c = select_runs(store, candidate);
    // boot:/boot-kernel: baselines: the candidate's experiment booted both sides (an upload of
    // `bootlab check --upload`); split_by_side says so if it did not
    Sides sides = choose_sides(store, std::move(c), baseline, true, allow_files);
    StoredCheck out;
    out.experiment_id = common_experiment(store, sides.candidate);
    out.gate = run_gate(sides.baseline, sides.candidate, options);
    return out;
}

nlohmann::json gate_json(const GateResult& g) {
    using nlohmann::json;
    json metrics = json::array();
    for (const auto& m : g.metrics)
        metrics.push_back({{"variant", m.variant}, {"metric", m.metric}, {"verdict", to_string(m.verdict)},
                           {"n_baseline", m.baseline.size()}, {"n_candidate", m.candidate.size()},
                           {"baseline_median_us", m.baseline_median}, {"candidate_median_us", m.candidate_median},
                           {"shift_us", m.shift}, {"relative", m.relative},
                           {"interval_us", {m.interval.low, m.interval.high}}, {"p", m.p},
                           {"significant", m.significant}, {"limit_us", m.limit}, {"note", m.note}});
    json spans = json::array();
    for (const auto& s : g.spans)
        spans.push_back({{"variant", s.variant}, {"function", s.name}, {"baseline_median_us", s.baseline_median},
                         {"candidate_median_us", s.candidate_median}, {"delta_us", s.delta()},
                         {"n_baseline", s.n_baseline}, {"n_candidate", s.n_candidate}, {"tested", s.tested},
                         {"p", s.p}, {"significant", s.significant}, {"regression", s.regression},
                         {"evidence", to_string(s.evidence)}, {"limit_us", s.limit}});
    return {{"verdict", to_string(g.verdict)}, {"exit_code", g.exit_code()}, {"summary", g.summary},
            {"baseline", g.baseline}, {"candidate", g.candidate}, {"replayed", g.replayed},
            {"not_replayed", g.not_replayed}, {"max_regression", g.options.max_regression},
            {"alpha", g.options.alpha}, {"problems", g.problems}, {"metrics", metrics}, {"spans", spans}};
}

} // namespace bootlab::check
