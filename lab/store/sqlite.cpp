#include "store/sqlite.h"

#include <sqlite3.h>

namespace bootlab::store {

Db::Db(const std::string& path, Mode mode) : path_(path) {
    int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error(path + ": cannot open database: " + msg);
    }
    sqlite3_busy_timeout(db_, 10000); // the GUI and a batch run may share a database
    sqlite3_extended_result_codes(db_, 1);
}

Db::~Db() { sqlite3_close_v2(db_); }

void Db::fail(std::string_view what) const {
    throw Error(path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

void Db::exec(std::string_view sql) {
    std::string s(sql);
    char* err = nullptr;
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(db_);
        sqlite3_free(err);
        throw Error(path_ + ": " + msg);
    }
}

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
