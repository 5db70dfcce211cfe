// Real boot logs from the lab (tests/data) imported into a real SQLite file; the stored numbers
// are checked against counts this test makes itself from the raw text with regular expressions.
#include "ingest/ingest.h"
#include "store/store.h"
#include "hand_count.h"
#include "test_util.h"
#include "model/boot_builder.h"
#include "model/critical_path.h"

#include <gtest/gtest.h>
#include <regex>

using namespace bootlab;
using test::count_by_hand;
using test::HandCount;

namespace {

std::int64_t query(store::Store& s, const std::string& sql, std::int64_t run) {
    store::Stmt q(s.db(), sql);
    q.bind(1, run);
    EXPECT_TRUE(q.step()) << sql;
    return q.int64(0);
}

class RealLog : public ::testing::TestWithParam<const char*> {
protected:
    test::TempDir dir;
    store::Store store{dir / "t.db"};
};

} // namespace

TEST_P(RealLog, StoredSpanCountsEqualAHandCount) {
    HandCount h = count_by_hand(GetParam());
    ASSERT_GT(h.sync, 200) << "the hand count itself found nothing"; // stock ~700, async-lab ~250
    auto r = ingest::import_file(store, test::data(GetParam()), {});
    EXPECT_EQ(r.status, model::RunStatus::Ok);
    EXPECT_EQ(query(store, "SELECT count(*) FROM span WHERE run_id = ? AND kind = 'sync'", r.run_id), h.sync);
    EXPECT_EQ(query(store, "SELECT count(*) FROM span WHERE run_id = ? AND kind = 'async'", r.run_id), h.async);
    EXPECT_EQ(query(store, "SELECT sync_count FROM run WHERE id = ?", r.run_id), h.sync);
    EXPECT_EQ(query(store, "SELECT async_count FROM run WHERE id = ?", r.run_id), h.async);
    EXPECT_EQ(query(store, "SELECT count(*) FROM span WHERE run_id = ? AND duration_us IS NULL", r.run_id), 0);
    EXPECT_EQ(query(store, "SELECT count(*) FROM wait WHERE run_id = ?", r.run_id), h.waits);
    EXPECT_EQ(query(store, "SELECT count(*) FROM device_call WHERE run_id = ? AND kind = 'probe'", r.run_id), h.probes);
    EXPECT_EQ(query(store, "SELECT count(*) FROM device_call WHERE run_id = ? AND kind = 'quirk'", r.run_id), h.quirks);
    EXPECT_EQ(query(store, "SELECT lines_unused FROM run WHERE id = ?", r.run_id), 0);
    ASSERT_TRUE(h.run_init_us);
    EXPECT_EQ(query(store, "SELECT boot_to_init_us FROM run WHERE id = ?", r.run_id), *h.run_init_us);
    // every async cookie: its pid and its printed duration, exactly
    for (const auto& [name, usecs] : h.async_usecs) {
        auto cookie = std::stol(name);
        store::Stmt q(store.db(), "SELECT duration_us, pid FROM span WHERE run_id = ? AND cookie = ?");
        q.bind(1, r.run_id).bind(2, cookie);
        ASSERT_TRUE(q.step()) << name;
        EXPECT_EQ(q.int64(0), usecs) << name;
        EXPECT_EQ(q.int64(1), h.async_pid[name]) << name;
    }
}

TEST_P(RealLog, RawLogIsKeptByteForByteAndReparseGivesTheSameSpans) {
    auto r = ingest::import_file(store, test::data(GetParam()), {});
    std::string back;
    store.read_log(r.run_id, [&](std::string_view c) { back.append(c); });
    EXPECT_EQ(back, test::slurp(test::data(GetParam())));
    auto before = query(store, "SELECT sum(duration_us) + count(*) FROM span WHERE run_id = ?", r.run_id);
    ingest::reparse_run(store, r.run_id);
    EXPECT_EQ(query(store, "SELECT sum(duration_us) + count(*) FROM span WHERE run_id = ?", r.run_id), before);
    EXPECT_EQ(query(store, "SELECT sync_count FROM run WHERE id = ?", r.run_id), r.boot.metrics.sync_count);
}

INSTANTIATE_TEST_SUITE_P(AllLogs, RealLog, ::testing::ValuesIn(test::kRealLogs),
                         [](const auto& p) {
                             std::string n = p.param;
                             n = n.substr(0, n.find(".log"));
                             for (char& c : n) if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });

