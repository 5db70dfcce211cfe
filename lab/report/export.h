#pragma once
// File formats other tools open: Perfetto/Chrome trace JSON (ui.perfetto.dev, chrome://tracing),
// CSV (spreadsheets), SVG (browsers).
#include "model/boot.h"
#include "store/store.h"

#include <ostream>
#include <string>

namespace bootlab::report {

enum class ExportFormat { Perfetto, Csv, Svg };
// "perfetto" (also "json", "chrome"), "csv", "svg"; throws bootlab::Error otherwise
ExportFormat parse_export_format(const std::string& name);

// One track per pid; sync initcalls and async cookies as complete events with their module,
// cookie and return value as args; waits, probes and markers too.
void write_perfetto(std::ostream& out, const store::RunInfo& run, const model::Boot& boot);
// One row per span.
void write_csv(std::ostream& out, const model::Boot& boot);
// A timeline: one lane per pid, spans as bars with tooltips, markers as lines.
void write_svg(std::ostream& out, const store::RunInfo& run, const model::Boot& boot);

void write_export(std::ostream& out, ExportFormat f, const store::RunInfo& run,
                  const model::Boot& boot);

} // namespace bootlab::report
