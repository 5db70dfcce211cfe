#include "runner/record.h"

#include <nlohmann/json.hpp>

namespace bootlab::runner {

ingest::ImportResult record_boot(store::Store& store, const BootRecord& rec, const BootOutcome& out) {
    ingest::ImportOptions io;
    store::NewRun& run = io.run;
    run.experiment_id = rec.experiment_id ? std::optional(rec.experiment_id) : std::nullopt;
    run.experiment_name = rec.spec.name;
    run.experiment_origin = rec.origin;
    run.experiment_spec = rec.spec.text;
    run.variant = rec.plan.label;
    run.repetition = rec.plan.repetition;
    run.warmup = rec.plan.warmup;
    run.backend = out.start.backend;
    run.host = out.start.host;
    run.source = rec.spec.file.string();
    if (!out.start.argv.empty()) run.emulator_argv = nlohmann::json(out.start.argv).dump();
    run.domain_xml = out.start.domain_xml;
    run.emulator_version = out.start.emulator;
    run.host_failed = out.host_failed;
    run.wall_us = out.wall_us;
    run.host_marks = out.host_marks;
    const kernel::Kernel& k = rec.kernel;
    run.kernel = {k.hash, k.origin == "file" ? "unknown" : k.origin, k.series, k.config_hash};
    run.replaces = rec.replaces;
    io.require_initcalls = false;
    if (out.status != model::RunStatus::Ok) {
        io.status = out.status;
        io.error = out.error;
    }
    return ingest::import_text(store, out.log, rec.spec.name + " " + rec.plan.label, io);
}

} // namespace bootlab::runner
