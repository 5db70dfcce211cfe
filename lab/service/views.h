#pragma once
// What the pages and the JSON API both show, computed once: a page of runs, a history, the two
// sides of a comparison. Pages (pages.cpp) and the API (api.cpp) only format these.
#include "check/function_change.h"
#include "check/run_set.h"
#include "report/trend.h"
#include "service/http.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

namespace bootlab::service {

constexpr std::int64_t kRunsPerPage = 50;

struct RunList {
    store::Store::RunFilter filter;
    std::int64_t page = 1; // from 1
    store::Store::RunPage runs;
};
RunList run_list(store::Store& store, const HttpRequest& req); // ?experiment=&variant=&kernel=&host=&status=&q=&page=

// /history?experiment=NAME&variant=V&function=KEY&limit=N: the boots of the experiments of one
// name (default: the newest experiment's), oldest first, at most `limit` (default 2000) newest.
struct History {
    std::string experiment, variant, function; // function: a span key; empty: the boot's metrics
    std::vector<std::string> experiment_names;  // every name, for the form
    std::vector<report::TrendPoint> boot_to_init, init_done, function_us;
    std::vector<std::string> matching; // function given but never stored: the keys that contain it
    std::int64_t limit = 2000;
    bool truncated = false;
};
History history(store::Store& store, const HttpRequest& req);

// /compare?a=SEL&b=SEL: two sets of boots (a run id, or a run selector: runs:1-3,
// experiment:NAME|ID, kernel:NAME, each optionally @VARIANT), their functions compared.
struct Comparison {
    std::string a_selector, b_selector;
    check::RunSet a, b;
    std::vector<check::FunctionChange> changes;
    std::int64_t a_run = 0, b_run = 0; // each side's representative boot
};
Comparison compare(store::Store& store, const HttpRequest& req);

// A run id from a path part ("12"); 0 if it is not one.
std::int64_t parse_id(std::string_view s);

} // namespace bootlab::service
