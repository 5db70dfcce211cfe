#include "store/store.h"

#include "store/embedded_sql.h"
#include "store/zstd_codec.h"

#include <algorithm>
#include <cstdlib>
#include <unistd.h>

namespace bootlab::store {
namespace {

constexpr std::int64_t kApplicationId = 0x626f6f74; // "boot": marks a file as ours

// Whether this process may change the file: write access to it and to its directory (for the
// -wal and -shm files). access(2) also says no on a read-only mount, even to root.
bool may_write(const std::filesystem::path& path) {
    std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
    return ::access(path.c_str(), W_OK) == 0 && ::access(dir.c_str(), W_OK) == 0;
}

// How to open `path` for `access`, checked before SQLite is asked, so that each case gets its own
// words: a reader meets no file; a writer meets a file it cannot write.
Db::Mode open_mode(const std::filesystem::path& path, Store::Access access) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (exists && std::filesystem::is_directory(path, ec))
        throw Error(path.string() + ": is a directory, not a database file");
    if (access != Store::Access::ReadWrite) {
        if (!exists)
            throw Error(path.string() + ": no such database (nothing stored yet: `bootlab run` " +
                        "or `bootlab import` creates it)");
        if (access == Store::Access::Reader) return Db::Mode::ReadOnly;
        return may_write(path) ? Db::Mode::ReadWriteCreate : Db::Mode::ReadOnly;
    }
    if (exists && !may_write(path))
        throw Error(path.string() + ": the database is read-only here (no write access to the " +
                    "file or its directory); commands that only read (runs, show, log, export, " +
                    "report) still work");
    if (!exists && path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) throw Error(path.string() + ": cannot create directory: " + ec.message());
    }
    return Db::Mode::ReadWriteCreate;
}

std::int64_t scalar(Db& db, std::string_view sql) {
    Stmt s(db, sql);
    if (!s.step()) return 0;
    return s.int64(0);
}

// The columns RunInfo is read from, in the order read_run_row expects.
constexpr std::string_view kRunColumns = R"(
    r.id, r.experiment_id, e.name, r.variant, r.repetition, r.backend, r.host, r.source,
    k.version, k.origin, k.series, r.kernel_cmdline, r.emulator_argv, r.status, r.error, r.created, r.wall_us,
    r.boot_to_init_us, r.init_done_us, r.free_initmem_us, r.last_initcall_end_us,
    r.initcall_total_us, r.async_total_us, r.boot_wait_us, r.sync_count, r.async_count,
    r.unfinished_count, r.sync_chain_pid, r.sync_chain_us, r.panic_message,
    r.parser_version, r.lines_total, r.lines_unused, r.log_bytes, r.domain_xml, r.emulator_version, r.host_failed,
    r.warmup, r.host_first_byte_us, r.host_kernel_us, r.host_run_init_us, r.host_init_done_us
    FROM run r JOIN experiment e ON e.id = r.experiment_id LEFT JOIN kernel k ON k.id = r.kernel_id)";

RunInfo read_run_row(const Stmt& s) {
    RunInfo r;
    int c = 0;
    r.id = s.int64(c++);
    r.experiment_id = s.int64(c++);
    r.experiment = s.text(c++);
    r.variant = s.text(c++);
    r.repetition = s.int64(c++);
    r.backend = s.text(c++);
    r.host = s.text(c++);
    r.source = s.text(c++);
    r.kernel_version = s.text(c++);
    r.kernel_origin = s.text(c++);
    r.kernel_series = s.text(c++);
    r.kernel_cmdline = s.text(c++);
    r.emulator_argv = s.text(c++);
    // the schema's CHECK admits only the five; a foreign writer's text reads as an error
    r.status = model::parse_run_status(s.text(c++)).value_or(model::RunStatus::Error);
    r.error = s.text(c++);
    r.created = s.text(c++);
    r.wall_us = s.opt_int64(c++);
    model::Metrics& m = r.metrics;
    m.boot_to_init = s.opt_int64(c++);
    m.init_done = s.opt_int64(c++);
    m.free_initmem = s.opt_int64(c++);
    m.last_initcall_end = s.opt_int64(c++);
    m.initcall_total = s.int64(c++);
    m.async_total = s.int64(c++);
    m.boot_wait = s.int64(c++);
    m.sync_count = s.int64(c++);
    m.async_count = s.int64(c++);
    m.unfinished_count = s.int64(c++);
    m.sync_chain_pid = s.opt_int64(c++);
    m.sync_chain = s.int64(c++);
    r.panic_message = s.text(c++);
    r.parser_version = s.int64(c++);
    r.lines_total = s.int64(c++);
    r.lines_unused = s.int64(c++);
    r.log_bytes = s.int64(c++);
    r.domain_xml = s.text(c++);
    r.emulator_version = s.text(c++);
    r.host_failed = s.int64(c++) != 0;
    r.warmup = s.int64(c++) != 0;
    r.host_marks.first_byte = s.opt_int64(c++);
    r.host_marks.kernel = s.opt_int64(c++);
    r.host_marks.run_init = s.opt_int64(c++);
    r.host_marks.init_done = s.opt_int64(c++);
    r.host_marks.exit = r.wall_us;
    return r;
}

} // namespace

