#include "service/api.h"

#include "check/check_stored.h"
#include "common/error.h"
#include "report/critical_path.h"
#include "report/json.h"
#include "report/summary.h"
#include "service/views.h"

#include <sstream>

namespace bootlab::service {

using nlohmann::json;

HttpResponse json_response(const json& j, int status) {
    return {status, "application/json", j.dump(1, ' ', false, json::error_handler_t::replace) + "\n", {}};
}

HttpResponse api_runs(store::Store& store, const HttpRequest& req) {
    RunList l = run_list(store, req);
    json runs = json::array();
    for (const auto& r : l.runs.runs) runs.push_back(report::run_json(r));
    return json_response({{"total", l.runs.total}, {"page", l.page}, {"per_page", kRunsPerPage}, {"runs", runs}});
}

HttpResponse api_run(store::Store& store, std::int64_t id) {
    const store::RunInfo r = store.require_run(id);
    return json_response(report::show_json(r, store.load_boot(id), 0));
}

HttpResponse api_critical_path(store::Store& store, std::int64_t id) {
    store.require_run(id);
    const model::Boot boot = store.load_boot(id);
    return json_response(report::critical_path_json(model::critical_path(boot)));
}

HttpResponse api_experiments(store::Store& store) {
    json out = json::array();
    for (const auto& x : store.experiments(1000))
        out.push_back({{"id", x.id}, {"name", x.name}, {"origin", x.origin}, {"created", x.created}, {"runs", x.runs},
                       {"ok", x.ok}});
    return json_response(out);
}

HttpResponse api_experiment(store::Store& store, std::int64_t id) {
    if (!store.experiment(id)) throw Error("experiment " + std::to_string(id) + ": no such experiment", ErrorKind::NotFound);
    return json_response(report::summary_json(report::summarize(store, id)));
}

HttpResponse api_history(store::Store& store, const HttpRequest& req) {
    History h = history(store, req);
    auto points = [](const std::vector<report::TrendPoint>& v) {
        json a = json::array();
        for (const auto& p : v)
            a.push_back({{"run", p.run_id}, {"experiment_id", p.experiment_id}, {"variant", p.variant}, {"us", p.us}});
        return a;
    };
    json j = {{"experiment", h.experiment}, {"variant", h.variant}, {"truncated", h.truncated},
              {"boot_to_init", points(h.boot_to_init)}, {"init_done", points(h.init_done)}};
    if (!h.function.empty()) j["function"] = {{"key", h.function}, {"points", points(h.function_us)}};
    return json_response(j);
}

HttpResponse api_compare(store::Store& store, const HttpRequest& req) {
    Comparison c = compare(store, req);
    json rows = json::array();
    for (const auto& f : c.changes)
        rows.push_back({{"function", f.function}, {"delta_us", f.delta()}, {"a_median_us", f.cmp.median_a},
                        {"b_median_us", f.cmp.median_b}, {"a_spread_us", f.a_spread}, {"b_spread_us", f.b_spread},
                        {"evidence", check::to_string(f.evidence)}, {"p", f.cmp.p_two_sided()}, {"tested", f.tested}});
    return json_response({{"a", {{"selector", c.a_selector}, {"description", c.a.description}, {"boots", c.a.runs.size()},
                                 {"representative_run", c.a_run}}},
                          {"b", {{"selector", c.b_selector}, {"description", c.b.description}, {"boots", c.b.runs.size()},
                                 {"representative_run", c.b_run}}},
                          {"functions", rows}});
}

HttpResponse api_functions(store::Store& store) { return json_response(store.function_keys()); }

HttpResponse api_check(store::Store& store, const HttpRequest& req) {
    json body;
    try {
        body = json::parse(req.body);
    } catch (const json::exception& x) {
        throw Error(std::string("check: the body is not JSON: ") + x.what());
    }
    if (!body.is_object() || !body.contains("baseline") || !body.contains("candidate") || !body["baseline"].is_string() ||
        !body["candidate"].is_string())
        throw Error("check: expected {\"candidate\": SELECTOR, \"baseline\": SELECTOR, ...}");
    check::GateOptions opt;
    auto number = [&](const char* key, double& into, double lo, double hi) {
        if (!body.contains(key)) return;
        if (!body[key].is_number() || body[key].get<double>() < lo || body[key].get<double>() > hi)
            throw Error(std::string("check: ") + key + ": expected a number from " + std::to_string(lo) + " to " +
                        std::to_string(hi));
        into = body[key].get<double>();
    };
    number("max_regression", opt.max_regression, 0, 10);
    number("alpha", opt.alpha, 1e-6, 0.5);
    opt.max_regression_set = body.contains("max_regression");
    // selectors of stored runs only: a selector from the network is never a path on this machine
    check::StoredCheck c = check::check_stored(store, body["candidate"].get<std::string>(),
                                               body["baseline"].get<std::string>(), opt, false);
    if (req.param("format") == "junit") {
        std::ostringstream o;
        check::write_junit(o, c.gate);
        return {200, "application/xml", o.str(), {}};
    }
    json j = check::gate_json(c.gate);
    if (c.experiment_id) j["report"] = "/experiments/" + std::to_string(c.experiment_id);
    return json_response(j);
}

} // namespace bootlab::service
