#pragma once
// Plain text for terminals and CI logs: the blame table of one boot, the list of runs.
#include "model/boot.h"
#include "store/store.h"

#include <ostream>
#include <vector>

namespace bootlab::report {

// Headline metrics, then spans slowest first (like `systemd-analyze blame`); limit 0 = all.
void print_blame(std::ostream& out, const store::RunInfo& run, const model::Boot& boot,
                 std::size_t limit);
void print_runs(std::ostream& out, const std::vector<store::RunInfo>& runs);

// Spans sorted slowest first (unfinished ones first of all: they never ended).
std::vector<const model::Span*> spans_by_duration(const model::Boot& boot);

} // namespace bootlab::report