Store::Store(const std::filesystem::path& path, Access access)
    : db_(path.string(), open_mode(path, access)) {
    if (db_.read_only()) {
        check_ours();
        const int current = schema_version();
        if (current < latest_version())
            throw Error(path.string() + ": database schema version " + std::to_string(current) +
                        " is older than this bootlab's (" + std::to_string(latest_version()) +
                        ") and the file is read-only here: upgrade it where it can be written");
        check_not_newer(current);
        return;
    }
    // WAL lets readers (the GUI, `runs`) work while a run writes. The mode is stored in the
    // file, so this only writes on the first open; later opens find it set.
    db_.exec("PRAGMA synchronous = NORMAL"); // WAL + NORMAL: durable at checkpoints, never corrupt
    db_.exec("PRAGMA foreign_keys = ON");
    // One import is one transaction: a cache that holds it avoids spilling pages to the WAL
    // and reading them back (pages are only allocated as needed).
    db_.exec("PRAGMA cache_size = -262144");
    db_.exec("PRAGMA temp_store = MEMORY");
    // While a new file is being set up by several processes at once, SQLite can answer BUSY
    // without waiting (switching the journal mode, or a read lock that cannot become a write
    // lock): that is a race lost, not a lock held, so try again.
    for (int attempt = 1;; ++attempt) {
        try {
            check_ours(); // before anything is written: never change a file that is not ours
            // A new file gets 16 KiB pages: a big import commits and checkpoints a quarter of
            // the pages (a syscall each) of 4 KiB ones; 64 KiB was no faster and made a one-boot
            // database 1 MB. Only takes effect before the file has any content.
            db_.exec("PRAGMA page_size = 16384");
            db_.exec("PRAGMA journal_mode = WAL");
            migrate();
            return;
        } catch (const DbError& e) {
            if (!e.busy() || attempt == 20) throw;
            ::usleep(static_cast<useconds_t>(10000 * attempt));
        }
    }
}

Store::~Store() = default;

std::filesystem::path Store::default_path() {
    if (const char* p = std::getenv("BOOTLAB_DB"); p && *p) return p;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
        return std::filesystem::path(x) / "bootlab" / "bootlab.db";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".local/share/bootlab/bootlab.db";
}

int Store::latest_version() { return embedded_migrations().back().version; }

int Store::schema_version() { return static_cast<int>(scalar(db_, "PRAGMA user_version")); }

std::int64_t Store::data_version() { return scalar(db_, "PRAGMA data_version"); }

void Store::check_ours() {
    // One statement, so one snapshot: read apart, a schema committed in between by another
    // process would look like someone else's tables without our mark.
    Stmt s(db_, "SELECT (SELECT application_id FROM pragma_application_id), "
                "(SELECT count(*) FROM sqlite_schema)");
    s.step();
    if (s.int64(0) != kApplicationId && s.int64(1) > 0)
        throw Error(db_.path() + ": not a bootlab database (it has other tables)");
}

