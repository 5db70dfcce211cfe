// The timeline widget under the offscreen platform, on a real boot: what its tooltip says of a
// bar, what search highlights, and that the wheel zooms around the cursor and F fits.
#include "demo_db.h"
#include "hand_count.h"
#include "report/format.h"
#include "timeline_view.h"
#include "timeline_widget.h"
#include "history_view.h"
#include "main_window.h"
#include "run_table_model.h"

#include <QChart>
#include <QCheckBox>
#include <QChartView>
#include <QMessageBox>
#include <QMimeData>
#include <QLineSeries>
#include <QTabWidget>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWheelEvent>
#include <QXmlStreamReader>
#include <QtTest>
#include <regex>

using namespace bootlab;

class ViewsTest : public QObject {
    Q_OBJECT
    test::TempDir dir;
    std::unique_ptr<store::Store> store;
    std::int64_t run = 0;
    gui::TimelineWidget t;

private slots:
    void initTestCase() {
        store = std::make_unique<store::Store>(dir.path / "v.db");
        run = test::make_demo_db(*store).front(); // debian-6.1-q35-ahci-lsi-e1000-async.log
        std::vector<gui::TimelineWidget::Section> s;
        s.push_back(gui::timelineSection(*store->run(run), store->load_boot(run)));
        t.resize(1400, 900);
        t.setSections(std::move(s));
        t.show();
    }

    void tooltipTellsAllAboutACookie() {
        const test::HandCount h = test::count_by_hand(test::demo_runs().front().log);
        const auto& sec = t.sections().front();
        const auto& bars = sec.layout.bars;
        auto it = std::find_if(bars.begin(), bars.end(), [&](const gui::Bar& b) {
            return b.kind == gui::BarKind::Async && sec.boot.spans[std::size_t(b.index)].cookie == 16;
        });
        QVERIFY(it != bars.end());
        t.setView(double(it->start) - 1000, double(it->end) + 1000); // zoomed onto it
        const QString tip = t.describeAt(t.barRect(0, int(it - bars.begin())).center().toPoint());
        QVERIFY2(tip.contains("<b>do_scan_async</b>"), qPrintable(tip));
        QVERIFY(tip.contains("module: scsi_mod"));
        QVERIFY(tip.contains("async cookie #16"));
        QVERIFY(tip.contains(QString("pid %1").arg(h.async_pid.at("16_do_scan_async"))));
        QVERIFY(tip.contains("duration " + QString::fromStdString(report::seconds(h.async_usecs.at("16_do_scan_async")))));
        QVERIFY(tip.contains("returned -")); // modern async lines print no return value
        t.fit();
    }

    void searchHighlightsWhatGrepFinds() {
        // `calling` lines whose function or module mentions "ahci", counted in the raw text
        std::ifstream in(test::data(test::demo_runs().front().log));
        static const std::regex calling(R"(^\[ *\d+\.\d+\] calling  (\d+_)?(\w+)\+\S+( \[(\w+)\])? @)");
        int by_hand = 0;
        std::smatch m;
        for (std::string line; std::getline(in, line);)
            if (std::regex_search(line, m, calling))
                by_hand += m[2].str().find("ahci") != std::string::npos || m[4].str().find("ahci") != std::string::npos;
        QVERIFY(by_hand > 0);
        QSignalSpy changed(&t, &gui::TimelineWidget::highlightChanged);
        t.setHighlight("AHCI");
        QCOMPARE(t.highlightCount(), by_hand);
        QCOMPARE(changed.front().front().toInt(), by_hand);
        t.setHighlight("");
        QCOMPARE(t.highlightCount(), 0);
    }

