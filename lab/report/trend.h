#pragma once
// History in the report: boot-to-init and init-done of every ok run of every experiment with
// this experiment's name in the database, oldest first, one colour per variant, with the
// median of each experiment joined by a line. Inline SVG: the report stays one offline file.
#include "store/store.h"

#include <ostream>
#include <string>

namespace bootlab::report {

// One boot's value in a history chart.
struct TrendPoint {
    std::int64_t run_id = 0, experiment_id = 0;
    std::string variant;
    model::Micros us = 0;
};
// A history chart (inline SVG): x the experiments in the order their points come (oldest
// first), colour the variant, a line through each experiment's median; `current` highlighted.
// With a run_link ("/runs/"), every point links to its boot and names it on hover.
void write_trend_chart(std::ostream& out, const std::string& title, const std::vector<TrendPoint>& points,
                       std::int64_t current, const std::string& run_link = {});

// Writes nothing when the database holds no other experiment of that name.
void write_trend_html(std::ostream& out, store::Store& store, const std::string& experiment_name,
                      std::int64_t current_experiment);

} // namespace bootlab::report