void Store::check_not_newer(int current) {
    const int latest = latest_version();
    if (current > latest)
        throw Error(db_.path() + ": database schema version " + std::to_string(current) +
                    " is newer than this bootlab understands (" + std::to_string(latest) +
                    "); use a newer bootlab");
}

void Store::migrate() {
    // Everything is read inside the write transaction: processes opening a new database at
    // once (`import & import & runs`) queue on BEGIN IMMEDIATE, and only the first one finds
    // version 0 and creates the schema; the others find it done.
    Transaction tx(db_);
    check_ours();
    const int current = schema_version();
    check_not_newer(current);
    const int latest = latest_version();
    if (current == latest) return; // the transaction rolls back: nothing was written
    if (current == 0) {
        // A new database gets the documented schema in one piece.
        db_.exec(embedded_schema());
    } else {
        for (const Migration& m : embedded_migrations())
            if (m.version > current) db_.exec(m.sql);
    }
    db_.exec("PRAGMA user_version = " + std::to_string(latest));
    db_.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    tx.commit();
}

Stmt& Store::stmt(std::unique_ptr<Stmt>& slot, std::string_view sql) {
    if (!slot) slot = std::make_unique<Stmt>(db_, sql);
    return *slot;
}

RunWriter Store::begin_run(const NewRun& run) { return RunWriter(*this, run); }

RunWriter::RunWriter(Store& store, const NewRun& run)
    : store_(&store), tx_(std::make_unique<Transaction>(store.db_)) {
    Db& db = store.db_;
    if (run.experiment_id) {
        experiment_id_ = *run.experiment_id;
    } else {
        Stmt e(db, "INSERT INTO experiment (name, spec, origin) VALUES (?, ?, ?)");
        e.bind(1, run.experiment_name).bind_text_or_null(2, run.experiment_spec);
        e.bind(3, run.experiment_origin).run();
        experiment_id_ = db.last_insert_rowid();
    }
    for (std::int64_t old : run.replaces) {
        Stmt del(db, "DELETE FROM run WHERE id = ?"); // spans, chunks, ... go with it (CASCADE)
        del.bind(1, old).run();
    }
    // Inserted as 'error' with empty metrics: finish() fills it in. If the process dies before
    // that, the transaction never commits and the row never existed.
    std::optional<std::int64_t> kernel_id;
    if (!run.kernel.hash.empty()) {
        Stmt k(db, R"(INSERT INTO kernel (hash, origin, series, config) VALUES (?, ?, ?, ?)
                      ON CONFLICT (hash) DO NOTHING)");
        k.bind(1, run.kernel.hash).bind(2, run.kernel.origin).bind_text_or_null(3, run.kernel.series);
        k.bind_text_or_null(4, run.kernel.config).run();
        Stmt q(db, "SELECT id FROM kernel WHERE hash = ?");
        q.bind(1, run.kernel.hash);
        q.step();
        kernel_id = q.int64(0);
    }
    Stmt r(db, R"(INSERT INTO run (experiment_id, kernel_id, variant, repetition, backend, host, source,
                  emulator_argv, status, wall_us, parser_version, lines_total, lines_unused,
                  log_bytes, domain_xml, emulator_version, host_failed, warmup, host_first_byte_us,
                  host_kernel_us, host_run_init_us, host_init_done_us)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'error', ?, 0, 0, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?))");
    r.bind(1, experiment_id_).bind(2, kernel_id).bind(3, run.variant).bind(4, run.repetition);
    r.bind(5, run.backend).bind_text_or_null(6, run.host).bind_text_or_null(7, run.source);
    r.bind_text_or_null(8, run.emulator_argv).bind(9, run.wall_us);
    r.bind_text_or_null(10, run.domain_xml).bind_text_or_null(11, run.emulator_version);
    r.bind(12, static_cast<std::int64_t>(run.host_failed)).bind(13, static_cast<std::int64_t>(run.warmup));
    r.bind(14, run.host_marks.first_byte).bind(15, run.host_marks.kernel).bind(16, run.host_marks.run_init);
    r.bind(17, run.host_marks.init_done).run();
    run_id_ = db.last_insert_rowid();
}

RunWriter::RunWriter(RunWriter&&) noexcept = default;
RunWriter::~RunWriter() {
    // Rolled back: symbols this run added are gone again, so are their cached ids.
    if (tx_) store_->symbols_.clear();
}

