#pragma once
// A finished boot as a stored run: its console log through the ingest path (parser, model,
// store), with the provenance the runner knows — experiment, variant, kernel, backend, host,
// the emulator argv or domain XML.
#include "ingest/ingest.h"
#include "runner/backend.h"
#include "runner/experiment.h"

#include <vector>

namespace bootlab::runner {

struct BootRecord {
    const ExperimentSpec& spec;
    std::int64_t experiment_id = 0;   // 0: create the experiment with this run
    std::string origin;               // gui | cli | ci
    const BootPlan& plan;
    const kernel::Kernel& kernel;
    std::vector<std::int64_t> replaces; // earlier runs of this plan (cancelled, host failed)
};

ingest::ImportResult record_boot(store::Store& store, const BootRecord& rec, const BootOutcome& out);

} // namespace bootlab::runner
