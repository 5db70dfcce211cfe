#pragma once
// The bootlab database: the only code that writes SQL. Opening a Store creates or migrates the
// schema; a run is written by a RunWriter inside one transaction, so a failed import or a
// killed process leaves no trace of the run.
#include "model/boot.h"
#include "model/host_marks.h"
#include "model/run_status.h"
#include "store/log_chunker.h"
#include "store/span_batch.h"
#include "store/sqlite.h"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bootlab::store {

struct RunInfo {
    std::int64_t id = 0;
    std::int64_t experiment_id = 0;
    std::string experiment;
    std::string variant;
    std::int64_t repetition = 0;
    std::string backend;
    std::string host;
    std::string source;
    std::string kernel_version;
    std::string kernel_origin;  // distro | source | unknown
    std::string kernel_series;  // source builds: the patch series
    std::string kernel_cmdline;
    std::string emulator_argv;
    model::RunStatus status = model::RunStatus::Ok;
    std::string error;
    std::string created;
    std::optional<std::int64_t> wall_us;
    model::Metrics metrics;
    std::string panic_message;
    std::int64_t parser_version = 0;
    std::int64_t lines_total = 0;
    std::int64_t lines_unused = 0;
    std::int64_t log_bytes = 0;
    std::string domain_xml;     // libvirt boots
    std::string emulator_version;
    bool host_failed = false;   // the host failed under this boot: resuming boots it again
    bool warmup = false;        // a warm-up boot: stored, never counted
    model::HostMarks host_marks; // the boot on the host's clock (exit: wall_us)

    // Whether this boot's numbers count: an ok boot that was not a warm-up. The one rule the
    // summary, the report, the gate and the GUI use to pick the boots they compute from.
    bool counts() const { return status == model::RunStatus::Ok && !warmup; }
    // Booted in deterministic mode (QEMU -icount, directly or through libvirt): its times are
    // the guest's instruction counts, which replay exactly, not the host's clock.
    bool replayed() const {
        return emulator_argv.find("\"-icount\"") != std::string::npos ||
               domain_xml.find("<qemu:arg value='-icount'/>") != std::string::npos;
    }
};

// The kernel a run booted, as the lab knows it (imports only know the banner it printed).
struct KernelRecord {
    std::string hash;    // sha256 of the image; empty: not known
    std::string origin;  // distro | source
    std::string series;  // source builds: patch series
    std::string config;  // source builds: sha256 of the .config
};

// What is known of a run before its log has been read.
struct NewRun {
    std::optional<std::int64_t> experiment_id; // none: create the experiment below
    std::string experiment_name = "import";
    std::string experiment_origin = "import";   // gui | cli | ci | service | import
    std::string experiment_spec;
    std::string variant;
    std::int64_t repetition = 0;
    std::string backend = "import";
    std::string host;
    std::string source;        // file the log came from
    std::string emulator_argv; // JSON array (qemu backend)
    std::string domain_xml;    // libvirt backend
    std::string emulator_version;
    bool host_failed = false;
    bool warmup = false;
    KernelRecord kernel;
    std::optional<std::int64_t> wall_us;
    model::HostMarks host_marks; // the marks the backend saw (its exit is wall_us)
    std::vector<std::int64_t> replaces; // runs this one supersedes (a resumed cancelled boot):
                                        // deleted in the same transaction
};

class Store;

// Per function of one boot: what function_total stores.
struct FunctionTotal {
    std::int64_t spans = 0, total = 0;
    std::optional<std::int64_t> max;
};

// What a run's writer knows of the spans written so far: the symbol id of each of the
// packer's names, and per name what function_total will store.
struct WrittenSpans {
    std::size_t count = 0;
    std::vector<std::int64_t> symbol_ids;
    std::vector<FunctionTotal> totals;
};

// Streams one run into the database. Nothing is visible to other connections until finish();
// destroying an unfinished writer rolls everything back.
class RunWriter {
public:
    ~RunWriter();
    RunWriter(RunWriter&&) noexcept;
    void append_log(LogChunk chunk); // the raw log, chunked and compressed by the caller's LogChunker
    // Spans that are final before the boot is (BootBuilder::settled()), in order from seq 0,
    // each batch continuing the last and all from one packer: written while the rest of the
    // log is read. Whoever appends any appends all; else finish() writes them.
    void append_spans(const SpanBatch& batch);
    // Writes the parsed boot and commits. Returns the run id.
    std::int64_t finish(const model::Boot& boot, int parser_version, model::RunStatus status,
                        std::string_view error = {});
    std::int64_t run_id() const { return run_id_; }
    std::int64_t experiment_id() const { return experiment_id_; }

private:
    friend class Store;
    RunWriter(Store& store, const NewRun& run);

