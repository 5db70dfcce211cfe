#pragma once
// The Launch tab: kernels, machines, the boot flags and repetitions make an experiment (the same
// TOML `bootlab run` reads; "Save…" writes it, "Open…" runs any file). Each flag can be on, off or
// both and each choice any subset of its values: the form expands to the product of what varies
// (launch_matrix.h), says how many boots and about how long before Run, and refuses variants
// that make no sense. Run boots it off the GUI
// thread; each boot shows its progress and status, the selected boot its live serial console,
// and Cancel kills the QEMUs at once.
#include "experiment_runner.h"

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

class QStackedWidget;
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace bootlab::gui {

class RunTableModel;

class LaunchView : public QWidget {
    Q_OBJECT
public:
    explicit LaunchView(QWidget* parent = nullptr);
    void setDatabase(const QString& path) { database_ = path; }
    // The stored runs, whose wall times estimate how long an experiment takes.
    void setStoredRuns(const RunTableModel* runs) { stored_ = runs; updateSize(); }
    ExperimentRunner* runner() const { return runner_; }
    // The experiment the form (or the opened file) describes; throws Error saying what is wrong.
    runner::ExperimentSpec spec() const;
    void openExperiment(const QString& file); // errors are shown, with the file and line

public slots:
    void run();

private:
    struct BootRow {
        int row = 0;
        QElapsedTimer clock;
        QByteArray console;
        bool running = true;
    };
    void formEdited();
    void updateSize(); // the boot count and time estimate, or what is wrong with the form
    void showConsole(const QString& key);
    void showConsoleTitle();
    void setRunning(bool running);
    BootRow& rowFor(const QString& label, int repetition);
    void saveExperiment();
    std::vector<runner::HostSpec> hosts() const; // the ticked hosts; none: the default

    ExperimentRunner* runner_;
    QString database_;
    std::optional<runner::ExperimentSpec> file_spec_; // an opened experiment file, until the form is edited

    QStackedWidget* pages_;
    QLineEdit* name_;
    QListWidget* kernels_;
    QComboBox* hardware_;
    QComboBox *initcall_debug_, *fastboot_, *deterministic_; // on, off or both
    QCheckBox* resume_;
    std::vector<QCheckBox*> scsi_scan_, capture_, slowprobe_; // the values ticked (data: the value)
    QLabel* size_;
    const RunTableModel* stored_ = nullptr;
    QLineEdit *driver_async_probe_, *async_probe_, *cmdline_;
    QSpinBox *repetitions_, *timeout_, *jobs_;
    QComboBox* accel_;
    QListWidget* hosts_;
    QWidget* form_;                  // replaced by file_page_ while an opened file is what Run boots
    QWidget* file_page_;
    QLabel* file_note_;
    QPlainTextEdit* file_text_;
    QPushButton *run_, *cancel_;
    QProgressBar* progress_;
    QTableWidget* boots_;
    QLabel* console_title_;
    QPlainTextEdit* console_;
    QPlainTextEdit* messages_;
    QHash<QString, BootRow> rows_;   // "label\trepetition"
    QString shown_;                  // whose console is shown
    bool follow_ = true;             // show each new boot's console as it starts
};

} // namespace bootlab::gui
