#include "service/views.h"

#include "common/error.h"
#include "report/summary.h"

#include <algorithm>
#include <charconv>

namespace bootlab::service {

std::int64_t parse_id(std::string_view s) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() && v > 0 ? v : 0;
}

namespace {
std::int64_t positive(const HttpRequest& req, const std::string& key, std::int64_t fallback, std::int64_t most) {
    const std::string v = req.param(key);
    if (v.empty()) return fallback;
    const std::int64_t n = parse_id(v);
    if (n == 0) throw Error(key + "=" + v + ": expected a positive number");
    return std::min(n, most);
}
} // namespace

RunList run_list(store::Store& store, const HttpRequest& req) {
    RunList l;
    l.filter = {req.param("experiment"), req.param("variant"), req.param("kernel"),
                req.param("host"),       req.param("status"),  req.param("q"), 0};
    if (const std::string id = req.param("experiment_id"); !id.empty() && !(l.filter.experiment_id = parse_id(id)))
        throw Error("experiment_id=" + id + ": expected an experiment id");
    l.page = positive(req, "page", 1, 1'000'000);
    l.runs = store.runs_page(l.filter, (l.page - 1) * kRunsPerPage, kRunsPerPage);
    return l;
}

History history(store::Store& store, const HttpRequest& req) {
    History h;
    h.experiment = req.param("experiment");
    h.variant = req.param("variant");
    h.function = req.param("function");
    h.limit = positive(req, "limit", h.limit, 100'000);
    auto& db = store.db();
    {
        store::Stmt s(db, "SELECT name FROM experiment GROUP BY name ORDER BY max(id) DESC");
        while (s.step()) h.experiment_names.push_back(s.text(0));
    }
    if (h.experiment.empty() && !h.experiment_names.empty()) h.experiment = h.experiment_names.front();
    // the newest `limit` boots that count, then oldest first
    store::Stmt s(db, R"(SELECT r.id, r.experiment_id, r.variant, r.boot_to_init_us, r.init_done_us
        FROM run r JOIN experiment e ON e.id = r.experiment_id
        WHERE e.name = ?1 AND (?2 = '' OR r.variant = ?2) AND r.status = 'ok' AND r.warmup = 0
        ORDER BY r.id DESC LIMIT ?3)");
    s.bind(1, h.experiment).bind(2, h.variant).bind(3, h.limit + 1);
    std::vector<report::TrendPoint> rows;
    std::vector<std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>>> metrics;
    while (s.step()) {
        rows.push_back({s.int64(0), s.int64(1), s.text(2), 0});
        metrics.emplace_back(s.opt_int64(3), s.opt_int64(4));
    }
    if (static_cast<std::int64_t>(rows.size()) > h.limit) {
        h.truncated = true;
        rows.pop_back();
        metrics.pop_back();
    }
    std::unordered_map<std::int64_t, std::int64_t> fn;
    if (!h.function.empty()) fn = store.function_history(h.function);
    if (!h.function.empty() && fn.empty()) { // a name typed without its [module]: offer the keys
        for (const auto& k : store.function_keys())
            if (k.find(h.function) != std::string::npos && h.matching.size() < 30) h.matching.push_back(k);
        h.function.clear();
    }
    for (std::size_t i = rows.size(); i-- > 0;) {
        report::TrendPoint p = rows[i];
        if (metrics[i].first) h.boot_to_init.push_back({p.run_id, p.experiment_id, p.variant, *metrics[i].first});
        if (metrics[i].second) h.init_done.push_back({p.run_id, p.experiment_id, p.variant, *metrics[i].second});
        if (!h.function.empty()) { // 0 where the function did not run: it took no time in that boot
            auto it = fn.find(p.run_id);
            h.function_us.push_back({p.run_id, p.experiment_id, p.variant, it == fn.end() ? 0 : it->second});
        }
    }
    return h;
}

namespace {
// "12" is run 12; anything else a run selector of the database (never a file: it came over the network)
check::RunSet side(store::Store& store, const std::string& sel, const char* which) {
    if (sel.empty()) throw Error(std::string("compare: give ") + which + "= a run id or a run selector");
    if (const std::int64_t id = parse_id(sel)) return check::select_runs(store, "runs:" + std::to_string(id));
    return check::select_runs(store, sel);
}

std::int64_t representative(store::Store& store, const check::RunSet& set) {
    std::vector<store::RunInfo> infos;
    for (const auto& r : set.runs)
        if (auto i = store.run(r.id)) infos.push_back(*i);
    std::vector<const store::RunInfo*> ptrs;
    for (const auto& i : infos) ptrs.push_back(&i);
    const store::RunInfo* rep = report::representative_run(ptrs);
    return rep ? rep->id : 0;
}
} // namespace

Comparison compare(store::Store& store, const HttpRequest& req) {
    Comparison c;
    c.a_selector = req.param("a");
    c.b_selector = req.param("b");
    c.a = side(store, c.a_selector, "a");
    c.b = side(store, c.b_selector, "b");
    std::vector<const check::RunSample*> a, b;
    for (const auto& r : c.a.runs) a.push_back(&r);
    for (const auto& r : c.b.runs) b.push_back(&r);
    c.changes = check::compare_functions(a, b);
    c.a_run = representative(store, c.a);
    c.b_run = representative(store, c.b);
    return c;
}

} // namespace bootlab::service
