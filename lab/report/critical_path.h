#pragma once
// The critical path (model/critical_path.h) as people read it: the links that matter one by one,
// runs of small ones (a pid's hundreds of short initcalls) folded into one row each. The CLI's
// `show --critical-path`, its JSON and the service's run page all print these rows.
#include "model/critical_path.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace bootlab::report {

struct CriticalRow {
    model::Micros start = 0, end = 0;
    std::int64_t pid = 0;
    std::string what;   // "do_scan_async [scsi_mod] (async #16), pid 1 waited 3.16 s for it"
    int links = 1;      // links folded into this row
    double share = 0;   // of the path's length
};

// Links shorter than `fold` of the path are folded with their neighbours on the same pid.
std::vector<CriticalRow> critical_rows(const model::CriticalPath& path, double fold = 0.01);

void print_critical_path(std::ostream& out, const model::CriticalPath& path);
nlohmann::json critical_path_json(const model::CriticalPath& path);
// A table of the rows, each with a bar of its share (the HTML report, the service's run page).
void write_critical_path_html(std::ostream& out, const model::CriticalPath& path);

} // namespace bootlab::report
