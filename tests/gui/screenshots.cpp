// Screenshots of every view, as a person sees them (run under Xvfb), kept as build artifacts in
// $BOOTLAB_SCREENSHOTS: a real one-boot experiment launched from the
// Launch tab (live console, then done), History (all, filtered), a Timeline (whole, zoomed with a
// highlight) and Compare. Each view is also checked for the one thing it must show.
#include "compare_model.h"
#include "compare_view.h"
#include "demo_db.h"
#include "history_view.h"
#include "launch_view.h"
#include "main_window.h"
#include "timeline_view.h"
#include "timeline_widget.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QScreen>
#include <QToolTip>
#include <QtTest>

using namespace bootlab;

class Screenshots : public QObject {
    Q_OBJECT
    QString out_dir;
    test::TempDir dir;
    std::vector<std::int64_t> ids;
    test::SlowerProbes slower; // an experiment with a known change, for Compare
    std::unique_ptr<gui::MainWindow> w;

    void shoot(const QString& name) {
        QCoreApplication::processEvents();
        QTest::qWait(300); // charts and layouts settle
        const QString file = out_dir + "/" + name + ".png";
        QVERIFY2(w->grab().save(file), qPrintable(file));
        qInfo("screenshot: %s", qPrintable(file));
    }

private slots:
    void initTestCase() {
        out_dir = qEnvironmentVariable("BOOTLAB_SCREENSHOTS", "screenshots");
        QDir().mkpath(out_dir);
        {
            store::Store s(dir.path / "demo.db");
            ids = test::make_demo_db(s, 3);
            slower = test::make_slower_probes(s);
            // three imports a few days apart, as a history builds up
            s.db().exec("UPDATE run SET created = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', "
                        "'-' || (((SELECT max(id) FROM run) - id) * 11) || ' hours')");
        }
        w = std::make_unique<gui::MainWindow>();
        QVERIFY(w->openDatabase(QString::fromStdString((dir.path / "demo.db").string())));
        w->resize(1500, 950);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
    }

    void launch() {
        gui::LaunchView* l = w->launch();
        w->tabs()->setCurrentWidget(l);
        // a matrix: initcall_debug on and off, SCSI scan async and sync on a machine with LSI
        l->findChild<QComboBox*>("hardware")->setCurrentText("ahci:2 lsi:2 e1000");
        l->findChild<QComboBox*>("initcall_debug")->setCurrentIndex(2);
        l->findChild<QCheckBox*>("scsi_scan_default")->setChecked(false);
        l->findChild<QCheckBox*>("scsi_scan_async")->setChecked(true);
        l->findChild<QCheckBox*>("scsi_scan_sync")->setChecked(true);
        QVERIFY(l->findChild<QLabel*>("matrixSize")->text().contains("= 12 boots")); // 4 variants x 3 reps
        shoot("0-launch-form");
        l->findChild<QComboBox*>("fastboot")->setCurrentIndex(0); // on the stock kernel: refused
        QVERIFY(l->findChild<QLabel*>("matrixSize")->text().contains("no async init gate"));
        shoot("0b-launch-refused");
        l->openExperiment(QString(BOOTLAB_TEST_DATA) + "/experiments/one-boot.toml");
        QSignalSpy done(l->runner(), &gui::ExperimentRunner::finished);
        l->findChild<QPushButton*>("run")->click();
        auto* console = l->findChild<QPlainTextEdit*>("console");
        QTRY_VERIFY_WITH_TIMEOUT(console->blockCount() > 300, 240000); // the kernel is well under way
        shoot("1-launch-running");
        QVERIFY(done.wait(300000));
        shoot("2-launch-done");
    }