    Store* store_;
    std::unique_ptr<Transaction> tx_;
    std::int64_t run_id_ = 0;
    std::int64_t experiment_id_ = 0;
    std::int64_t chunk_seq_ = 0;
    std::int64_t log_bytes_ = 0;
    WrittenSpans spans_;
};

class Store {
public:
    // ReadWrite opens (creating it and its directory if needed) and migrates. Read is for
    // commands that only look: the file must exist; it is opened read-only where this process
    // cannot write it (read-only media, another user's file), else as ReadWrite (so a reader
    // that meets a database being created waits for its schema instead of failing).
    // Throws bootlab::Error naming the file if it is missing (Read), damaged, not a bootlab
    // database, or of another schema version than this program can use.
    // Reader is one connection of a service's reader threads: always read-only, so it never
    // takes a write lock, and it never migrates (the service's one writer did that first).
    enum class Access { ReadWrite, Read, Reader };
    explicit Store(const std::filesystem::path& path, Access access = Access::ReadWrite);
    ~Store();
    // $BOOTLAB_DB, else $XDG_DATA_HOME/bootlab/bootlab.db, else ~/.local/share/bootlab/bootlab.db
    static std::filesystem::path default_path();
    static int latest_version();

    RunWriter begin_run(const NewRun& run);
    std::vector<RunInfo> runs();
    // A page of runs, newest first, of those that match every non-empty field, and how many
    // match in all: the service's run list, fast on a database of many thousand runs.
    struct RunFilter {
        std::string experiment, variant, kernel, host, status; // exact (kernel: version or series)
        std::string words; // a substring of the experiment, variant, kernel, host, source or error
        std::int64_t experiment_id = 0; // 0: any
    };
    struct RunPage {
        std::vector<RunInfo> runs;
        std::int64_t total = 0;
    };
    RunPage runs_page(const RunFilter& filter, std::int64_t offset, std::int64_t limit);
    struct ExperimentInfo {
        std::int64_t id = 0;
        std::string name, origin, created;
        std::int64_t runs = 0, ok = 0;
    };
    std::vector<ExperimentInfo> experiments(std::int64_t limit); // newest first
    std::optional<ExperimentInfo> experiment(std::int64_t id);
    std::vector<RunInfo> runs_of(std::int64_t experiment_id);
    // The newest experiment with this name and exactly this spec text: the one a new
    // `bootlab run` of the same file resumes (or, when complete, reuses).
    std::optional<std::int64_t> find_experiment(const std::string& name, const std::string& spec);
    std::optional<RunInfo> run(std::int64_t id);
    RunInfo require_run(std::int64_t id); // throws "run N: no such run in DB"
    model::Boot load_boot(std::int64_t id);
    // Calls sink with the raw log, decompressed chunk by chunk.
    void read_log(std::int64_t id, const std::function<void(std::string_view)>& sink);
    // Replaces the parsed content and metrics of a run (reparse), in one transaction.
    void replace_boot(std::int64_t id, const model::Boot& boot, int parser_version);

    int schema_version();
    // Changes when another connection (a `bootlab run` in a terminal, the GUI's runner thread)
    // has committed since this connection last looked: a cheap "anything new?" to poll.
    std::int64_t data_version();
    Db& db() { return db_; }

    // Every function with a time stored, as span keys ("function [module]"), sorted: what a
    // search for a function's history completes from.
    std::vector<std::string> function_keys();
    // A function's time (its spans summed, function_total) in every run it ran in: run id -> us.
    std::unordered_map<std::int64_t, std::int64_t> function_history(const std::string& key);

private:
    friend class RunWriter;
    void migrate();
    void check_ours();
    void check_not_newer(int current);
    // Writes the boot, its spans unless `spans` says they are all written (by write_spans),
    // and commits nothing.
    void write_boot(std::int64_t run_id, const model::Boot& boot, int parser_version,
                    std::int64_t log_bytes, model::RunStatus status, std::string_view error,
                    WrittenSpans spans = {});
    void write_spans(std::int64_t run_id, const SpanBatch& batch, WrittenSpans& spans);
    std::optional<std::int64_t> kernel_for(std::int64_t run_id, const model::Boot& boot);
    std::int64_t symbol_id(const std::string& function, const std::string& module);
    Stmt& stmt(std::unique_ptr<Stmt>& slot, std::string_view sql);
    template <class Rows, class Bind>
    void insert_rows(std::string_view table, std::string_view columns, int ncolumns, const Rows& rows, Bind bind);

    Db db_;
    // prepared once, used for every row
    std::unique_ptr<Stmt> ins_chunk_, ins_symbol_, get_symbol_;
    std::unordered_map<std::string, std::unique_ptr<Stmt>> statements_; // insert_rows', by "table/rows"
    std::unordered_map<std::string, std::int64_t> symbols_; // "module\0function" -> symbol.id
};

} // namespace bootlab::store
