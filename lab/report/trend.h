#pragma once
// History in the report: boot-to-init and init-done of every ok run of every experiment with
// this experiment's name in the database, oldest first, one colour per variant, with the
// median of each experiment joined by a line. Inline SVG: the report stays one offline file.
#include "store/store.h"

#include <ostream>
#include <string>

namespace bootlab::report {

// Writes nothing when the database holds no other experiment of that name.
void write_trend_html(std::ostream& out, store::Store& store, const std::string& experiment_name,
                      std::int64_t current_experiment);

} // namespace bootlab::report