    // tests/data/critical-path.log's path is known (tests/data/README.md): a_init, b_init and
    // slow_async; the checkbox turns the outline off and on.
    void theCriticalPathIsOutlined() {
        store::Store own(dir.path / "critical.db"); // the other tests count the demo database's runs
        const auto r = ingest::import_file(own, test::data("critical-path.log"), {});
        gui::TimelineView view;
        view.showRun(*own.run(r.run_id), own.load_boot(r.run_id));
        const auto& sec = view.timeline()->sections().front();
        QStringList on;
        for (std::size_t i = 0; i < sec.critical.size(); ++i)
            if (sec.critical[i]) on << QString::fromStdString(sec.boot.spans[i].function);
        on.sort();
        QCOMPARE(on, QStringList({"a_init", "b_init", "slow_async"}));
        QCOMPARE(view.timeline()->criticalCount(), 3);
        auto* box = view.findChild<QCheckBox*>("criticalPath");
        QVERIFY(box && box->isChecked());
        box->setChecked(false);
        QCOMPARE(view.timeline()->criticalCount(), 0);
        box->setChecked(true);
        // the tooltip says so, of slow_async and not of c_init
        const auto& bars = sec.layout.bars;
        auto bar_of = [&](const char* f) {
            return int(std::find_if(bars.begin(), bars.end(), [&](const gui::Bar& b) {
                           return b.kind != gui::BarKind::Wait && sec.boot.spans[std::size_t(b.index)].function == f;
                       }) - bars.begin());
        };
        view.resize(1200, 700);
        view.timeline()->fit();
        auto tip = [&](const char* f) { return view.timeline()->describeAt(view.timeline()->barRect(0, bar_of(f)).center().toPoint()); };
        QVERIFY2(tip("slow_async").contains("on the critical path"), qPrintable(tip("slow_async")));
        QVERIFY2(!tip("c_init").contains("on the critical path"), qPrintable(tip("c_init")));
    }

