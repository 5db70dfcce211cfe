// The GUI's models, headless (offscreen platform, no widget code): what they hold for real boot
// logs is checked against counts made by hand from the raw text (tests/unit/hand_count.h).
#include "compare_model.h"
#include "demo_db.h"
#include "hand_count.h"
#include "history.h"
#include "launch_matrix.h"
#include "kernel/source_build.h"
#include "run_table_model.h"
#include "timeline_layout.h"

#include "check/run_set.h"
#include "stats/stats.h"

#include <QAbstractItemModelTester>
#include <QtTest>
#include <algorithm>

using namespace bootlab;

namespace {
const char* kAsync = "debian-6.1-q35-ahci-lsi-e1000-async.log";
const char* kScanSync = "debian-6.1-q35-ahci-lsi-e1000-scan-sync.log";
} // namespace

class ModelsTest : public QObject {
    Q_OBJECT
    test::TempDir dir;
    std::unique_ptr<store::Store> store;
    std::vector<std::int64_t> ids; // the demo runs, in demo_runs() order

private slots:
    void initTestCase() {
        store = std::make_unique<store::Store>(dir.path / "gui.db");
        ids = test::make_demo_db(*store);
    }

    void timelineHasABarPerSpanAndALanePerPid_data() {
        QTest::addColumn<QString>("log");
        QTest::addColumn<int>("run");
        for (std::size_t i = 0; i < test::demo_runs().size(); ++i)
            QTest::newRow(test::demo_runs()[i].log) << QString(test::demo_runs()[i].log) << int(i);
    }
    void timelineHasABarPerSpanAndALanePerPid() {
        QFETCH(QString, log);
        QFETCH(int, run);
        const test::HandCount h = test::count_by_hand(log.toStdString());
        const model::Boot boot = store->load_boot(ids[static_cast<std::size_t>(run)]);
        const gui::TimelineLayout t = gui::layout_timeline(boot);
        auto bars = [&](gui::BarKind k) {
            return int(std::count_if(t.bars.begin(), t.bars.end(), [k](const gui::Bar& b) { return b.kind == k; }));
        };
        QCOMPARE(bars(gui::BarKind::Sync), h.sync);
        QCOMPARE(bars(gui::BarKind::Async), h.async);
        QCOMPARE(bars(gui::BarKind::Wait), h.waits);
        std::set<long> lanes;
        for (const auto& l : t.lanes) lanes.insert(static_cast<long>(l.pid));
        QCOMPARE(lanes, h.pids);
        QVERIFY(h.run_init_us);
        QCOMPARE(t.marks.front().name, std::string("boot-to-init"));
        QCOMPARE(t.marks.front().time, static_cast<model::Micros>(*h.run_init_us));

        // every bar lies in its pid's lane, no two bars of a row overlap, and sync initcalls
        // (which never nest) are all in the lane's first row
        for (std::size_t i = 0; i < t.bars.size(); ++i) {
            const gui::Bar& b = t.bars[i];
            const std::int64_t pid = b.kind == gui::BarKind::Wait ? boot.waits[std::size_t(b.index)].pid
                                                                  : boot.spans[std::size_t(b.index)].pid;
            auto lane = std::find_if(t.lanes.begin(), t.lanes.end(), [&](const gui::Lane& l) { return l.pid == pid; });
            QVERIFY(b.row >= lane->first_row && b.row < lane->first_row + lane->rows);
            if (b.kind == gui::BarKind::Sync) QCOMPARE(b.row, lane->first_row);
            // sync initcalls share a row even when a jiffies-timed one overlaps the next
            const gui::Bar* prev = i ? &t.bars[i - 1] : nullptr;
            if (prev && prev->row == b.row && !(prev->kind == gui::BarKind::Sync && b.kind == gui::BarKind::Sync))
                QVERIFY2(prev->end <= b.start, qPrintable(QString::number(i)));
        }
    }

    void barAtFindsTheCookieUnderThePointer() {
        const test::HandCount h = test::count_by_hand(kAsync);
        const model::Boot boot = store->load_boot(ids[0]);
        const gui::TimelineLayout t = gui::layout_timeline(boot);
        int checked = 0;
        for (const auto& [name, usecs] : h.async_usecs) {   // "16_do_scan_async"
            const long cookie = std::stol(name.substr(0, name.find('_')));
            auto it = std::find_if(t.bars.begin(), t.bars.end(), [&](const gui::Bar& b) {
                return b.kind == gui::BarKind::Async && boot.spans[std::size_t(b.index)].cookie == cookie;
            });
            QVERIFY(it != t.bars.end());
            QCOMPARE(it->end - it->start, static_cast<model::Micros>(usecs));
            const int found = gui::bar_at(t, it->row, it->start + (it->end - it->start) / 2, 0);
            QCOMPARE(found, int(it - t.bars.begin()));
            ++checked;
        }
        QVERIFY(checked > 10);
    }

