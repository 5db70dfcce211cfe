#pragma once
// Machine-readable forms of runs and boots (`--json`), stable keys, times in microseconds.
#include "model/boot.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

namespace bootlab::report {

nlohmann::json run_json(const store::RunInfo& run);
nlohmann::json span_json(const model::Span& span);
// the run, its spans slowest first (limit 0 = all), markers and devices
nlohmann::json show_json(const store::RunInfo& run, const model::Boot& boot, std::size_t limit);

} // namespace bootlab::report
