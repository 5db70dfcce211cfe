#include "main_window.h"

#include "compare_view.h"
#include "history_view.h"
#include "ingest/ingest.h"
#include "launch_view.h"
#include "show_error.h"
#include "timeline_view.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

namespace bootlab::gui {

bool looksLikeDatabase(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) && f.read(16) == QByteArray("SQLite format 3\0", 16);
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), runs_(new RunTableModel(this)) {
    setWindowTitle("bootlab");
    setAcceptDrops(true);
    tabs_ = new QTabWidget(this);
    launch_ = new LaunchView(this);
    history_ = new HistoryView(runs_, this);
    timeline_ = new TimelineView(this);
    compare_ = new CompareView(runs_, this);
    tabs_->addTab(launch_, tr("&Launch"));
    tabs_->addTab(history_, tr("&History"));
    tabs_->addTab(timeline_, tr("&Timeline"));
    tabs_->addTab(compare_, tr("&Compare"));
    setCentralWidget(tabs_);
    status_ = new QLabel(this);
    statusBar()->addPermanentWidget(status_);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open database…"), QKeySequence::Open, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Open bootlab database"), QFileInfo(path_).path(),
                                                       tr("bootlab databases (*.db *.sqlite);;All files (*)"));
        if (!f.isEmpty()) openDatabase(f);
    });
    file->addAction(tr("&Import kernel logs…"), QKeySequence(tr("Ctrl+I")), this, [this] {
        const QStringList f = QFileDialog::getOpenFileNames(this, tr("Import kernel logs"), {},
                                                            tr("Kernel logs (*.log *.txt);;All files (*)"));
        if (qint64 id = importLogs(f)) openRun(id);
    });
    file->addAction(tr("Open &experiment file…"), QKeySequence(tr("Ctrl+E")), this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Experiment file"), {}, tr("Experiments (*.toml)"));
        if (f.isEmpty()) return;
        launch_->openExperiment(f);
        tabs_->setCurrentWidget(launch_);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Reload runs"), QKeySequence::Refresh, this, &MainWindow::reloadRuns);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About bootlab"), this, [this] {
        QMessageBox::about(this, tr("About bootlab"),
                           tr("<b>bootlab</b> — where does Linux boot time go, and did my change make it faster?"
                              "<p>Timeline: wheel zooms, drag pans, F fits, hover for details.<br>"
                              "Drop kernel logs on the window to import them, or a .db file to open it.</p>"));
    });

    ExperimentRunner* runner = launch_->runner();
    connect(runner, &ExperimentRunner::bootFinished, this, [this](const store::RunInfo& run) {
        runs_->upsertRun(run);
        updateStatus();
    });
    connect(runner, &ExperimentRunner::finished, this, [this] { compare_->refresh(); });
    connect(history_, &HistoryView::openRun, this, &MainWindow::openRun);
    connect(timeline_->timeline(), &TimelineWidget::functionHistoryRequested, this, [this](const QString& f) {
        history_->showFunction(f);
        tabs_->setCurrentWidget(history_);
    });
    connect(history_, &HistoryView::compareRuns, this, [this](qint64 a, qint64 b) {
        compare_->refresh();
        compare_->compareRuns(a, b);
        tabs_->setCurrentWidget(compare_);
    });
    // runs stored by someone else (`bootlab run` in a terminal, CI on a shared file) show up too
    auto* poll = new QTimer(this);
    connect(poll, &QTimer::timeout, this, &MainWindow::pollForOtherWriters);
    poll->start(2000);
    resize(1400, 900);
}

void MainWindow::pollForOtherWriters() {
    if (!store_) return;
    const std::int64_t v = store_->data_version();
    if (v == data_version_) return;
    data_version_ = v;
    // our own runner's boots arrive as signals; anything else means a reload
    std::vector<store::RunInfo> runs = store_->runs();
    bool known = runs.size() == static_cast<std::size_t>(runs_->rowCount());
    for (std::size_t i = 0; known && i < runs.size(); ++i) known = runs_->runById(runs[i].id) != nullptr;
    if (known) return;
    runs_->setRuns(std::move(runs));
    compare_->refresh();
    history_->refreshFunctions();
    updateStatus();
}