    void runTableShowsEveryRunWithItsNumbers() {
        gui::RunTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setRuns(store->runs());
        QCOMPARE(m.rowCount(), int(test::demo_runs().size()));
        for (int r = 0; r < m.rowCount(); ++r) {
            const auto& demo = test::demo_runs()[std::size_t(r)];
            const auto h = test::count_by_hand(demo.log);
            auto cell = [&](int c) { return m.index(r, c).data().toString(); };
            QCOMPARE(cell(gui::RunTableModel::Experiment), QString(demo.experiment));
            QCOMPARE(cell(gui::RunTableModel::Variant), QString(demo.variant));
            QCOMPARE(cell(gui::RunTableModel::Status), QString("ok"));
            QCOMPARE(cell(gui::RunTableModel::BootToInit), QString::asprintf("%.3f s", double(*h.run_init_us) / 1e6));
            QCOMPARE(m.index(r, gui::RunTableModel::BootToInit).data(gui::RunTableModel::SortRole).toLongLong(),
                     qlonglong(*h.run_init_us));
        }
        // a run stored while the table is shown is appended, and stored again is updated in place
        store::RunInfo extra = *store->run(ids[0]);
        extra.id = 999;
        m.upsertRun(extra);
        QCOMPARE(m.rowCount(), int(test::demo_runs().size()) + 1);
        extra.status = model::RunStatus::Timeout;
        m.upsertRun(extra);
        QCOMPARE(m.rowCount(), int(test::demo_runs().size()) + 1);
        QCOMPARE(m.index(m.rowCount() - 1, gui::RunTableModel::Status).data().toString(), QString("timeout"));
    }

    void filterAndSortWorkOnRealValues() {
        gui::RunTableModel m;
        m.setRuns(store->runs());
        gui::RunFilterModel f;
        QAbstractItemModelTester tester(&f, QAbstractItemModelTester::FailureReportingMode::QtTest);
        f.setSourceModel(&m);
        f.setFilterWords("default");
        QCOMPARE(f.rowCount(), 3);
        f.setFilterWords("DEFAULT scan");
        QCOMPARE(f.rowCount(), 1);
        QCOMPARE(f.index(0, gui::RunTableModel::Variant).data().toString(), QString("scan-sync"));
        f.setFilterWords("async-lab");
        QCOMPARE(f.rowCount(), 2);
        f.setFilterWords("");
        // by boot-to-init: the order of the hand-counted Run /init times
        f.sort(gui::RunTableModel::BootToInit, Qt::AscendingOrder);
        std::vector<long> by_hand;
        for (const auto& d : test::demo_runs()) by_hand.push_back(*test::count_by_hand(d.log).run_init_us);
        std::sort(by_hand.begin(), by_hand.end());
        for (int r = 0; r < f.rowCount(); ++r)
            QCOMPARE(f.index(r, gui::RunTableModel::BootToInit).data(gui::RunTableModel::SortRole).toLongLong(),
                     qlonglong(by_hand[std::size_t(r)]));
    }

    void historySeriesAndBoxesFollowTheRuns() {
        // the demo runs twice more: three boots per experiment/variant
        test::TempDir d2;
        store::Store s(d2.path / "h.db");
        test::make_demo_db(s, 3);
        const auto runs = s.runs();
        std::vector<const store::RunInfo*> ptrs;
        for (const auto& r : runs) ptrs.push_back(&r);
        const auto h = gui::history(ptrs, gui::HistoryMetric::boot_to_init().value_of);
        QCOMPARE(h.size(), test::demo_runs().size());
        for (const auto& series : h) {
            QCOMPARE(series.points.size(), std::size_t(3));
            auto demo = std::find_if(test::demo_runs().begin(), test::demo_runs().end(), [&](const test::DemoRun& d) {
                return series.name == QString(d.experiment) + " / " + d.variant;
            });
            QVERIFY(demo != test::demo_runs().end());
            const double seconds = double(*test::count_by_hand(demo->log).run_init_us) / 1e6;
            QCOMPARE(series.box.median, seconds); // the same log three times: every quartile is it
            QCOMPARE(series.box.low, seconds);
            QCOMPARE(series.box.high, seconds);
            for (const auto& pt : series.points) // the time of each point is its run's, by Qt's own parser
                QCOMPARE(pt.when_ms, QDateTime::fromString(QString::fromStdString(s.run(pt.run)->created), Qt::ISODate)
                                         .toMSecsSinceEpoch());
        }
    }

