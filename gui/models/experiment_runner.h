#pragma once
// Runs an experiment on a thread of its own, with its own connection to the database, and
// reports back through queued signals: the window never waits for a boot. Every boot is stored
// the moment it ends (by the same runner as `bootlab run`), so the history can show it at once.
#include "runner/run_experiment.h"
#include "store/store.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <atomic>
#include <thread>

Q_DECLARE_METATYPE(bootlab::store::RunInfo)

namespace bootlab::gui {

class ExperimentRunner : public QObject {
    Q_OBJECT
public:
    explicit ExperimentRunner(QObject* parent = nullptr);
    ~ExperimentRunner() override; // cancels a running experiment and waits for its QEMUs to go

    bool isRunning() const { return running_; }
    // Starts booting. Ignored while an experiment runs.
    void start(runner::ExperimentSpec spec, QString database, runner::RunOptions options);

public slots:
    void cancel(); // kills the running QEMUs; the experiment resumes where it stopped next time

signals:
    void message(QString text);                      // kernel download/build, image, resume notes
    // where it boots, and what the emulator was told (QEMU argv, or libvirt domain XML)
    void bootStarted(QString label, int repetition, QString host, QString commandLine);
    void console(QString label, int repetition, QByteArray bytes);
    void bootFinished(bootlab::store::RunInfo run, int done, int total);
    void finished(qint64 experimentId, int booted, int failed, bool cancelled);
    void failed(QString error);                      // the experiment could not run (no kernel, ...)

private:
    std::thread thread_;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> running_{false};
};

} // namespace bootlab::gui