void RunWriter::append_log(LogChunk chunk) {
    Stmt& s = store_->stmt(store_->ins_chunk_, "INSERT INTO log_chunk (run_id, seq, zstd) VALUES (?, ?, ?)");
    s.bind(1, run_id_).bind(2, chunk_seq_++).bind_blob(3, chunk.zstd).run();
    log_bytes_ += chunk.bytes;
}

void RunWriter::append_spans(const SpanBatch& batch) {
    if (batch.spans.empty()) return;
    if (batch.spans.front().seq != static_cast<std::int64_t>(spans_.count))
        throw Error("internal: spans appended out of order (" + std::to_string(batch.spans.front().seq) +
                    " after " + std::to_string(spans_.count) + ")");
    store_->write_spans(run_id_, batch, spans_);
}

std::int64_t RunWriter::finish(const model::Boot& boot, int parser_version,
                               model::RunStatus status, std::string_view error) {
    store_->write_boot(run_id_, boot, parser_version, log_bytes_, status, error, std::move(spans_));
    tx_->commit();
    tx_.reset();
    return run_id_;
}

std::int64_t Store::symbol_id(const std::string& function, const std::string& module) {
    std::string key = module;
    key.push_back('\0');
    key += function;
    if (auto it = symbols_.find(key); it != symbols_.end()) return it->second;
    Stmt& ins = stmt(ins_symbol_, R"(INSERT INTO symbol (function, module) VALUES (?, ?)
                                    ON CONFLICT (function, module) DO NOTHING)");
    ins.bind(1, function).bind(2, module).run();
    Stmt& q = stmt(get_symbol_, "SELECT id FROM symbol WHERE function = ? AND module = ?");
    q.bind(1, function).bind(2, module);
    q.step();
    std::int64_t id = q.int64(0);
    q.reset();
    symbols_.emplace(std::move(key), id);
    return id;
}

std::vector<std::string> Store::function_keys() {
    std::vector<std::string> keys;
    // EXISTS: one seek per symbol in function_total's primary key, not a scan of its rows
    Stmt q(db_, "SELECT function, module FROM symbol s WHERE EXISTS "
                "(SELECT 1 FROM function_total t WHERE t.symbol_id = s.id)");
    while (q.step()) keys.push_back(model::span_key(q.text(0), q.text(1)));
    std::sort(keys.begin(), keys.end());
    return keys;
}

std::unordered_map<std::int64_t, std::int64_t> Store::function_history(const std::string& key) {
    const auto [function, module] = model::split_span_key(key);
    Stmt q(db_, R"(SELECT run_id, total_us FROM function_total
                   WHERE symbol_id = (SELECT id FROM symbol WHERE function = ? AND module = ?))");
    q.bind(1, function).bind(2, module);
    std::unordered_map<std::int64_t, std::int64_t> out;
    while (q.step()) out.emplace(q.int64(0), q.int64(1));
    return out;
}

std::optional<std::int64_t> Store::kernel_for(std::int64_t run_id, const model::Boot& boot) {
    // A run whose kernel the lab knew (its image hash) keeps it; the banner fills in its version.
    Stmt known(db_, "SELECT kernel_id FROM run WHERE id = ? AND kernel_id IS NOT NULL");
    known.bind(1, run_id);
    if (known.step()) {
        std::int64_t id = known.int64(0);
        if (!boot.kernel_banner.empty()) {
            Stmt up(db_, "UPDATE kernel SET version = ?, banner = ? WHERE id = ? AND banner IS NULL");
            up.bind(1, boot.kernel_version).bind(2, boot.kernel_banner).bind(3, id).run();
        }
        return id;
    }
    if (boot.kernel_banner.empty()) return std::nullopt;
    std::string hash = "banner:" + boot.kernel_banner;
    Stmt ins(db_, R"(INSERT INTO kernel (hash, version, banner, origin) VALUES (?, ?, ?, 'unknown')
                     ON CONFLICT (hash) DO NOTHING)");
    ins.bind(1, hash).bind(2, boot.kernel_version).bind(3, boot.kernel_banner).run();
    Stmt q(db_, "SELECT id FROM kernel WHERE hash = ?");
    q.bind(1, hash);
    q.step();
    return q.int64(0);
}

