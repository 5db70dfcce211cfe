#pragma once
// The JSON API under /api/: what the pages show, for scripts and CI. Times in microseconds, keys
// as `bootlab ... --json` prints them (report/json.h, check/check_stored.h).
#include "service/http.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

namespace bootlab::service {

HttpResponse json_response(const nlohmann::json& j, int status = 200);

HttpResponse api_runs(store::Store& store, const HttpRequest& req);        // GET /api/runs?filters&page=
HttpResponse api_run(store::Store& store, std::int64_t id);                // GET /api/runs/ID
HttpResponse api_critical_path(store::Store& store, std::int64_t id);      // GET /api/runs/ID/critical-path
HttpResponse api_experiments(store::Store& store);                         // GET /api/experiments
HttpResponse api_experiment(store::Store& store, std::int64_t id);         // GET /api/experiments/ID
HttpResponse api_history(store::Store& store, const HttpRequest& req);     // GET /api/history?...
HttpResponse api_compare(store::Store& store, const HttpRequest& req);     // GET /api/compare?a=&b=
HttpResponse api_functions(store::Store& store);                           // GET /api/functions
// POST /api/check {"candidate": SEL, "baseline": SEL, "max_regression": 0.03, "alpha": 0.05};
// ?format=junit answers JUnit XML.
HttpResponse api_check(store::Store& store, const HttpRequest& req);

} // namespace bootlab::service