    void compareDeltasAreTheDifferenceOfHandCountedTimes() {
        const test::HandCount a = test::count_by_hand(kAsync);
        const test::HandCount b = test::count_by_hand(kScanSync);
        auto sum_of = [](const test::HandCount& h, const std::string& fn) {
            long us = 0;
            for (const auto& [name, t] : h.async_usecs)
                if (name.substr(name.find('_') + 1) == fn) us += t;
            return double(us);
        };
        const auto da = check::sample_of(*store, *store->run(ids[0]));
        const auto db = check::sample_of(*store, *store->run(ids[1]));
        gui::CompareModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setChanges(check::compare_functions({&da}, {&db}), "async", "scan-sync");
        QVERIFY(m.rowCount() > 100);
        // async_port_probe [libata] runs as cookies in both boots: A and B are sums of cookies
        int found = 0;
        for (const auto& d : m.changes()) {
            if (d.function != "async_port_probe [libata]") continue;
            QCOMPARE(d.cmp.median_a, sum_of(a, "async_port_probe"));
            QCOMPARE(d.cmp.median_b, sum_of(b, "async_port_probe"));
            ++found;
        }
        QCOMPARE(found, 1);
        // the synchronous scan has no do_scan_async cookie at all
        QCOMPARE(sum_of(b, "do_scan_async"), 0.0);
        for (int r = 0; r < m.rowCount(); ++r) {
            const auto& d = m.changes()[std::size_t(r)];
            if (d.function != "do_scan_async [scsi_mod]") continue;
            QCOMPARE(d.cmp.median_a, sum_of(a, "do_scan_async"));
            QCOMPARE(d.b_ran, 0);
            QCOMPARE(m.index(r, gui::CompareModel::DeltaPercent).data().toString(), QString("only in A"));
            ++found;
        }
        QCOMPARE(found, 2);
        // one boot a side: nothing can be called a change, and the rows say why
        for (const auto& d : m.changes()) QVERIFY(d.evidence != check::Evidence::Change);
        for (std::size_t i = 1; i < m.changes().size(); ++i)
            QVERIFY(std::abs(m.changes()[i - 1].delta()) >= std::abs(m.changes()[i].delta()));
        QCOMPARE(m.headerData(gui::CompareModel::A, Qt::Horizontal).toString(), QString("async (ms)"));
    }

    // A function's history: every point is that function's spans summed in its run, as SQL over
    // the span rows says (not function_total, which the chart reads), in ms; runs that did not run
    // it have no point.
    void functionHistoryEqualsTheSpansInSql() {
        test::TempDir d2;
        store::Store s(d2.path / "f.db");
        test::make_demo_db(s, 2);
        const auto keys = s.function_keys();
        QVERIFY(std::is_sorted(keys.begin(), keys.end()));
        QVERIFY(std::find(keys.begin(), keys.end(), "do_scan_async [scsi_mod]") != keys.end());
        const auto runs = s.runs();
        std::vector<const store::RunInfo*> ptrs;
        for (const auto& r : runs) ptrs.push_back(&r);
        for (const std::string key : {"do_scan_async [scsi_mod]", "ahci_pci_driver_init [ahci]", "pty_init"}) {
            const auto metric = gui::HistoryMetric::of_function(s, key);
            QCOMPARE(metric.unit, QString("ms"));
            std::map<std::int64_t, double> by_sql;
            const auto [function, module] = model::split_span_key(key);
            store::Stmt q(s.db(), "SELECT run_id, sum(duration_us) FROM span_named WHERE function = ? AND coalesce("
                                  "module, '') = ? AND duration_us IS NOT NULL GROUP BY run_id");
            q.bind(1, function).bind(2, module);
            while (q.step()) by_sql[q.int64(0)] = double(q.int64(1)) / 1e3;
            QVERIFY2(!by_sql.empty(), key.c_str());
            std::map<std::int64_t, double> charted;
            for (const auto& series : gui::history(ptrs, metric.value_of))
                for (const auto& p : series.points) charted[p.run] = p.value;
            QCOMPARE(charted, by_sql);
        }
    }

