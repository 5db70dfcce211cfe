// The Launch tab driven as a user drives it (offscreen platform), booting the real stock kernel
// in QEMU: runs land in the database and in the history as each boot ends, the window keeps
// handling events while QEMU runs, and Cancel leaves no QEMU behind.
#include "experiment_runner.h"
#include "launch_view.h"
#include "main_window.h"
#include "run_table_model.h"
#include "runner/qemu_backend.h"
#include "runner/backend.h"
#include "test_util.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QProcess>
#include <QRegularExpression>
#include <QLabel>
#include "common/atomic_file.h"
#include "common/error.h"
#include <set>
#include <map>
#include <QtTest>
#include <regex>

using namespace bootlab;

namespace {

// QEMU processes whose command line carries this test's tag (as tests/boot/lib.sh does).
int qemuWithTag(const QString& tag) {
    int n = 0;
    for (const QString& pid : QDir("/proc").entryList(QDir::Dirs)) {
        QFile f("/proc/" + pid + "/cmdline");
        if (!pid.front().isDigit() || !f.open(QIODevice::ReadOnly)) continue;
        const QByteArray cmd = f.readAll();
        const QByteArray program = cmd.left(cmd.indexOf(char(0)));
        n += program.contains("qemu-system") && cmd.contains(tag.toUtf8());
    }
    return n;
}

// boot-to-init read off the stored raw log, not from bootlab's parser
std::optional<std::int64_t> runInitFromLog(store::Store& s, std::int64_t run) {
    std::string log;
    s.read_log(run, [&](std::string_view b) { log += b; });
    static const std::regex run_init(R"(\[ *(\d+)\.(\d{6})\] Run /init as init process)");
    std::smatch m;
    if (!std::regex_search(log, m, run_init)) return std::nullopt;
    return std::stoll(m[1]) * 1'000'000 + std::stoll(m[2]);
}

} // namespace

class LauncherTest : public QObject {
    Q_OBJECT
    test::TempDir dir;
    std::unique_ptr<gui::MainWindow> w;
    QString tag;

    void fill(const QString& name, int repetitions) {
        gui::LaunchView* l = w->launch();
        l->findChild<QLineEdit*>("name")->setText(name);
        l->findChild<QComboBox*>("hardware")->setCurrentText("ahci:1 lsi:1");
        l->findChild<QCheckBox*>("scsi_scan_default")->setChecked(false);
        l->findChild<QCheckBox*>("scsi_scan_sync")->setChecked(true);
        l->findChild<QLineEdit*>("cmdline")->setText("bootlab.test=" + tag);
        l->findChild<QSpinBox*>("repetitions")->setValue(repetitions);
    }

private slots:
    void initTestCase() {
        tag = QFileInfo(QString::fromStdString(dir.path.string())).fileName();
        w = std::make_unique<gui::MainWindow>();
        QVERIFY(w->openDatabase(QString::fromStdString((dir.path / "launch.db").string())));
        w->show();
    }

