#pragma once
// Machine-readable forms of runs and boots (`--json`), stable keys, times in microseconds.
#include "model/boot.h"
#include "report/summary.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

namespace bootlab::report {

nlohmann::json run_json(const store::RunInfo& run);
nlohmann::json span_json(const model::Span& span);
// the run, its spans slowest first (limit 0 = all), markers and devices
nlohmann::json show_json(const store::RunInfo& run, const model::Boot& boot, std::size_t limit);
// an experiment's summary: per variant statistics, verdicts, device order, hosts, its runs
nlohmann::json summary_json(const ExperimentSummary& s);

} // namespace bootlab::report
