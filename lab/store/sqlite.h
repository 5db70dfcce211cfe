#pragma once
// A thin RAII layer over the SQLite C API: a connection, prepared statements, transactions.
// Every failure throws bootlab::Error naming the database file.
#include "common/error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace bootlab::store {

class Db;

class Stmt {
public:
    Stmt(Db& db, std::string_view sql);
    ~Stmt();
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }

    // Parameters are 1-based, as in SQLite.
    Stmt& bind(int i, std::int64_t v);
    Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
    Stmt& bind(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }
    Stmt& bind(int i, std::string_view v);
    Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Stmt& bind_blob(int i, std::string_view bytes);
    Stmt& bind_null(int i);
    template <class T> Stmt& bind(int i, const std::optional<T>& v) {
        return v ? bind(i, *v) : bind_null(i);
    }
    // An empty string is stored as NULL (e.g. "no module").
    Stmt& bind_text_or_null(int i, std::string_view v) { return v.empty() ? bind_null(i) : bind(i, v); }

    bool step();        // true: a row is ready
    void run();         // step a statement that returns no row, then reset it
    void reset();

    // Columns are 0-based, as in SQLite.
    bool is_null(int c) const;
    std::int64_t int64(int c) const;
    std::optional<std::int64_t> opt_int64(int c) const;
    std::string text(int c) const; // NULL reads as ""
    std::string_view blob(int c) const;

private:
    Db& db_;
    sqlite3_stmt* s_ = nullptr;
};

// "PATH: what went wrong and what to do": a damaged file, a full disk, a read-only database and
// a lock held too long each get their own words (code: SQLite's extended result code).
std::string describe_sqlite_error(const std::string& path, int code, std::string_view msg);

// An Error from SQLite, with its extended result code for callers that can do something about
// one (retry on SQLITE_BUSY).
class DbError : public Error {
public:
    // busy, locked or full: try again later; anything else (damage, I/O): the server's problem
    DbError(const std::string& what, int code)
        : Error(what, transient(code) ? ErrorKind::Unavailable : ErrorKind::Internal), code_(code) {}
    int code() const { return code_; }
    bool busy() const { return (code_ & 0xff) == 5 /* SQLITE_BUSY */; }

private:
    static bool transient(int code) {
        const int primary = code & 0xff;
        return primary == 5 /* BUSY */ || primary == 6 /* LOCKED */ || primary == 13 /* FULL */;
    }
    int code_;
};

class Db {
public:
    enum class Mode { ReadWriteCreate, ReadOnly };
    Db(const std::string& path, Mode mode);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    void exec(std::string_view sql);
    std::int64_t last_insert_rowid() const;
    sqlite3* handle() { return db_; }
    const std::string& path() const { return path_; }
    bool read_only() const;
    [[noreturn]] void fail(std::string_view what) const;

private:
    sqlite3* db_ = nullptr;
    std::string path_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() was called, so an
// exception anywhere leaves the database as it was.
class Transaction {
public:
    explicit Transaction(Db& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Db& db_;
    bool open_ = true;
};

} // namespace bootlab::store
