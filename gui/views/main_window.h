#pragma once
// bootlab-gui's window: Launch, History, Timeline and Compare over one database. File ▸ Open
// (or dropping a .db file) switches databases; dropping kernel logs imports them.
#include "run_table_model.h"

#include <QMainWindow>
#include <memory>

class QLabel;
class QTabWidget;

namespace bootlab::gui {

class CompareView;
class HistoryView;
class LaunchView;
class TimelineView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (creating or migrating) a bootlab database; false (after saying why) if it cannot.
    bool openDatabase(const QString& path);
    // Imports kernel logs as runs of the experiment "import"; errors name the file and line.
    // Returns the last imported run id, 0 if none.
    qint64 importLogs(const QStringList& files);
    void openRun(qint64 id);

    store::Store* store() const { return store_.get(); }
    RunTableModel* runs() const { return runs_; }
    QTabWidget* tabs() const { return tabs_; }
    LaunchView* launch() const { return launch_; }
    HistoryView* history() const { return history_; }
    TimelineView* timeline() const { return timeline_; }
    CompareView* compare() const { return compare_; }

protected:
    void dragEnterEvent(QDragEnterEvent*) override;
    void dropEvent(QDropEvent*) override;
    void closeEvent(QCloseEvent*) override;

private:
    void reloadRuns();
    void updateStatus();
    void pollForOtherWriters();

    std::unique_ptr<store::Store> store_;
    QString path_;
    RunTableModel* runs_;
    QTabWidget* tabs_;
    LaunchView* launch_;
    HistoryView* history_;
    TimelineView* timeline_;
    CompareView* compare_;
    QLabel* status_;
    std::int64_t data_version_ = 0;
};

// Does this file start like an SQLite database (and so is opened, not imported)?
bool looksLikeDatabase(const QString& path);

} // namespace bootlab::gui
