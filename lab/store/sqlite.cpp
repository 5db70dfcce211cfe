#include "store/sqlite.h"

#include "common/text.h"

#include <sqlite3.h>

#include <cstdio>

namespace bootlab::store {

namespace {

// file: URI for a path (sqlite3_open_v2 with SQLITE_OPEN_URI): '?', '#' and '%' escaped.
std::string file_uri(const std::string& path, std::string_view query) {
    std::string uri = "file:";
    for (char c : path) {
        if (c == '?' || c == '#' || c == '%') {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
            uri += hex;
        } else {
            uri += c;
        }
    }
    uri += '?';
    uri += query;
    return uri;
}

} // namespace

std::string describe_sqlite_error(const std::string& path, int code, std::string_view msg) {
    std::string m(msg);
    switch (code & 0xff) {
    case SQLITE_NOTADB:
        return path + ": not a bootlab database, nor any SQLite file (" + m +
               "): is this the file you meant?";
    case SQLITE_CORRUPT:
        return path + ": the database file is damaged (" + m + "); restore it from a backup, or " +
               "salvage what is left with `sqlite3 " + path + " .recover | sqlite3 NEW.db`";
    case SQLITE_FULL:
        return path + ": the disk is full (" + m + "); nothing of this write was stored: free " +
               "space and run the command again";
    case SQLITE_READONLY:
        return path + ": the database is read-only here (" + m + "); reading it works, writing " +
               "needs write access to the file and its directory";
    case SQLITE_BUSY:
        return path + ": the database stayed locked by another process for 10 s (" + m + ")";
    case SQLITE_IOERR:
        return path + ": I/O error (" + m + "); check the disk (full, removed, failing?)";
    case SQLITE_CANTOPEN:
        return path + ": cannot open database (" + m + ")";
    default:
        return path + ": " + m;
    }
}

Db::Db(const std::string& path, Mode mode) : path_(path) {
    // No memory statistics: they take a process-wide mutex on every allocation SQLite makes,
    // which showed in an import's profile. Only takes effect before SQLite's first use.
    [[maybe_unused]] static const int no_memstatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    auto open = [&](const std::string& name, int flags) {
        sqlite3_close(db_);
        db_ = nullptr;
        return sqlite3_open_v2(name.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    };
    int rc;
    if (mode == Mode::ReadOnly) {
        rc = open(path, SQLITE_OPEN_READONLY);
        // A WAL database in a directory we cannot write, without its -shm file: SQLite cannot
        // set up shared memory. Nobody can be writing it then (no -wal), so read it as the
        // immutable file it is.
        if (rc == SQLITE_OK && sqlite3_exec(db_, "SELECT count(*) FROM sqlite_schema", nullptr,
                                            nullptr, nullptr) == SQLITE_CANTOPEN)
            rc = open(file_uri(path, "immutable=1"), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    } else {
        rc = open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    }
    if (rc != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        int code = db_ ? sqlite3_extended_errcode(db_) : rc;
        sqlite3_close(db_);
        db_ = nullptr;
        throw DbError(describe_sqlite_error(path, code, msg), code);
    }
    sqlite3_busy_timeout(db_, 10000); // the GUI and a batch run may share a database
    sqlite3_extended_result_codes(db_, 1);
}

Db::~Db() { sqlite3_close_v2(db_); }

void Db::fail(std::string_view what) const {
    const int code = sqlite3_extended_errcode(db_);
    throw DbError(describe_sqlite_error(path_, code, std::string(what) + ": " + sqlite3_errmsg(db_)),
                  code);
}

void Db::exec(std::string_view sql) {
    std::string s(sql);
    char* err = nullptr;
    if (int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err); rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(db_);
        sqlite3_free(err);
        const int code = sqlite3_extended_errcode(db_);
        throw DbError(describe_sqlite_error(path_, code, msg), code);
    }
}

bool Db::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

Stmt::Stmt(Db& db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &s_, nullptr) != SQLITE_OK)
        db_.fail("cannot prepare `" + std::string(sql.substr(0, 60)) + "`");
}

Stmt::~Stmt() { sqlite3_finalize(s_); }

Stmt& Stmt::bind(int i, std::int64_t v) {
    if (sqlite3_bind_int64(s_, i, v) != SQLITE_OK) db_.fail("bind");
    return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
    // Every text in the database is clean UTF-8 (common/text.h): a file name, a host name or an
    // argument may be any bytes, and all outputs read from here.
    if (!is_clean_text(v)) {
        const std::string cleaned = clean_text(v);
        if (sqlite3_bind_text64(s_, i, cleaned.data(), cleaned.size(), SQLITE_TRANSIENT,
                                SQLITE_UTF8) != SQLITE_OK)
            db_.fail("bind");
        return *this;
    }
    if (sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
        db_.fail("bind");
    return *this;
}
Stmt& Stmt::bind_blob(int i, std::string_view v) {
    if (sqlite3_bind_blob64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT) != SQLITE_OK)
        db_.fail("bind");
    return *this;
}
Stmt& Stmt::bind_null(int i) {
    if (sqlite3_bind_null(s_, i) != SQLITE_OK) db_.fail("bind");
    return *this;
}

bool Stmt::step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string sql = sqlite3_sql(s_) ? sqlite3_sql(s_) : "";
    sqlite3_reset(s_);
    db_.fail("`" + sql.substr(0, 60) + "`");
}

void Stmt::run() {
    step();
    reset();
}

void Stmt::reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
}

bool Stmt::is_null(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
std::int64_t Stmt::int64(int c) const { return sqlite3_column_int64(s_, c); }
std::optional<std::int64_t> Stmt::opt_int64(int c) const {
    if (is_null(c)) return std::nullopt;
    return int64(c);
}
std::string Stmt::text(int c) const {
    auto p = sqlite3_column_text(s_, c);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
             : std::string();
}
std::string_view Stmt::blob(int c) const {
    auto p = static_cast<const char*>(sqlite3_column_blob(s_, c));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
             : std::string_view();
}

Transaction::Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
    if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}
void Transaction::commit() {
    db_.exec("COMMIT");
    open_ = false;
}

} // namespace bootlab::store