MainWindow::~MainWindow() = default;

bool MainWindow::openDatabase(const QString& path) {
    if (launch_->runner()->isRunning()) {
        showError(this, tr("Experiment running"), tr("Wait for the experiment to end (or cancel it) "
                                                                "before switching databases."));
        return false;
    }
    try {
        std::unique_ptr<store::Store> s;
        try {
            s = std::make_unique<store::Store>(path.toStdString());
        } catch (const std::exception& first) {
            // A database we may read but not write (read-only media, another user's file) is
            // still worth browsing; if it cannot be read either, the first error is the one shown.
            try {
                s = std::make_unique<store::Store>(path.toStdString(), store::Store::Access::Read);
            } catch (const std::exception&) {
                throw Error(first.what());
            }
        }
        store_ = std::move(s);
        path_ = path;
    } catch (const std::exception& e) {
        showError(this, tr("Cannot open database"), QString::fromStdString(e.what()));
        return false;
    }
    data_version_ = store_->data_version();
    launch_->setDatabase(path_);
    launch_->setStoredRuns(runs_);
    compare_->setStore(store_.get());
    history_->setStore(store_.get());
    timeline_->clear();
    reloadRuns();
    setWindowTitle("bootlab — " + QFileInfo(path_).fileName());
    return true;
}

void MainWindow::reloadRuns() {
    runs_->setRuns(store_ ? store_->runs() : std::vector<store::RunInfo>{});
    compare_->refresh();
    history_->refreshFunctions();
    updateStatus();
}

void MainWindow::updateStatus() {
    status_->setText(tr("%1 · %2 runs").arg(path_).arg(runs_->rowCount()));
}

qint64 MainWindow::importLogs(const QStringList& files) {
    if (!store_ || files.isEmpty()) return 0;
    QStringList errors;
    qint64 last = 0;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    for (const QString& f : files) {
        statusBar()->showMessage(tr("importing %1…").arg(f));
        try {
            ingest::ImportOptions o;
            o.run.source = f.toStdString();
            auto r = ingest::import_file(*store_, f.toStdString(), o);
            runs_->upsertRun(store_->require_run(r.run_id));
            last = r.run_id;
        } catch (const std::exception& e) {
            errors << QString::fromStdString(e.what());
        }
    }
    QApplication::restoreOverrideCursor();
    statusBar()->showMessage(tr("imported %1 of %2 logs").arg(files.size() - errors.size()).arg(files.size()), 5000);
    updateStatus();
    compare_->refresh();
    if (!errors.isEmpty()) showError(this, tr("Import failed"), errors.join("\n\n"));
    return last;
}

void MainWindow::openRun(qint64 id) {
    if (!store_) return;
    try {
        timeline_->showRun(store_->require_run(id), store_->load_boot(id));
        tabs_->setCurrentWidget(timeline_);
    } catch (const std::exception& e) {
        showError(this, tr("Cannot open run"), QString::fromStdString(e.what()));
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    QStringList logs;
    for (const QUrl& u : e->mimeData()->urls()) {
        if (!u.isLocalFile()) continue;
        const QString f = u.toLocalFile();
        if (looksLikeDatabase(f)) openDatabase(f);
        else logs << f;
    }
    if (qint64 id = importLogs(logs)) openRun(id);
    e->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent* e) {
    if (launch_->runner()->isRunning() &&
        QMessageBox::question(this, tr("Experiment running"),
                              tr("An experiment is running. Cancel it and quit? Boots stored so far are kept; "
                                 "the experiment can be resumed.")) != QMessageBox::Yes) {
        e->ignore();
        return;
    }
    launch_->runner()->cancel();
    e->accept();
}

} // namespace bootlab::gui