    // The Launch form's matrix: the product of what varies, named after it; nonsense refused.
    void launchMatrixExpandsAndRefusesNonsense() {
        gui::LaunchMatrix m;
        m.fastboot = {true, false};
        m.scsi_scan = {"", "sync"};
        m.extra = "quiet";
        const auto variants = gui::expand_variants(m);
        QCOMPARE(variants.size(), std::size_t(4));
        std::map<std::string, runner::BootFlags> by_name;
        for (const auto& v : variants) by_name[v.name] = v.flags;
        QCOMPARE(by_name.size(), std::size_t(4));
        QVERIFY(by_name.at("fastboot.scan-sync").fastboot);
        QCOMPARE(by_name.at("fastboot.scan-sync").scsi_scan, std::string("sync"));
        QVERIFY(!by_name.at("no-fastboot.scan-default").fastboot);
        QCOMPARE(by_name.at("no-fastboot.scan-default").scsi_scan, std::string(""));
        for (const auto& [n, f] : by_name) QCOMPARE(f.extra, std::string("quiet"));
        // nothing varies: one variant named after what it changes
        gui::LaunchMatrix one;
        one.scsi_scan = {"sync"};
        QCOMPARE(gui::expand_variants(one).size(), std::size_t(1));
        QCOMPARE(gui::expand_variants(one).front().name, std::string("scan-sync"));

        runner::ExperimentSpec s;
        s.kernels = {{"stock", "distro", {}, {}}};
        s.hardware = {{"machine", {runner::parse_device("ahci:1"), runner::parse_device("lsi:1")}}};
        s.variants = variants;
        QVERIFY(gui::nonsense(s).find("fastboot on the stock Debian kernel") != std::string::npos);
        // the async-lab series has the gate: the same variants make sense on it
        s.kernels = {{"async-lab", "series", {}, kernel::find_series("async-lab")}};
        QCOMPARE(gui::nonsense(s), std::string());
        s.hardware = {{"machine", {runner::parse_device("ahci:1")}}};
        QVERIFY(gui::nonsense(s).find("no SCSI adapter") != std::string::npos);
        s.kernels = {{"stock", "distro", {}, {}}};
        s.variants = gui::expand_variants(gui::LaunchMatrix{});
        s.hardware = {{"machine", {runner::parse_device("slowprobe:2")}}};
        QVERIFY(gui::nonsense(s).find("slowprobe devices on the stock Debian kernel") != std::string::npos);
    }

    // Stored boots with a known change (demo_db.h): the model's rows against the edits made.
    void compareMarksARealChangeAndNotAJiffy() {
        const test::SlowerProbes sp = test::make_slower_probes(*store);
        std::vector<check::RunSample> a, b;
        for (auto id : sp.a) a.push_back(check::sample_of(*store, *store->run(id)));
        for (auto id : sp.b) b.push_back(check::sample_of(*store, *store->run(id)));
        std::vector<const check::RunSample*> pa, pb;
        for (const auto& r : a) pa.push_back(&r);
        for (const auto& r : b) pb.push_back(&r);
        gui::CompareModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setChanges(check::compare_functions(pa, pb), "as-captured", "slower");
        auto row_of = [&](const std::string& fn) {
            for (int r = 0; r < m.rowCount(); ++r)
                if (m.changes()[std::size_t(r)].function == fn) return r;
            return -1;
        };
        const int probe = row_of("__device_attach_async_helper");
        QCOMPARE(probe, 0); // the real change first
        QCOMPARE(m.changes()[0].delta(), stats::median(sp.probe_b) - stats::median(sp.probe_a));
        QVERIFY(std::abs(m.changes()[0].delta() - 300'000) < 25'000); // 300 ms, give or take the jitter
        QVERIFY(m.index(probe, gui::CompareModel::Evidence).data().toString().startsWith("change (p = "));
        const int jiffy = row_of("input_init");
        QVERIFY(jiffy > 0);
        QCOMPARE(m.index(jiffy, gui::CompareModel::Delta).data().toString(), QString("+4.000"));
        QCOMPARE(m.index(jiffy, gui::CompareModel::Evidence).data().toString(), QString("4 ms ticks: clock resolution"));
        int changed = 0;
        for (const auto& d : m.changes()) changed += d.evidence == check::Evidence::Change;
        QCOMPARE(changed, 1);
    }
};

QTEST_GUILESS_MAIN(ModelsTest)
#include "models_test.moc"
