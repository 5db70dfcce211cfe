#pragma once
// One self-contained HTML file for an experiment: environment, per-variant table, the
// representative timeline of each variant (inline SVG), the device-order check. Works offline;
// everything that came from a log or a file is escaped.
#include "report/summary.h"
#include "store/store.h"

#include <ostream>

namespace bootlab::report {

struct Environment {
    std::string qemu_version;
    std::string host;
    std::string experiment_file;
    std::string verdict_html; // the regression gate's section, shown first (bootlab check)
};

void write_experiment_html(std::ostream& out, store::Store& store, const ExperimentSummary& s,
                           const Environment& env);

} // namespace bootlab::report