class AsyncLog : public ::testing::Test {
protected:
    test::TempDir dir;
    store::Store store{dir / "t.db"};
    ingest::ImportResult r = ingest::import_file(store, test::data(test::kRealLogs[0]), {});
};

TEST_F(AsyncLog, SlowestPortProbeHasExactlyThePrintedUsecs) {
    // the log prints: initcall 7_async_port_probe+0x0/0x70 [libata] returned after 377433 usecs
    EXPECT_EQ(query(store, "SELECT max(duration_us) FROM span_named WHERE run_id = ? AND function = 'async_port_probe'", r.run_id), 377433);
    EXPECT_EQ(query(store, "SELECT count(*) FROM span_named WHERE run_id = ? AND function = 'async_port_probe'", r.run_id), 12);
}

TEST_F(AsyncLog, ScsiScanRunsAsCookie16OnItsWorkerPid) {
    // calling  16_do_scan_async+0x0/0x150 [scsi_mod] @ 141 at 3.241916
    store::Stmt q(store.db(), "SELECT cookie, pid, start_us, duration_us, module, kind FROM span_named WHERE run_id = ? AND function = 'do_scan_async'");
    q.bind(1, r.run_id);
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.int64(0), 16);
    EXPECT_EQ(q.int64(1), 141);
    EXPECT_EQ(q.int64(2), 3241916);
    EXPECT_EQ(q.int64(3), 3161473);
    EXPECT_EQ(q.text(4), "scsi_mod");
    EXPECT_EQ(q.text(5), "async");
    EXPECT_FALSE(q.step());
}

TEST_F(AsyncLog, MarkersDevicesAndKernel) {
    // values from the capture's README table and the log's own lines
    EXPECT_EQ(query(store, "SELECT init_done_us FROM run WHERE id = ?", r.run_id), 7052778);
    EXPECT_EQ(query(store, "SELECT count(*) FROM device WHERE run_id = ? AND kind = 'disk'", r.run_id), 4);
    store::Stmt d(store.db(), "SELECT name, path, detail FROM device WHERE run_id = ? ORDER BY seq");
    d.bind(1, r.run_id);
    ASSERT_TRUE(d.step());
    EXPECT_EQ(d.text(0), "sda");
    EXPECT_EQ(d.text(1), "pci-0000:00:02.0-ata-1");
    EXPECT_EQ(d.text(2), "0:0:0:0");
    EXPECT_EQ(r.boot.kernel_version, "6.1.0-56-amd64");
    EXPECT_EQ(r.boot.cmdline, "console=ttyS0 initcall_debug printk.time=1 panic=-1 bootlab.disks=4 "
                              "loglevel=8 dyndbg=\"file kernel/async.c +p\"");
    // pid 1 waited twice: "after 33 usec" and "after 6 usec"
    EXPECT_EQ(query(store, "SELECT boot_wait_us FROM run WHERE id = ?", r.run_id), 39);
}

TEST(RealLogVariants, SyncScanHasNoScanCookieAndDumpAddsNothing) {
    test::TempDir dir;
    store::Store s{dir / "t.db"};
    auto sync = ingest::import_file(s, test::data("debian-6.1-q35-ahci-lsi-e1000-scan-sync.log"), {});
    EXPECT_EQ(query(s, "SELECT count(*) FROM span_named WHERE run_id = ? AND function = 'do_scan_async'", sync.run_id), 0);
    // the LSI bus is scanned inside modprobe of sym53c8xx: a long sync initcall
    EXPECT_GT(query(s, "SELECT duration_us FROM span_named WHERE run_id = ? AND function = 'sym2_init'", sync.run_id), 1000000);

    auto dump = ingest::import_file(s, test::data("debian-6.1-q35-ahci-lsi-e1000-async-dmesg-dump.log"), {});
    EXPECT_EQ(query(s, "SELECT count(DISTINCT cookie) FROM span WHERE run_id = ?", dump.run_id), 18);
    EXPECT_EQ(query(s, "SELECT count(*) FROM marker WHERE run_id = ? AND name = 'init-done'", dump.run_id), 1);
}

