// The database: schema and migrations agree, bad files are refused by name, a failed import
// leaves nothing behind, and what is stored reads back the same.
#include "ingest/ingest.h"
#include "store/embedded_sql.h"
#include "store/store.h"
#include "model/boot_builder.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <map>
#include <array>

using namespace bootlab;

namespace {

// The structure of a database, independent of how its CREATE statements were spelled.
std::string structure(store::Db& db) {
    store::Stmt q(db, R"(SELECT m.type, m.name, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk
                         FROM sqlite_schema m JOIN pragma_table_info(m.name) p
                         WHERE m.type = 'table' UNION ALL
                         SELECT m.type, m.name, i.seqno, i.name, '', 0, '', 0
                         FROM sqlite_schema m JOIN pragma_index_info(m.name) i
                         WHERE m.type = 'index' UNION ALL
                         SELECT type, name, 0, '', '', 0, '', 0 FROM sqlite_schema
                         WHERE type = 'view' ORDER BY 1, 2, 3)");
    std::string s;
    while (q.step())
        for (int c = 0; c < 8; ++c) s += q.text(c) + (c == 7 ? "\n" : "|");
    return s;
}

std::int64_t count(store::Store& s, const std::string& table) {
    store::Stmt q(s.db(), "SELECT count(*) FROM " + table);
    q.step();
    return q.int64(0);
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(Schema, MigrationsInOrderGiveExactlySchemaSql) {
    test::TempDir dir;
    store::Db migrated((dir / "m.db").string(), store::Db::Mode::ReadWriteCreate);
    for (const auto& m : store::embedded_migrations()) migrated.exec(m.sql);
    store::Db fresh((dir / "f.db").string(), store::Db::Mode::ReadWriteCreate);
    fresh.exec(test::slurp(BOOTLAB_SCHEMA_SQL)); // the file in the tree, not the embedded copy
    std::string a = structure(migrated), b = structure(fresh);
    EXPECT_GT(a.size(), 500u);
    EXPECT_EQ(a, b);
}

TEST(Schema, AnOlderDatabaseIsMigratedKeepingItsRuns) {
    test::TempDir dir;
    const auto path = dir / "old.db";
    std::int64_t run_id = 0;
    {
        store::Store s(path);
        run_id = ingest::import_file(s, test::data(test::kRealLogs[0]), {}).run_id;
    }
    {   // make it what bootlab wrote before migration 0002: no marker.duration_us (nor what 0003 to 0006 added)
        store::Db db(path.string(), store::Db::Mode::ReadWriteCreate);
        db.exec("ALTER TABLE marker DROP COLUMN duration_us");
        db.exec("ALTER TABLE run DROP COLUMN domain_xml");
        db.exec("ALTER TABLE run DROP COLUMN emulator_version");
        db.exec("ALTER TABLE run DROP COLUMN host_failed");
        db.exec("ALTER TABLE run DROP COLUMN warmup");
        for (const char* c : {"host_first_byte_us", "host_kernel_us", "host_run_init_us", "host_init_done_us"})
            db.exec(std::string("ALTER TABLE run DROP COLUMN ") + c);
        db.exec("DROP TABLE function_total"); // 0006: built from the spans by the migration
        db.exec("CREATE INDEX span_by_symbol ON span (symbol_id, run_id)");
        db.exec("PRAGMA user_version = 1");
    }
    store::Store s(path);
    EXPECT_EQ(s.schema_version(), store::embedded_migrations().back().version);
    model::Boot b = s.load_boot(run_id);
    EXPECT_GT(b.markers.size(), 3u);
    for (const auto& m : b.markers) EXPECT_FALSE(m.duration) << m.name;
    store::Db migrated(path.string(), store::Db::Mode::ReadWriteCreate);
    store::Db fresh((dir / "f.db").string(), store::Db::Mode::ReadWriteCreate);
    fresh.exec(test::slurp(BOOTLAB_SCHEMA_SQL));
    EXPECT_EQ(structure(migrated), structure(fresh));

    // function_total as the migration's SQL built it = as the writer builds it on import, and
    // = the spans of the log summed here
    store::Store imported(dir / "new.db");
    const std::int64_t again = ingest::import_file(imported, test::data(test::kRealLogs[0]), {}).run_id;
    auto totals = [](store::Db& db, std::int64_t run) {
        store::Stmt q(db, "SELECT y.function || ' [' || y.module || ']', t.spans, t.total_us, ifnull(t.max_us, -1) "
                          "FROM function_total t JOIN symbol y ON y.id = t.symbol_id WHERE t.run_id = ? ORDER BY 1");
        q.bind(1, run);
        std::string out;
        while (q.step()) out += q.text(0) + " " + q.text(1) + " " + q.text(2) + " " + q.text(3) + "\n";
        return out;
    };
    std::map<std::string, std::array<std::int64_t, 3>> by_hand; // spans, total, max
    for (const auto& sp : model::parse_boot(test::slurp(test::data(test::kRealLogs[0]))).spans) {
        auto& t = by_hand.try_emplace(sp.function + " [" + sp.module + "]", std::array<std::int64_t, 3>{0, 0, -1}).first->second;
        ++t[0];
        if (sp.duration) t[1] += *sp.duration, t[2] = std::max(t[2], *sp.duration);
    }
    std::string expected;
    for (const auto& [k, t] : by_hand)
        expected += k + " " + std::to_string(t[0]) + " " + std::to_string(t[1]) + " " + std::to_string(t[2]) + "\n";
    EXPECT_GT(by_hand.size(), 600u);
    EXPECT_EQ(totals(migrated, run_id), expected);
    EXPECT_EQ(totals(imported.db(), again), expected);
}

TEST(Schema, NewDatabaseIsAtTheLatestVersionInWalMode) {
    test::TempDir dir;
    store::Store s(dir / "sub" / "dir" / "t.db"); // directories are created
    EXPECT_EQ(s.schema_version(), store::embedded_migrations().back().version);
    store::Stmt q(s.db(), "PRAGMA journal_mode");
    q.step();
    EXPECT_EQ(q.text(0), "wal");
}

TEST(Schema, RefusesFilesThatAreNotBootlabDatabases) {
    test::TempDir dir;
    auto junk = dir / "junk.db";
    std::ofstream(junk) << "this is a text file, not SQLite, and it is long enough to have a header....";
    std::string e = error_of([&] { store::Store s(junk); });
    EXPECT_NE(e.find(junk.string()), std::string::npos) << e;
    EXPECT_NE(e.find("not a bootlab database"), std::string::npos) << e;

    auto other = dir / "other.db";
    { store::Db d(other.string(), store::Db::Mode::ReadWriteCreate); d.exec("CREATE TABLE t (x)"); }
    e = error_of([&] { store::Store s(other); });
    EXPECT_NE(e.find("not a bootlab database"), std::string::npos) << e;
}

TEST(Schema, RefusesADatabaseFromANewerBootlab) {
    test::TempDir dir;
    { store::Store s(dir / "t.db"); s.db().exec("PRAGMA user_version = 999"); }
    std::string e = error_of([&] { store::Store s(dir / "t.db"); });
    EXPECT_NE(e.find("newer"), std::string::npos) << e;
}

TEST(Import, BadInputNamesTheFileAndLeavesTheDatabaseUntouched) {
    test::TempDir dir;
    store::Store s(dir / "t.db");
    ingest::import_file(s, test::data(test::kRealLogs[0]), {});
    auto runs = count(s, "run"), spans = count(s, "span"), chunks = count(s, "log_chunk"),
         experiments = count(s, "experiment");

    auto empty = dir / "empty.log";
    std::ofstream(empty).flush();
    auto binary = dir / "binary.log";
    {
        std::ofstream b(binary, std::ios::binary);
        std::mt19937 rng(42);
        for (int i = 0; i < 100000; ++i) b.put(static_cast<char>(rng() & 0xff));
    }
    auto quiet = test::data("debian-6.1-q35-ahci-lsi-e1000-async-quiet.log");
    auto missing = dir / "does-not-exist.log";
    struct Case { std::filesystem::path path; std::string says; };
    for (const Case& c : {Case{empty, "empty file"}, Case{binary, "binary data"},
                          Case{quiet, "no initcall lines"}, Case{missing, "No such file"},
                          Case{dir.path, "is a directory"}}) {
        std::string e = error_of([&] { ingest::import_file(s, c.path, {}); });
        EXPECT_EQ(e.rfind(c.path.string() + ": ", 0), 0u) << e; // the message starts with the file
        EXPECT_NE(e.find(c.says), std::string::npos) << e;
    }
    EXPECT_EQ(count(s, "run"), runs);
    EXPECT_EQ(count(s, "span"), spans);
    EXPECT_EQ(count(s, "log_chunk"), chunks);
    EXPECT_EQ(count(s, "experiment"), experiments);
}

TEST(Import, WhatIsStoredReadsBackTheSame) {
    test::TempDir dir;
    store::Store s(dir / "t.db");
    auto r = ingest::import_file(s, test::data(test::kRealLogs[0]), {});
    model::Boot b = s.load_boot(r.run_id);
    ASSERT_EQ(b.spans.size(), r.boot.spans.size());
    for (std::size_t i = 0; i < b.spans.size(); ++i) {
        const auto &x = b.spans[i], &y = r.boot.spans[i];
        EXPECT_EQ(x.function, y.function);
        EXPECT_EQ(x.module, y.module);
        EXPECT_EQ(x.cookie, y.cookie);
        EXPECT_EQ(x.pid, y.pid);
        EXPECT_EQ(x.start, y.start);
        EXPECT_EQ(x.duration, y.duration);
        EXPECT_EQ(x.ret, y.ret);
        EXPECT_EQ(x.kind, y.kind);
        EXPECT_EQ(x.line, y.line);
    }
    EXPECT_EQ(b.waits.size(), r.boot.waits.size());
    EXPECT_EQ(b.calls.size(), r.boot.calls.size());
    EXPECT_EQ(b.markers.size(), r.boot.markers.size());
    EXPECT_EQ(b.devices.size(), r.boot.devices.size());
    auto info = s.require_run(r.run_id);
    EXPECT_EQ(info.metrics.boot_to_init, r.boot.metrics.boot_to_init);
    EXPECT_EQ(info.metrics.sync_chain, r.boot.metrics.sync_chain);
    EXPECT_EQ(info.kernel_version, "6.1.0-56-amd64");
    EXPECT_NE(error_of([&] { s.require_run(12345); }).find("run 12345"), std::string::npos);
}

namespace {

// A log of `n` initcalls on pid 1, each function one of 50, with async cookies that run across
// many of them on other pids; if `stuck`, the very first initcall never returns, so no span is
// final before the end (everything is written at finish), else spans stream while it is read.
std::string many_spans(int n, bool stuck) {
    std::string log;
    char line[160];
    long t = 1000;
    auto at = [&](long us) { std::snprintf(line, sizeof line, "[%5ld.%06ld] ", us / 1000000, us % 1000000); return std::string(line); };
    if (stuck) log += at(t) + "calling  stuck_init+0x0/0x10 @ 1\n";
    for (int i = 0; i < n; ++i) {
        const std::string fn = "fn_" + std::to_string(i % 50) + "_init";
        log += at(t += 10) + "calling  " + fn + "+0x0/0x10 @ 1\n";
        if (i % 400 == 0) log += at(t += 1) + "calling  " + std::to_string(i / 400 + 1) + "_do_work+0x0/0x70 [mod] @ " +
                                 std::to_string(100 + i / 400) + "\n";
        if (i % 400 == 399) {
            log += at(t += 1) + "async_waiting @ 1\n";
            log += at(t += 5) + "async_continuing @ 1 after 5 usec\n";
        }
        if (i % 400 == 399) log += at(t += 1) + "initcall " + std::to_string(i / 400 + 1) + "_do_work+0x0/0x70 [mod] returned after " +
                                   std::to_string(i + 7) + " usecs\n";
        log += at(t += 20) + "initcall " + fn + "+0x0/0x10 returned 0 after " + std::to_string(i % 97 + 1) + " usecs\n";
    }
    return log;
}

} // namespace

TEST(Import, ABigLogStreamsItsSpansAndStoresWhatItParses) {
    for (bool stuck : {false, true}) {
        test::TempDir dir;
        store::Store s(dir / "t.db");
        const std::string log = many_spans(12000, stuck); // several batches of settled spans
        const model::Boot expected = model::parse_boot(log);
        ASSERT_GT(expected.spans.size(), 12000u);
        auto r = ingest::import_text(s, log, "many.log", {});
        const model::Boot b = s.load_boot(r.run_id);
        ASSERT_EQ(b.spans.size(), expected.spans.size()) << "stuck " << stuck;
        std::size_t differ = 0;
        for (std::size_t i = 0; i < b.spans.size(); ++i) {
            const auto &x = b.spans[i], &y = expected.spans[i];
            differ += x.seq != y.seq || x.function != y.function || x.module != y.module || x.cookie != y.cookie ||
                      x.pid != y.pid || x.start != y.start || x.duration != y.duration || x.ret != y.ret ||
                      x.kind != y.kind || x.line != y.line;
        }
        EXPECT_EQ(differ, 0u) << "stuck " << stuck;
        EXPECT_EQ(b.spans.front().finished(), !stuck);
        // function_total: the spans of each function summed here
        std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_hand;
        for (const auto& sp : expected.spans) {
            auto& t = by_hand[sp.function];
            ++t.first;
            t.second += sp.duration.value_or(0);
        }
        store::Stmt q(s.db(), "SELECT y.function, t.spans, t.total_us FROM function_total t JOIN symbol y "
                              "ON y.id = t.symbol_id WHERE t.run_id = ? ORDER BY 1");
        q.bind(1, r.run_id);
        std::map<std::string, std::pair<std::int64_t, std::int64_t>> stored;
        while (q.step()) stored[q.text(0)] = {q.int64(1), q.int64(2)};
        EXPECT_EQ(stored, by_hand) << "stuck " << stuck;
        std::string back;
        s.read_log(r.run_id, [&](std::string_view c) { back += c; });
        EXPECT_EQ(back, log);
    }
}

TEST(Import, PanicIsStoredAsPanicWithItsLog) {
    test::TempDir dir;
    store::Store s(dir / "t.db");
    std::string log = test::slurp(test::data(test::kRealLogs[0])).substr(0, 60000) +
                      "\n[    2.400000] Kernel panic - not syncing: Requested init /bad failed (error -2).\n";
    auto r = ingest::import_text(s, log, "panic.log", {});
    EXPECT_EQ(r.status, model::RunStatus::Panic);
    auto info = s.require_run(r.run_id);
    EXPECT_EQ(info.status, model::RunStatus::Panic);
    EXPECT_NE(info.error.find("Requested init /bad failed"), std::string::npos);
    EXPECT_EQ(info.log_bytes, static_cast<std::int64_t>(log.size()));
}

TEST(Store, DataVersionTellsOfOtherConnectionsCommits) {
    test::TempDir dir;
    store::Store gui(dir / "v.db"), cli(dir / "v.db");
    const auto v0 = gui.data_version();
    EXPECT_EQ(gui.data_version(), v0); // nothing happened
    ingest::import_file(cli, test::data("debian-6.1-q35-ahci-lsi-e1000-async.log"), {});
    const auto v1 = gui.data_version();
    EXPECT_NE(v1, v0);                 // the other connection stored a run
    ingest::import_file(gui, test::data("debian-6.1-q35-ahci-lsi-e1000-async.log"), {});
    EXPECT_EQ(gui.data_version(), v1); // its own commits do not count
}
