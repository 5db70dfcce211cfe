#pragma once
// Turning a kernel log into a stored run: read -> parse -> model -> store, streaming, in one
// transaction. The one place the CLI, the GUI and the runner share for this.
#include "model/boot.h"
#include "store/store.h"

#include <filesystem>
#include <functional>
#include <string>

namespace bootlab::ingest {

struct ImportOptions {
    store::NewRun run;                 // experiment, variant, backend, ...
    bool require_initcalls = true;     // `bootlab import`: a log without initcalls is an error
    std::optional<model::RunStatus> status; // force a status (runner: timeout, cancelled); none = from log
    std::string error;                 // error text stored with a forced status
    // bytes read so far and total (0 if unknown); called about every MiB
    std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct ImportResult {
    std::int64_t run_id = 0;
    std::int64_t experiment_id = 0;
    model::RunStatus status = model::RunStatus::Ok;
    model::Boot boot;
};

// Imports one log file. Throws bootlab::Error naming the file (and line) when the file cannot
// be read, is empty or binary, or has no initcall lines; the database is then unchanged.
ImportResult import_file(store::Store& store, const std::filesystem::path& path,
                         ImportOptions options);

// Imports a log held in memory (e.g. captured from a guest's console). `name` is used in errors.
ImportResult import_text(store::Store& store, std::string_view log, const std::string& name,
                         ImportOptions options);

// Rebuilds a run's spans, markers and metrics from its stored raw log with this parser.
model::Boot reparse_run(store::Store& store, std::int64_t run_id);

// "PATH:LINE" for messages.
std::string where(const std::string& name, std::uint64_t line);

} // namespace bootlab::ingest