TEST(AsyncLabLog, SlowProbeMarkersCarryThePrintedDurations) {
    static const std::regex timed(R"(BOOTLAB: (slowprobe-\w+) after (\d+) usecs: (.*?)\r?$)");
    std::vector<std::tuple<std::string, long, std::string>> by_hand;
    std::ifstream in(test::data("async-lab-slowprobe-async.log"));
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, timed)) by_hand.emplace_back(m[1], std::stol(m[2]), m[3]);
    }
    ASSERT_EQ(by_hand.size(), 5u); // 4 devices and the "all ready" line
    test::TempDir dir;
    store::Store s{dir / "t.db"};
    auto r = ingest::import_file(s, test::data("async-lab-slowprobe-async.log"), {});
    std::vector<std::tuple<std::string, long, std::string>> stored;
    for (const auto& m : s.load_boot(r.run_id).markers)
        if (m.name.rfind("slowprobe-", 0) == 0) {
            ASSERT_TRUE(m.duration) << m.name;
            stored.emplace_back(m.name, static_cast<long>(*m.duration), m.detail);
        }
    EXPECT_EQ(stored, by_hand);
}

TEST(AsyncLabLog, WithoutFastbootCookiesRunNestedInTheirCallersInitcall) {
    test::TempDir dir;
    store::Store s{dir / "t.db"};
    auto r = ingest::import_file(s, test::data("async-lab-no-fastboot.log"), {});
    // all 12 AHCI port probes run inside modprobe ahci's initcall, on its pid, one after another
    EXPECT_EQ(query(s, R"(SELECT count(*) FROM span_named a JOIN span_named t ON t.run_id = a.run_id
                          AND t.function = 'ahci_pci_driver_init' AND t.pid = a.pid AND t.start_us <= a.start_us
                          AND a.start_us + a.duration_us <= t.start_us + t.duration_us
                          WHERE a.run_id = ? AND a.function = 'async_port_probe')", r.run_id), 12);
}

// --- Shapes of logs nobody in the lab printed (tests/data/shapes, README.md there) ---------

namespace {
model::Boot parse_file(const std::string& name) { return model::parse_boot(test::slurp(test::data(name))); }

std::string span_row(const model::Span& s) {
    return s.function + "|" + s.module + "|" + std::to_string(s.pid) + "|" + std::to_string(s.start) + "|" +
           (s.duration ? std::to_string(*s.duration) : "open") + "|" + (s.cookie ? std::to_string(*s.cookie) : "-");
}
} // namespace

// A log pasted into a mail: wrapped at 72 columns, quoted with "> ". Every line the mail client
// cut is joined again: the same spans, to the microsecond, as the log it was made from.
TEST(LogShapes, MailWrappedLogGivesTheSameSpansAsTheOriginal) {
    const model::Boot original = parse_file("async-lab-no-fastboot.log");
    const model::Boot mailed = parse_file("shapes/mail-wrapped.log");
    ASSERT_EQ(mailed.spans.size(), original.spans.size());
    std::size_t cut = 0;
    {   // how many return lines the wrapping cut before their duration, counted in the text
        std::istringstream in(test::slurp(test::data("shapes/mail-wrapped.log")));
        std::string line;
        while (std::getline(in, line)) cut += std::regex_search(line, std::regex(R"(returned( -?\d+)? after$)"));
    }
    EXPECT_GE(cut, 40u);
    for (std::size_t i = 0; i < original.spans.size(); ++i)
        EXPECT_EQ(span_row(mailed.spans[i]), span_row(original.spans[i]));
    EXPECT_EQ(mailed.waits.size(), original.waits.size());
    EXPECT_EQ(mailed.unusable_lines, 0u);
    EXPECT_EQ(mailed.metrics.unfinished_count, 0);
}

// A return line cut after "after" whose rest is not on the next line: it still returned, at
// the time it was printed; a cut line with no timestamp is said to be unusable, never "never
// returned" silently.
TEST(LogShapes, ACutReturnLineEndsItsSpanAtItsTimestamp) {
    const model::Boot b = model::parse_boot("[    1.000000] calling  foo_init+0x0/0x30 @ 1\n"
                                            "[    1.022082] initcall foo_init+0x0/0x30 returned 0 after\n"
                                            "[    1.022100] calling  bar_init+0x0/0x30 @ 1\n"
                                            "[    1.022200] initcall bar_init+0x0/0x30 returned 0 after 100 usecs\n");
    ASSERT_EQ(b.spans.size(), 2u);
    EXPECT_EQ(b.spans[0].duration, 22082);
    EXPECT_EQ(b.spans[0].ret, 0);
    EXPECT_EQ(b.spans[1].duration, 100);
    const model::Boot u = model::parse_boot("calling  foo_init+0x0/0x30 @ 1\ninitcall foo_init+0x0/0x30 returned 0 after\n"
                                            "calling  bar_init+0x0/0x30 @ 1\n");
    EXPECT_EQ(u.unusable_lines, 1u);
    EXPECT_EQ(u.unusable_examples.front(), 2u);
}

// Without timestamps the only clock is the durations: pid 1's initcalls lie end to end, moved on
// only by pid 1's own waits. An async cookie's end, on another pid, moves nothing (it pushed the
// next initcall on pid 1 out by 785 ms, and the critical path blamed pid 1's "own work").
TEST(LogShapes, WithoutTimestampsPid1sInitcallsFollowEachOtherInLineOrder) {
    const model::Boot b = parse_file("shapes/no-timestamps-async.log");
    ASSERT_FALSE(b.has_timestamps);
    // pid 1's waits in line order, from the text: "async_continuing @ 1 after N usec"
    std::istringstream in(test::slurp(test::data("shapes/no-timestamps-async.log")));
    std::string line;
    std::vector<std::pair<std::uint64_t, std::int64_t>> waits; // line, usecs
    std::smatch m;
    for (std::uint64_t n = 1; std::getline(in, line); ++n)
        if (std::regex_search(line, m, std::regex(R"(^async_continuing @ 1 after (\d+) usec)")))
            waits.push_back({n, std::stoll(m[1])});
    ASSERT_FALSE(waits.empty());
    const model::Span* prev = nullptr;
    std::size_t checked = 0;
    for (const auto& s : b.spans) {
        if (s.pid != 1 || s.kind != model::SpanKind::Sync || !s.duration) continue;
        if (prev && prev->end() <= s.start && s.line > prev->line) {
            std::int64_t waited = 0;
            for (const auto& [l, us] : waits)
                if (l > prev->line && l < s.line) waited += us;
            // a sync span nested in another (an initcall calling one) starts inside it
            if (s.start >= prev->end()) {
                EXPECT_EQ(s.start - prev->end(), waited) << s.function << " after " << prev->function;
                ++checked;
            }
        }
        if (!prev || s.end() >= prev->end()) prev = &s;
    }
    EXPECT_GT(checked, 200u);
    // the shape the lab's logs do not have (their cookies end inside pid 1's waits): a cookie on
    // another pid that ends between two of pid 1's initcalls
    const model::Boot c = model::parse_boot("calling  1_async_port_probe+0x0/0x70 [libata] @ 30\n"
                                            "calling  a_init+0x0/0x10 @ 1\n"
                                            "initcall a_init+0x0/0x10 returned 0 after 1000 usecs\n"
                                            "initcall 1_async_port_probe+0x0/0x70 [libata] returned after 785000 usecs\n"
                                            "calling  b_init+0x0/0x10 @ 1\n"
                                            "initcall b_init+0x0/0x10 returned 0 after 1000 usecs\n");
    ASSERT_EQ(c.spans.size(), 3u);
    EXPECT_EQ(c.spans[0].duration, 785000);
    EXPECT_EQ(c.spans[2].function, "b_init");
    EXPECT_EQ(c.spans[2].start, c.spans[1].end()); // not 785 ms later
    const model::CriticalPath path = model::critical_path(b);
    model::Micros own = 0;
    for (const auto& l : path.links)
        if (l.kind == model::CriticalLink::Kind::Gap && l.pid == 1) own += l.duration();
    EXPECT_LT(own, path.end / 20) << "pid 1 outside any initcall: " << own << " of " << path.end << " us";
}

// The format before 2.6.28: "Calling initcall 0xADDR: fn()" and "initcall 0xADDR ran for N
// msecs: fn()", N in units of 2^20 ns. Every initcall is a span on pid 1 with that duration.
TEST(LogShapes, Pre2628FormatIsParsed) {
    const std::string text = test::slurp(test::data("shapes/i386-2.6.24-old-format.log"));
    const model::Boot b = model::parse_boot(text);
    std::istringstream in(text);
    std::string line;
    std::vector<std::pair<std::string, std::int64_t>> want;
    std::smatch m;
    while (std::getline(in, line))
        if (std::regex_search(line, m, std::regex(R"(initcall 0x[0-9a-f]+ ran for (\d+) msecs: ([^+ ]+)\+)")))
            want.push_back({m[2], std::stoll(m[1]) * 1048576 / 1000});
    ASSERT_EQ(b.spans.size(), want.size());
    ASSERT_EQ(want.size(), 244u);
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(b.spans[i].function, want[i].first);
        EXPECT_EQ(b.spans[i].duration, want[i].second);
        EXPECT_EQ(b.spans[i].pid, 1);
    }
    EXPECT_EQ(b.kernel_version, "2.6.24-1-686");
    EXPECT_EQ(b.unusable_lines, 0u);
}