    void wheelZoomsAroundTheCursorAndFitShowsAll() {
        t.fit();
        const double span = t.viewEnd() - t.viewStart();
        QVERIFY(span >= double(t.sections().front().layout.end));
        const QPointF at(700, 300);
        // the time drawn at x, from where two bars of different start times are drawn
        const auto& bars = t.sections().front().layout.bars;
        const int a = 0, b = int(std::find_if(bars.begin(), bars.end(), [&](const gui::Bar& x) {
                                     return x.start > bars[0].start + 100000; }) - bars.begin());
        auto time_under = [&](double x) {
            const double px_per_us = (t.barRect(0, b).left() - t.barRect(0, a).left()) / double(bars[b].start - bars[a].start);
            return double(bars[a].start) + (x - t.barRect(0, a).left()) / px_per_us;
        };
        const double before = time_under(at.x());
        QWheelEvent wheel(at, t.mapToGlobal(at), {}, QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(&t, &wheel);
        QVERIFY(std::abs((t.viewEnd() - t.viewStart()) * 1.25 - span) < span * 1e-9);
        QVERIFY(std::abs(time_under(at.x()) - before) < 1.0); // within a µs
        QTest::keyClick(&t, Qt::Key_F);
        QCOMPARE(t.viewStart(), 0.0);
        QVERIFY(std::abs((t.viewEnd() - t.viewStart()) - span) < span * 1e-9);
    }

    void enterGoesFromMatchToMatch() {
        const test::HandCount h = test::count_by_hand(test::demo_runs().front().log);
        int probes = 0;
        for (const auto& [name, us] : h.async_usecs) probes += name.find("_async_port_probe") != std::string::npos;
        QVERIFY(probes > 5);
        t.setHighlight("async_port_probe");
        QCOMPARE(t.highlightCount(), probes);
        std::vector<double> centres;
        for (int i = 0; i <= probes; ++i) {
            QVERIFY(t.nextMatch());
            centres.push_back((t.viewStart() + t.viewEnd()) / 2);
        }
        for (int i = 1; i < probes; ++i) QVERIFY(centres[std::size_t(i)] >= centres[std::size_t(i - 1)]);
        QCOMPARE(centres.back(), centres.front()); // round again
        t.setHighlight("no such function");
        QVERIFY(!t.nextMatch());
        t.setHighlight("");
        t.fit();
    }

    void exportWritesWhatOtherToolsOpen() {
        const test::HandCount h = test::count_by_hand(test::demo_runs().front().log);
        gui::TimelineView v;
        v.showRun(*store->run(run), store->load_boot(run));
        const QString json = QString::fromStdString((dir.path / "run.json").string());
        v.exportTo(json);
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray events = QJsonDocument::fromJson(f.readAll()).object()["traceEvents"].toArray();
        int sync = 0, async = 0;
        for (const auto& e : events) {
            sync += e.toObject()["cat"].toString() == "sync";
            async += e.toObject()["cat"].toString() == "async";
        }
        QCOMPARE(sync, h.sync);
        QCOMPARE(async, h.async);
        const QString svg = QString::fromStdString((dir.path / "run.svg").string());
        v.exportTo(svg);
        QFile g(svg);
        QVERIFY(g.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&g);
        while (!xml.atEnd()) xml.readNext();
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    }

    void runsStoredByAnotherProgramAppear() {
        gui::MainWindow w;
        QVERIFY(w.openDatabase(QString::fromStdString((dir.path / "shared.db").string())));
        QCOMPARE(w.runs()->rowCount(), 0);
        store::Store cli(dir.path / "shared.db"); // as `bootlab import` would
        ingest::import_file(cli, test::data(test::demo_runs().front().log), {});
        QTRY_COMPARE_WITH_TIMEOUT(w.runs()->rowCount(), 1, 10000);
    }

    void clickingAChartPointOpensItsRun() {
        gui::RunTableModel runs;
        runs.setRuns(store->runs());
        gui::HistoryView v(&runs);
        v.resize(1400, 900);
        v.show();
        v.rebuildCharts();
        QChart* chart = v.timeChart()->chart();
        // the highest point (default / scan-sync): no other point near it (the imports share a date)
        QLineSeries* dots = nullptr;
        for (auto* s : chart->series())
            if (auto* d = qobject_cast<QLineSeries*>(s); d && (!dots || d->at(0).y() > dots->at(0).y())) dots = d;
        QVERIFY(dots && dots->count() == 1);
        // the run this point stands for, found without the chart: same boot-to-init
        std::int64_t expected = 0;
        for (const auto& r : store->runs())
            if (r.metrics.boot_to_init && std::abs(double(*r.metrics.boot_to_init) / 1e6 - dots->at(0).y()) < 1e-9) expected = r.id;
        QVERIFY(expected);
        const QPoint at = v.timeChart()->mapFromScene(chart->mapToScene(chart->mapToPosition(dots->at(0), dots)));
        QSignalSpy open(&v, &gui::HistoryView::openRun);
        QTest::mouseClick(v.timeChart()->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.front().front().toLongLong(), qlonglong(expected));
    }

    void droppedFilesAreImportedOrOpened() {
        gui::MainWindow w;
        QVERIFY(w.openDatabase(QString::fromStdString((dir.path / "drop.db").string())));
        w.show();
        auto drop = [&](const std::filesystem::path& file) {
            QMimeData mime;
            mime.setUrls({QUrl::fromLocalFile(QString::fromStdString(file.string()))});
            // as a drag from a file manager arrives: enter, then drop
            QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(&w, &enter);
            QVERIFY(enter.isAccepted());
            QDropEvent e(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(&w, &e);
        };
        // a kernel log: imported, listed, and shown as a timeline
        const auto log = test::data(test::demo_runs().front().log);
        const test::HandCount h = test::count_by_hand(test::demo_runs().front().log);
        drop(log);
        if (auto* box = w.findChild<QMessageBox*>("error")) QFAIL(qPrintable(box->text()));
        QCOMPARE(w.runs()->rowCount(), 1);
        QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget*>(w.timeline()));
        QCOMPARE(w.timeline()->timeline()->sections().front().boot.spans.size(), std::size_t(h.sync + h.async));
        // not a kernel log: an error that names the file; nothing stored
        const auto junk = dir.path / "notes.txt";
        std::ofstream(junk) << "shopping list\nmilk\n";
        drop(junk);
        QCOMPARE(w.runs()->rowCount(), 1);
        auto* box = w.findChild<QMessageBox*>("error");
        QVERIFY(box);
        QVERIFY2(box->text().contains(QString::fromStdString(junk.string())), qPrintable(box->text()));
        box->close();
        // a database: opened
        drop(dir.path / "v.db");
        QCOMPARE(w.runs()->rowCount(), int(test::demo_runs().size()));
    }
};

QTEST_MAIN(ViewsTest)
#include "views_test.moc"