// Inserts rows into `table` kRowsPerInsert at a time. For these narrow rows one statement per
// row cost more than SQLite's own work on them (a 1,000,000-line log is 336,000 spans:
// tests/bench/parse_bench). bind(stmt, first parameter, row, seq) binds one row's columns.
template <class Rows, class Bind>
void Store::insert_rows(std::string_view table, std::string_view columns, int ncolumns, const Rows& rows, Bind bind) {
    constexpr std::size_t kRowsPerInsert = 64;
    // prepared once per table and row count (the SQL is built only then, not per batch)
    auto statement = [&](std::size_t n) -> Stmt& {
        auto& slot = statements_[std::string(table) + "/" + std::to_string(n)];
        if (slot) return *slot;
        std::string sql = "INSERT OR FAIL INTO " + std::string(table) + " (" + std::string(columns) + ") VALUES ";
        std::string one = "(";
        for (int c = 0; c < ncolumns; ++c) one += c ? ", ?" : "?";
        one += ")";
        for (std::size_t r = 0; r < n; ++r) sql += (r ? ", " : "") + one;
        slot = std::make_unique<Stmt>(db_, sql);
        return *slot;
    };
    for (std::size_t i = 0; i < rows.size();) {
        const std::size_t n = std::min(kRowsPerInsert, rows.size() - i);
        Stmt& st = statement(n);
        for (std::size_t r = 0; r < n; ++r, ++i)
            bind(st, static_cast<int>(r) * ncolumns + 1, rows[i], static_cast<std::int64_t>(i));
        st.run();
    }
}

void Store::write_spans(std::int64_t run_id, const SpanBatch& batch, WrittenSpans& spans) {
    for (const auto& [function, module] : batch.new_names) {
        spans.symbol_ids.push_back(symbol_id(function, module));
        spans.totals.emplace_back();
    }
    insert_rows("span", "run_id, seq, symbol_id, cookie, pid, start_us, duration_us, ret, kind, line", 10, batch.spans,
                [&](Stmt& st, int c, const PackedSpan& sp, std::int64_t) {
                    st.bind(c, run_id).bind(c + 1, sp.seq).bind(c + 2, spans.symbol_ids[sp.name]).bind(c + 3, sp.cookie);
                    st.bind(c + 4, sp.pid).bind(c + 5, sp.start).bind(c + 6, sp.duration).bind(c + 7, sp.ret);
                    st.bind(c + 8, model::to_string(sp.kind)).bind(c + 9, sp.line);
                });
    for (const PackedSpan& sp : batch.spans) {
        FunctionTotal& t = spans.totals[sp.name];
        ++t.spans;
        if (sp.duration) {
            t.total += *sp.duration;
            t.max = std::max(t.max.value_or(*sp.duration), *sp.duration);
        }
    }
    spans.count += batch.spans.size();
}