    // Two flags on "both": four variants named after what varies; saved, the file boots with
    // `bootlab run` the kernel command lines those variants mean (read back from --print-qemu).
    void theFormExpandsToTheProductOfWhatVaries() {
        gui::LaunchView* l = w->launch();
        fill("matrix-" + tag, 1);
        l->findChild<QComboBox*>("initcall_debug")->setCurrentIndex(2); // both
        l->findChild<QCheckBox*>("scsi_scan_async")->setChecked(true);  // async and sync
        QVERIFY(l->findChild<QLabel*>("matrixSize")->text().contains("1 kernel(s) × 1 hardware × 4 variant(s) × 1 rep(s) = 4 boots"));
        const runner::ExperimentSpec spec = l->spec();
        std::set<std::string> names;
        for (const auto& v : spec.variants) names.insert(v.name);
        QCOMPARE(names, (std::set<std::string>{"initcall-debug.scan-async", "initcall-debug.scan-sync",
                                               "no-initcall-debug.scan-async", "no-initcall-debug.scan-sync"}));
        const QString file = QString::fromStdString((dir.path / "matrix.toml").string());
        write_atomically(file.toStdString(), [&](std::ostream& o) { o << runner::to_toml(spec); });
        QProcess cli;
        cli.start(BOOTLAB_BIN, {"run", file, "--print-qemu", "--jobs", "2", "--db",
                                QString::fromStdString((dir.path / "cli.db").string())});
        QVERIFY(cli.waitForFinished(600'000));
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        // "# LABEL #1 on HOST" then the argv; the kernel command line is -append's argument
        static const QRegularExpression boot("^# (\\S+) #1 on .*\n.*-append '([^']*)'", QRegularExpression::MultilineOption);
        std::map<std::string, QString> cmdline;
        for (auto it = boot.globalMatch(out); it.hasNext();) {
            const auto m = it.next();
            const std::string variant = m.captured(1).section('/', -1).toStdString(); // [kernel/][hardware/]variant
            if (names.count(variant)) cmdline[variant] = m.captured(2);
        }
        QCOMPARE(cmdline.size(), std::size_t(4));
        for (const auto& [name, c] : cmdline) {
            const QStringList args = c.split(' ');
            QCOMPARE(args.contains("initcall_debug"), name.rfind("initcall-debug", 0) == 0);
            QVERIFY2(args.contains(name.ends_with("scan-sync") ? "scsi_mod.scan=sync" : "scsi_mod.scan=async"), qPrintable(c));
        }
        // a variant that makes no sense is refused before anything boots, with its reason
        l->findChild<QComboBox*>("fastboot")->setCurrentIndex(0); // on, with the stock kernel only
        QVERIFY(l->findChild<QLabel*>("matrixSize")->text().contains("fastboot on the stock Debian kernel, which has no async init gate"));
        QVERIFY(!l->findChild<QPushButton*>("run")->isEnabled());
        QVERIFY_THROWS_EXCEPTION(Error, l->spec());
        l->findChild<QComboBox*>("fastboot")->setCurrentIndex(1);
        l->findChild<QComboBox*>("initcall_debug")->setCurrentIndex(0);
        l->findChild<QCheckBox*>("scsi_scan_async")->setChecked(false);
        QVERIFY(l->findChild<QPushButton*>("run")->isEnabled());
    }

    void launchedBootsAreStoredAndShownAtOnce() {
        fill("launcher-test", 2);
        gui::ExperimentRunner* runner = w->launch()->runner();
        QSignalSpy finished_boots(runner, &gui::ExperimentRunner::bootFinished);
        QSignalSpy done(runner, &gui::ExperimentRunner::finished);
        QSignalSpy failed(runner, &gui::ExperimentRunner::failed);
        // each finished boot must be in the history table the moment it is reported
        int in_history_on_report = 0;
        QObject scope; // disconnects the lambdas below (they capture locals) when the test ends
        connect(runner, &gui::ExperimentRunner::bootFinished, &scope, [&](const store::RunInfo& r) {
            QCoreApplication::processEvents();
            in_history_on_report += w->runs()->runById(r.id) != nullptr;
        });
        // the event loop must keep turning while QEMU boots: the longest gap between two ticks
        QElapsedTimer clock;
        qint64 last = 0, longest = 0;
        QTimer tick;
        connect(&tick, &QTimer::timeout, &scope, [&] {
            longest = std::max(longest, clock.elapsed() - last);
            last = clock.elapsed();
        });
        clock.start();
        tick.start(20);
        w->launch()->findChild<QPushButton*>("run")->click();
        QVERIFY(done.wait(900000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        qInfo("longest pause of the event loop while booting: %lld ms", longest);
        QVERIFY2(longest < 1000, "the window froze while booting");
        QCOMPARE(finished_boots.count(), 2);
        QCOMPARE(in_history_on_report, 2);

        // what another connection (the CLI, say) finds in the file
        store::Store s(dir.path / "launch.db");
        std::vector<store::RunInfo> runs;
        for (const auto& r : s.runs()) if (r.experiment == "launcher-test") runs.push_back(r);
        QCOMPARE(runs.size(), std::size_t(2));
        for (const auto& r : runs) {
            QCOMPARE(QString(model::to_string(r.status)), QString("ok"));
            QCOMPARE(QString::fromStdString(r.variant), QString("scan-sync"));
            QVERIFY(r.kernel_cmdline.find("scsi_mod.scan=sync") != std::string::npos);
            QVERIFY(r.kernel_cmdline.find(tag.toStdString()) != std::string::npos);
            QCOMPARE(r.metrics.boot_to_init, runInitFromLog(s, r.id));
        }
        QCOMPARE(qemuWithTag(tag), 0);
        // where each boot ran: the Launch rows and the History table say this machine, as stored
        auto* boots = w->launch()->findChild<QTableWidget*>("boots");
        const QString here = QString::fromStdString(runner::hostname());
        for (int row = 0; row < boots->rowCount(); ++row) QCOMPARE(boots->item(row, 2)->text(), here);
        for (const auto& r : runs) {
            QCOMPARE(QString::fromStdString(r.host), here);
            QCOMPARE(QString::fromStdString(r.backend), QString("qemu"));
            QCOMPARE(w->runs()->index(w->runs()->rowOf(r.id), gui::RunTableModel::Host).data().toString(), here);
        }
    }

    // The Accelerator choice reaches the runner: KVM asked for where it does not work (this
    // machine's verdict, probed as bootlab probes it) fails before any boot, with the reason.
    void accelKvmWhereItDoesNotWorkFailsBeforeAnyBoot() {
        const runner::KvmVerdict v = runner::local_kvm();
        if (v.usable()) QSKIP("KVM works here: nothing to refuse");
        fill("launcher-accel", 1);
        auto* accel = w->launch()->findChild<QComboBox*>("accel");
        QVERIFY(accel);
        accel->setCurrentIndex(accel->findData(QString("kvm")));
        gui::ExperimentRunner* runner = w->launch()->runner();
        QSignalSpy done(runner, &gui::ExperimentRunner::finished);
        QSignalSpy failed(runner, &gui::ExperimentRunner::failed);
        w->launch()->findChild<QPushButton*>("run")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty() || !done.isEmpty(), 600000);
        QVERIFY(!failed.isEmpty());
        const QString why = failed.front().front().toString();
        QVERIFY2(why.contains("accel is kvm, but " + QString::fromStdString(v.describe())), qPrintable(why));
        store::Store s(dir.path / "launch.db");
        for (const auto& r : s.runs()) QVERIFY(r.experiment != "launcher-accel");
        accel->setCurrentIndex(accel->findData(QString("auto")));
    }

    void cancelStopsQemu() {
        fill("launcher-cancel", 1);
        gui::ExperimentRunner* runner = w->launch()->runner();
        QSignalSpy done(runner, &gui::ExperimentRunner::finished);
        qsizetype console_bytes = 0;
        QObject scope;
        connect(runner, &gui::ExperimentRunner::console, &scope,
                [&](const QString&, int, const QByteArray& b) { console_bytes += b.size(); });
        w->launch()->findChild<QPushButton*>("run")->click();
        QTRY_VERIFY_WITH_TIMEOUT(console_bytes > 20000, 240000); // the kernel is printing
        QCOMPARE(qemuWithTag(tag), 1);
        auto* cancel = w->launch()->findChild<QPushButton*>("cancel");
        QVERIFY(cancel->isEnabled());
        cancel->click();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.front().at(3).toBool(), true); // cancelled
        QCOMPARE(qemuWithTag(tag), 0);
        store::Store s(dir.path / "launch.db");
        int cancelled = 0;
        for (const auto& r : s.runs()) cancelled += r.experiment == "launcher-cancel" && r.status == model::RunStatus::Cancelled;
        QCOMPARE(cancelled, 1);
        QVERIFY(w->launch()->findChild<QPushButton*>("run")->isEnabled());
    }
};

QTEST_MAIN(LauncherTest)
#include "launcher_test.moc"