    void history() {
        w->tabs()->setCurrentWidget(w->history());
        w->history()->rebuildCharts();
        shoot("3-history");
        auto* charts = w->history()->findChild<QTabWidget*>("charts");
        charts->setCurrentIndex(1);
        shoot("3b-history-distribution");
        charts->setCurrentIndex(0);
        w->history()->findChild<QLineEdit*>("filter")->setText("default async");
        QCOMPARE(w->history()->table()->model()->rowCount(), 6); // (async, driver-async-probe) x 3 imports
        w->history()->rebuildCharts();
        shoot("4-history-filtered");
        // one function's time, from the timeline's context menu (as a person would ask for it)
        w->history()->findChild<QLineEdit*>("filter")->setText("slower-probes");
        w->openRun(slower.a.front());
        gui::TimelineWidget* t = w->timeline()->timeline();
        const auto& bars = t->sections().front().layout.bars;
        const auto probe = std::find_if(bars.begin(), bars.end(), [&](const gui::Bar& b) {
            return b.kind == gui::BarKind::Async &&
                   t->sections().front().boot.spans[std::size_t(b.index)].function == "__device_attach_async_helper";
        });
        QVERIFY(probe != bars.end());
        const QPoint at = t->barRect(0, int(probe - bars.begin())).center().toPoint();
        QCOMPARE(t->functionAt(at), QString("__device_attach_async_helper"));
        emit t->functionHistoryRequested(t->functionAt(at)); // what the menu's action does
        QCOMPARE(w->tabs()->currentWidget(), w->history());
        QCOMPARE(w->history()->metric().function, std::string("__device_attach_async_helper"));
        w->history()->rebuildCharts();
        QCOMPARE(w->history()->timeChart()->chart()->series().size(), 2); // as-captured, slower
        shoot("4b-history-function");
        charts->setCurrentIndex(1);
        shoot("4c-history-function-distribution");
        charts->setCurrentIndex(0);
        w->history()->showFunction({});
        w->history()->findChild<QLineEdit*>("filter")->clear();
    }

    void timeline() {
        w->openRun(ids[0]); // default / async
        QCOMPARE(w->tabs()->currentWidget(), w->timeline());
        shoot("5-timeline");
        gui::TimelineWidget* t = w->timeline()->timeline();
        t->setView(2.70e6, 3.40e6); // the SCSI scan and the port probes
        w->timeline()->findChild<QLineEdit*>("search")->setText("scan");
        QVERIFY(t->highlightCount() > 0);
        shoot("6-timeline-zoomed");
        // the tooltip of the SCSI scan cookie: a window of its own, so the whole screen is taken
        const auto& bars = t->sections().front().layout.bars;
        auto scan = std::find_if(bars.begin(), bars.end(), [&](const gui::Bar& b) {
            return b.kind == gui::BarKind::Async &&
                   t->sections().front().boot.spans[std::size_t(b.index)].function == "do_scan_async";
        });
        QVERIFY(scan != bars.end());
        const QPoint at = t->barRect(0, int(scan - bars.begin())).intersected(QRectF(t->rect())).center().toPoint();
        QHelpEvent help(QEvent::ToolTip, at, t->mapToGlobal(at));
        QCoreApplication::sendEvent(t, &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY(QToolTip::text().contains("do_scan_async"));
        QTest::qWait(400);
        const QString file = out_dir + "/6b-timeline-tooltip.png";
        QVERIFY(w->screen()->grabWindow(0).copy(w->geometry()).save(file));
        qInfo("screenshot: %s", qPrintable(file));
        QToolTip::hideText();
    }

    void compare() {
        w->compare()->refresh();
        w->compare()->compareVariants(w->store()->run(ids[0])->experiment_id, "async", "scan-sync");
        w->tabs()->setCurrentWidget(w->compare());
        QVERIFY(w->compare()->model()->rowCount() > 100);
        QCOMPARE(w->compare()->timelineA()->sections().size(), std::size_t(1));
        QCOMPARE(w->compare()->timelineB()->viewEnd(), w->compare()->timelineA()->viewEnd()); // one axis
        shoot("7-compare");
    }

    // Compare with evidence: 5 vs 5 boots, a real change (the slow probes, 300 ms) first, the
    // jiffy-timed row marked as the clock's resolution.
    void compareEvidence() {
        w->compare()->refresh();
        w->compare()->compareVariants(slower.experiment_id, "as-captured", "slower");
        w->tabs()->setCurrentWidget(w->compare());
        const auto& rows = w->compare()->model()->changes();
        QVERIFY(!rows.empty());
        QCOMPARE(rows.front().function, std::string("__device_attach_async_helper"));
        QCOMPARE(rows.front().evidence, check::Evidence::Change);
        shoot("7b-compare-evidence");
    }
};

QTEST_MAIN(Screenshots)
#include "screenshots.moc"