void Store::write_boot(std::int64_t run_id, const model::Boot& boot, int parser_version,
                       std::int64_t log_bytes, model::RunStatus status, std::string_view error,
                       WrittenSpans spans) {
    if (spans.count == 0)
        write_spans(run_id, SpanPacker().pack(boot.spans.data(), boot.spans.size()), spans);
    else if (spans.count != boot.spans.size())
        throw Error("internal: " + std::to_string(spans.count) + " of the boot's " +
                    std::to_string(boot.spans.size()) + " spans were appended, not all");
    std::vector<std::size_t> names(spans.totals.size());
    for (std::size_t i = 0; i < names.size(); ++i) names[i] = i;
    insert_rows("function_total", "symbol_id, run_id, spans, total_us, max_us", 5, names,
                [&](Stmt& st, int c, std::size_t i, std::int64_t) {
                    const FunctionTotal& t = spans.totals[i];
                    st.bind(c, spans.symbol_ids[i]).bind(c + 1, run_id).bind(c + 2, t.spans);
                    st.bind(c + 3, t.total).bind(c + 4, t.max);
                });
    insert_rows("wait", "run_id, seq, pid, start_us, duration_us", 5, boot.waits,
                [&](Stmt& st, int c, const model::Wait& w, std::int64_t seq) {
                    st.bind(c, run_id).bind(c + 1, seq).bind(c + 2, w.pid).bind(c + 3, w.start).bind(c + 4, w.duration);
                });
    insert_rows("device_call", "run_id, seq, kind, device, function, pid, start_us, duration_us, ret, span_seq", 10,
                boot.calls, [&](Stmt& st, int c, const model::DeviceCall& d, std::int64_t seq) {
                    st.bind(c, run_id).bind(c + 1, seq).bind(c + 2, model::to_string(d.kind)).bind(c + 3, d.device);
                    st.bind_text_or_null(c + 4, d.function).bind(c + 5, d.pid).bind(c + 6, d.start);
                    st.bind(c + 7, d.duration).bind(c + 8, d.ret).bind(c + 9, d.span_seq);
                });
    insert_rows("marker", "run_id, seq, name, detail, time_us, duration_us", 6, boot.markers,
                [&](Stmt& st, int c, const model::Marker& mk, std::int64_t seq) {
                    st.bind(c, run_id).bind(c + 1, seq).bind(c + 2, mk.name).bind_text_or_null(c + 3, mk.detail);
                    st.bind(c + 4, mk.time).bind(c + 5, mk.duration);
                });
    insert_rows("device", "run_id, seq, kind, name, path, detail", 6, boot.devices,
                [&](Stmt& st, int c, const model::Device& d, std::int64_t seq) {
                    st.bind(c, run_id).bind(c + 1, seq).bind(c + 2, model::to_string(d.kind)).bind(c + 3, d.name);
                    st.bind(c + 4, d.path).bind_text_or_null(c + 5, d.detail);
                });

    const model::Metrics& m = boot.metrics;
    Stmt up(db_, R"(UPDATE run SET kernel_id = ?, kernel_cmdline = ?, status = ?, error = ?,
        boot_to_init_us = ?, init_done_us = ?, free_initmem_us = ?, last_initcall_end_us = ?,
        initcall_total_us = ?, async_total_us = ?, boot_wait_us = ?, sync_count = ?,
        async_count = ?, unfinished_count = ?, sync_chain_pid = ?, sync_chain_us = ?,
        panic_message = ?, parser_version = ?, lines_total = ?, lines_unused = ?, log_bytes = ?
        WHERE id = ?)");
    up.bind(1, kernel_for(run_id, boot)).bind_text_or_null(2, boot.cmdline).bind(3, model::to_string(status));
    up.bind_text_or_null(4, error).bind(5, m.boot_to_init).bind(6, m.init_done);
    up.bind(7, m.free_initmem).bind(8, m.last_initcall_end).bind(9, m.initcall_total);
    up.bind(10, m.async_total).bind(11, m.boot_wait).bind(12, m.sync_count);
    up.bind(13, m.async_count).bind(14, m.unfinished_count).bind(15, m.sync_chain_pid);
    up.bind(16, m.sync_chain).bind_text_or_null(17, boot.panic_message);
    up.bind(18, parser_version).bind(19, boot.lines).bind(20, boot.unusable_lines);
    up.bind(21, log_bytes).bind(22, run_id).run();
}

std::vector<RunInfo> Store::runs() {
    Stmt s(db_, "SELECT " + std::string(kRunColumns) + " ORDER BY r.id");
    std::vector<RunInfo> out;
    while (s.step()) out.push_back(read_run_row(s));
    return out;
}

Store::RunPage Store::runs_page(const RunFilter& f, std::int64_t offset, std::int64_t limit) {
    // Only the conditions of the fields given, each a fixed text with its value bound, never
    // spliced in: without a filter the count is SQLite's count of the table, not a scan.
    std::string where;
    std::vector<const std::string*> values;
    auto cond = [&](const std::string& value, std::string_view sql) { // '$' in sql: this value
        if (value.empty()) return;
        values.push_back(&value);
        where += where.empty() ? " WHERE " : " AND ";
        for (char c : sql) where += c == '$' ? "?" + std::to_string(values.size()) : std::string(1, c);
    };
    cond(f.experiment, "e.name = $");
    cond(f.variant, "r.variant = $");
    cond(f.kernel, "(k.version = $ OR k.series = $)");
    cond(f.host, "r.host = $");
    cond(f.status, "r.status = $");
    cond(f.words, "instr(lower(e.name || ' ' || r.variant || ' ' || ifnull(k.version, '') || ' ' || ifnull(k.series, '') "
                  "|| ' ' || ifnull(r.host, '') || ' ' || ifnull(r.source, '') || ' ' || ifnull(r.error, '')), lower($)) > 0");
    const std::string experiment_id = f.experiment_id ? std::to_string(f.experiment_id) : "";
    cond(experiment_id, "r.experiment_id = $");
    const std::string& sql_where = where;
    auto bind = [&](Stmt& s) {
        for (std::size_t i = 0; i < values.size(); ++i) s.bind(static_cast<int>(i + 1), *values[i]);
    };
    RunPage page;
    const std::string from(kRunColumns.substr(kRunColumns.find("FROM")));
    Stmt count(db_, where.empty() ? std::string("SELECT count(*) FROM run") : "SELECT count(*) " + from + sql_where);
    bind(count);
    if (count.step()) page.total = count.int64(0);
    const int lim = static_cast<int>(values.size()) + 1;
    Stmt s(db_, "SELECT " + std::string(kRunColumns) + sql_where + " ORDER BY r.id DESC LIMIT ?" +
                    std::to_string(lim) + " OFFSET ?" + std::to_string(lim + 1));
    bind(s);
    s.bind(lim, limit).bind(lim + 1, offset);
    while (s.step()) page.runs.push_back(read_run_row(s));
    return page;
}

namespace {
constexpr std::string_view kExperimentColumns = R"(SELECT e.id, e.name, e.origin, e.created,
    (SELECT count(*) FROM run r WHERE r.experiment_id = e.id),
    (SELECT count(*) FROM run r WHERE r.experiment_id = e.id AND r.status = 'ok' AND r.warmup = 0)
    FROM experiment e)";
Store::ExperimentInfo read_experiment_row(const Stmt& s) {
    return {s.int64(0), s.text(1), s.text(2), s.text(3), s.int64(4), s.int64(5)};
}
} // namespace

std::vector<Store::ExperimentInfo> Store::experiments(std::int64_t limit) {
    Stmt s(db_, std::string(kExperimentColumns) + " ORDER BY e.id DESC LIMIT ?");
    s.bind(1, limit);
    std::vector<ExperimentInfo> out;
    while (s.step()) out.push_back(read_experiment_row(s));
    return out;
}

std::optional<Store::ExperimentInfo> Store::experiment(std::int64_t id) {
    Stmt s(db_, std::string(kExperimentColumns) + " WHERE e.id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_experiment_row(s);
}

std::vector<RunInfo> Store::runs_of(std::int64_t experiment_id) {
    Stmt s(db_, "SELECT " + std::string(kRunColumns) + " WHERE r.experiment_id = ? ORDER BY r.id");
    s.bind(1, experiment_id);
    std::vector<RunInfo> out;
    while (s.step()) out.push_back(read_run_row(s));
    return out;
}

std::optional<std::int64_t> Store::find_experiment(const std::string& name, const std::string& spec) {
    Stmt s(db_, "SELECT id FROM experiment WHERE name = ? AND spec = ? ORDER BY id DESC LIMIT 1");
    s.bind(1, name).bind(2, spec);
    if (!s.step()) return std::nullopt;
    return s.int64(0);
}

std::optional<RunInfo> Store::run(std::int64_t id) {
    Stmt s(db_, "SELECT " + std::string(kRunColumns) + " WHERE r.id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_run_row(s);
}

RunInfo Store::require_run(std::int64_t id) {
    auto r = run(id);
    if (!r) throw Error("run " + std::to_string(id) + ": no such run in " + db_.path(), ErrorKind::NotFound);
    return *r;
}

model::Boot Store::load_boot(std::int64_t id) {
    RunInfo info = require_run(id);
    model::Boot b;
    b.kernel_version = info.kernel_version;
    b.cmdline = info.kernel_cmdline;
    b.panicked = info.status == model::RunStatus::Panic;
    b.panic_message = info.panic_message;
    b.metrics = info.metrics;
    b.lines = static_cast<std::uint64_t>(info.lines_total);
    b.unusable_lines = static_cast<std::uint64_t>(info.lines_unused);
    b.bytes = static_cast<std::uint64_t>(info.log_bytes);

    Stmt s(db_, R"(SELECT seq, function, module, cookie, pid, start_us, duration_us, ret, kind,
                   line FROM span_named WHERE run_id = ? ORDER BY seq)");
    s.bind(1, id);
    while (s.step()) {
        model::Span sp;
        sp.seq = s.int64(0);
        sp.function = s.text(1);
        sp.module = s.text(2);
        sp.cookie = s.opt_int64(3);
        sp.pid = s.int64(4);
        sp.start = s.int64(5);
        sp.duration = s.opt_int64(6);
        sp.ret = s.opt_int64(7);
        sp.kind = s.text(8) == "async" ? model::SpanKind::Async : model::SpanKind::Sync;
        sp.line = static_cast<std::uint64_t>(s.int64(9));
        b.spans.push_back(std::move(sp));
    }
    Stmt w(db_, "SELECT pid, start_us, duration_us FROM wait WHERE run_id = ? ORDER BY seq");
    w.bind(1, id);
    while (w.step()) b.waits.push_back(model::Wait{w.int64(0), w.int64(1), w.opt_int64(2)});
    Stmt c(db_, R"(SELECT kind, device, function, pid, start_us, duration_us, ret, span_seq
                   FROM device_call WHERE run_id = ? ORDER BY seq)");
    c.bind(1, id);
    while (c.step()) {
        model::DeviceCall d;
        d.kind = c.text(0) == "quirk" ? model::CallKind::Quirk : model::CallKind::Probe;
        d.device = c.text(1);
        d.function = c.text(2);
        d.pid = c.opt_int64(3);
        d.start = c.int64(4);
        d.duration = c.opt_int64(5);
        d.ret = c.opt_int64(6);
        d.span_seq = c.opt_int64(7);
        b.calls.push_back(std::move(d));
    }
    Stmt m(db_, "SELECT name, detail, time_us, duration_us FROM marker WHERE run_id = ? ORDER BY seq");
    m.bind(1, id);
    while (m.step()) b.markers.push_back(model::Marker{m.text(0), m.text(1), m.opt_int64(2), m.opt_int64(3)});
    Stmt d(db_, "SELECT kind, name, path, detail FROM device WHERE run_id = ? ORDER BY seq");
    d.bind(1, id);
    while (d.step())
        b.devices.push_back(model::Device{
            d.text(0) == "net" ? model::DeviceKind::Net : model::DeviceKind::Disk, d.text(1),
            d.text(2), d.text(3)});
    b.has_timestamps = true;
    return b;
}

void Store::read_log(std::int64_t id, const std::function<void(std::string_view)>& sink) {
    Stmt s(db_, "SELECT zstd FROM log_chunk WHERE run_id = ? ORDER BY seq");
    s.bind(1, id);
    while (s.step()) sink(zstd_decompress(s.blob(0)));
}

void Store::replace_boot(std::int64_t id, const model::Boot& boot, int parser_version) {
    RunInfo info = require_run(id);
    Transaction tx(db_);
    for (const char* table : {"span", "function_total", "wait", "device_call", "marker", "device"}) {
        Stmt del(db_, std::string("DELETE FROM ") + table + " WHERE run_id = ?");
        del.bind(1, id).run();
    }
    // A reparse can turn a run into a panic (or back), but never overrides what the runner saw
    // (timeout, cancelled, error).
    model::RunStatus status = info.status;
    if (status == model::RunStatus::Ok || status == model::RunStatus::Panic)
        status = boot.panicked ? model::RunStatus::Panic : model::RunStatus::Ok;
    try {
        write_boot(id, boot, parser_version, info.log_bytes, status, info.error);
        tx.commit();
    } catch (...) {
        symbols_.clear(); // rolled back with the transaction
        throw;
    }
}

} // namespace bootlab::store
