#include "launch_view.h"

#include "launch_matrix.h"

#include "common/error.h"
#include "kernel/source_build.h"
#include "run_table_model.h"
#include "common/atomic_file.h"
#include "show_error.h"
#include "table_setup.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSpinBox>
#include <QStackedWidget>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace bootlab::gui {
namespace {

enum BootColumn { BootLabel, BootRep, BootHost, BootStatus, BootTime, BootToInitCol, BootColumns };

QString key(const QString& label, int repetition) { return label + '\t' + QString::number(repetition); }
// repetition 0 is a warm-up boot (stored, not counted)
QString repetitionText(int repetition) {
    return repetition ? QString::number(repetition) : QObject::tr("warm-up");
}

std::vector<std::string> words(const QString& text) {
    std::vector<std::string> out;
    for (const QString& w : text.split(QRegularExpression("[\\s,]+"), Qt::SkipEmptyParts)) out.push_back(w.toStdString());
    return out;
}

// A flag's on/off/both box
QComboBox* onOffBoth(QWidget* parent, bool on) {
    auto* c = new QComboBox(parent);
    c->addItem(QObject::tr("on"), "on");
    c->addItem(QObject::tr("off"), "off");
    c->addItem(QObject::tr("both (A/B)"), "both");
    c->setCurrentIndex(on ? 0 : 1);
    return c;
}
std::vector<bool> onOffValues(const QComboBox* c) {
    const QString v = c->currentData().toString();
    return v == "both" ? std::vector<bool>{true, false} : std::vector<bool>{v == "on"};
}
std::vector<std::string> ticked(const std::vector<QCheckBox*>& boxes) {
    std::vector<std::string> out;
    for (const QCheckBox* b : boxes)
        if (b->isChecked()) out.push_back(b->property("value").toString().toStdString());
    return out;
}

} // namespace

LaunchView::LaunchView(QWidget* parent) : QWidget(parent), runner_(new ExperimentRunner(this)) {
    auto named = [](auto* w, const char* name) {
        w->setObjectName(name);
        return w;
    };
    name_ = named(new QLineEdit("gui", this), "name");
    name_->setToolTip(tr("Runs are stored under this experiment name; History groups by it"));

    kernels_ = named(new QListWidget(this), "kernels");
    auto add_kernel = [this](const QString& text, const QString& ref, bool checked) {
        auto* item = new QListWidgetItem(text, kernels_);
        item->setData(Qt::UserRole, ref);
        item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    };
    add_kernel(tr("stock Debian 12 kernel"), "distro", true);
    for (const auto& s : kernel::known_series())
        add_kernel(tr("patched: %1").arg(QString::fromStdString(s)), QString::fromStdString("series:" + s), false);
    for (int i = 1; i < kernels_->count(); ++i)
        kernels_->item(i)->setToolTip(tr("linux-source-6.1 + kernel-patches/%1, built on first use (about 10 min "
                                         "on 2 cores) and cached").arg(kernels_->item(i)->text().section(' ', 1)));
    kernels_->setMaximumHeight(kernels_->sizeHintForRow(0) * 4 + 8);
    auto* add_image = new QPushButton(tr("Add kernel image…"), this);
    connect(add_image, &QPushButton::clicked, this, [this, add_kernel] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Kernel image (bzImage)"));
        if (f.isEmpty()) return;
        add_kernel(QFileInfo(f).fileName(), QFileInfo(f).absoluteFilePath(), true);
        formEdited();
    });

    hardware_ = named(new QComboBox(this), "hardware");
    hardware_->setEditable(true);
    hardware_->addItems({"ahci:2 lsi:2 e1000", "ahci:1", "ahci:2 lsi:2 megasas:1 virtio-scsi:1 e1000",
                         "virtio-blk:1 virtio-net", "ahci:1 slowprobe:4"});
    QString kinds;
    for (const auto& k : runner::device_kinds()) kinds += (kinds.isEmpty() ? "" : ", ") + QString::fromStdString(k);
    hardware_->setToolTip(tr("Devices of the emulated machine, KIND or KIND:COUNT separated by spaces; several "
                             "machines separated by ';' (each variant boots on each).\nKnown: %1\n"
                             "slowprobe needs the async-lab kernel").arg(kinds));

    initcall_debug_ = named(onOffBoth(this, true), "initcall_debug");
    initcall_debug_->setToolTip(tr("Without it the kernel prints no initcall lines: only boot-to-init is measured"));
    fastboot_ = named(onOffBoth(this, false), "fastboot");
    fastboot_->setToolTip(tr("The 2.6.29 async init gate: only kernels of the async-lab series have it"));
    deterministic_ = named(onOffBoth(this, false), "deterministic");
    deterministic_->setToolTip(tr("-icount and one CPU: boots replay to the microsecond"));
    // a choice: any subset of its values; each ticked value is a variant
    auto choices = [this](const char* name, std::initializer_list<std::pair<QString, QString>> items, const QString& on) {
        std::vector<QCheckBox*> boxes;
        for (const auto& [text, value] : items) {
            auto* b = new QCheckBox(text, this);
            b->setObjectName(QString(name) + "_" + (value.isEmpty() ? "default" : value));
            b->setProperty("value", value);
            b->setChecked(value == on);
            boxes.push_back(b);
        }
        return boxes;
    };
    scsi_scan_ = choices("scsi_scan", {{tr("default (async)"), ""}, {"async", "async"}, {"sync", "sync"}}, "");
    capture_ = choices("capture", {{tr("serial console"), "console"}, {tr("dmesg dump"), "dmesg"}}, "console");
    capture_[0]->setToolTip(tr("loglevel=8 on the serial console"));
    capture_[1]->setToolTip(tr("a quiet console; the ring buffer dumped by /init at the end"));
    slowprobe_ = choices("slowprobe_strategy", {{tr("default"), ""}, {"sync", "sync"}, {"kthread", "kthread"},
                                                {"queue_work", "queue_work"}, {"async", "async"}}, "");
    driver_async_probe_ = named(new QLineEdit(this), "driver_async_probe");
    driver_async_probe_->setPlaceholderText(tr("drivers, e.g. ahci sym53c8xx (driver_async_probe=)"));
    async_probe_ = named(new QLineEdit(this), "async_probe");
    async_probe_->setPlaceholderText(tr("modules, e.g. e1000 (MODULE.async_probe=1)"));

    cmdline_ = named(new QLineEdit(this), "cmdline");
    cmdline_->setPlaceholderText(tr("appended to the kernel command line"));

    repetitions_ = named(new QSpinBox(this), "repetitions");
    repetitions_->setRange(1, 1000);
    repetitions_->setValue(3);
    timeout_ = named(new QSpinBox(this), "timeout");
    timeout_->setRange(10, 3600);
    timeout_->setValue(180);
    timeout_->setSuffix(" s");
    accel_ = named(new QComboBox(this), "accel");
    accel_->addItem(tr("auto: KVM where a probe guest runs on it, else TCG"), QString("auto"));
    accel_->addItem(tr("KVM (an error where it does not work)"), QString("kvm"));
    accel_->addItem(tr("TCG (slower, works everywhere)"), QString("tcg"));
    accel_->setToolTip(tr("auto also follows $BOOTLAB_ACCEL and the experiment file's [machine] accel"));
    jobs_ = named(new QSpinBox(this), "jobs");
    jobs_->setRange(1, 16);
    jobs_->setValue(1);
    jobs_->setToolTip(tr("Boots at a time. More than one makes boots compete for the CPUs: slower, noisier times"));
    resume_ = named(new QCheckBox(tr("resume an interrupted run of the same experiment"), this), "resume");
    // where boots run: this machine (QEMU started directly, the default) and the lab's libvirt
    // hosts from the hosts file (`bootlab hosts` lists them)
    hosts_ = named(new QListWidget(this), "hosts");
    auto* here = new QListWidgetItem(tr("this machine (QEMU)"), hosts_);
    here->setCheckState(Qt::Checked);
    here->setToolTip(tr("QEMU started by bootlab here; \"Parallel boots\" at a time"));
    try {
        for (const auto& h : runner::configured_hosts()) {
            auto* item = new QListWidgetItem(tr("%1 · %2 slots").arg(QString::fromStdString(h.name)).arg(h.jobs), hosts_);
            item->setToolTip(QString::fromStdString(h.uri.empty() ? "QEMU started directly" : "libvirt at " + h.uri));
            item->setData(Qt::UserRole, QString::fromStdString(h.name));
            item->setCheckState(Qt::Unchecked);
        }
    } catch (const std::exception& e) {
        auto* item = new QListWidgetItem(tr("hosts file unreadable"), hosts_);
        item->setFlags(Qt::NoItemFlags);
        item->setToolTip(QString::fromStdString(e.what()));
    }
    hosts_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    hosts_->setFixedHeight((fontMetrics().height() + 6) * std::min(hosts_->count(), 4) + 2 * hosts_->frameWidth());
    hosts_->setToolTip(tr("Hosts from %1").arg(QString::fromStdString(runner::default_hosts_file().string())));

    auto* form = new QFormLayout;
    form->addRow(tr("Experiment"), name_);
    auto* kernel_box = new QVBoxLayout;
    kernel_box->addWidget(kernels_);
    kernel_box->addWidget(add_image, 0, Qt::AlignLeft);
    form->addRow(tr("Kernels"), kernel_box);
    form->addRow(tr("Hardware"), hardware_);
    auto* flags = new QGroupBox(tr("Boot flags"), this);
    auto* flag_form = new QFormLayout(flags);
    auto row_of = [this](const std::vector<QCheckBox*>& boxes) {
        auto* row = new QHBoxLayout;
        for (auto* b : boxes) row->addWidget(b);
        row->addStretch();
        return row;
    };
    flag_form->addRow("initcall_debug", initcall_debug_);
    flag_form->addRow(tr("fastboot"), fastboot_);
    flag_form->addRow(tr("Deterministic"), deterministic_);
    flag_form->addRow(tr("SCSI scan"), row_of(scsi_scan_));
    flag_form->addRow(tr("Async probe"), driver_async_probe_);
    flag_form->addRow(QString(), async_probe_);
    flag_form->addRow(tr("Capture"), row_of(capture_));
    flag_form->addRow(tr("Slow probe"), row_of(slowprobe_));
    flag_form->addRow(tr("Extra arguments"), cmdline_);
    form->addRow(flags);
    form->addRow(tr("Repetitions"), repetitions_);
    form->addRow(tr("Timeout"), timeout_);
    form->addRow(tr("Accelerator"), accel_);
    form->addRow(tr("Parallel boots"), jobs_);
    form->addRow(tr("Hosts"), hosts_);
    form->addRow(resume_);
    size_ = named(new QLabel(this), "matrixSize");
    size_->setWordWrap(true);
    form->addRow(size_);

    // an opened experiment file replaces the form: its own text is what Run boots
    file_page_ = new QWidget(this);
    file_note_ = new QLabel(file_page_);
    file_note_->setWordWrap(true);
    file_note_->setStyleSheet("background: #fff6d5; padding: 4px");
    file_text_ = named(new QPlainTextEdit(file_page_), "experimentText");
    file_text_->setReadOnly(true);
    file_text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto* use_form = named(new QPushButton(tr("Use the form instead"), file_page_), "useForm");
    auto* file_layout = new QVBoxLayout(file_page_);
    file_layout->setContentsMargins(0, 0, 0, 0);
    file_layout->addWidget(file_note_);
    file_layout->addWidget(file_text_, 1);
    file_layout->addWidget(use_form, 0, Qt::AlignRight);
    run_ = named(new QPushButton(tr("Run"), this), "run");
    run_->setDefault(true);
    cancel_ = named(new QPushButton(tr("Cancel"), this), "cancel");
    cancel_->setEnabled(false);
    auto* open = named(new QPushButton(tr("Open…"), this), "openExperiment");
    open->setToolTip(tr("Run an experiment file (TOML) with all its variants"));
    auto* save = named(new QPushButton(tr("Save…"), this), "saveExperiment");
    save->setToolTip(tr("Save what Run would boot as an experiment file, for `bootlab run` or CI"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(open);
    buttons->addWidget(save);
    buttons->addStretch();
    buttons->addWidget(cancel_);
    buttons->addWidget(run_);

    form_ = new QWidget(this);
    auto* form_layout = new QVBoxLayout(form_);
    form_layout->setContentsMargins(0, 0, 0, 0);
    form_layout->addLayout(form);
    form_layout->addStretch();
    pages_ = new QStackedWidget(this);
    pages_->addWidget(form_);
    pages_->addWidget(file_page_);
    auto* left = new QWidget(this);
    auto* left_layout = new QVBoxLayout(left);
    left_layout->addWidget(pages_, 1);
    left_layout->addLayout(buttons);
    left->setMaximumWidth(520);

    progress_ = named(new QProgressBar(this), "progress");
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setFormat(tr("no experiment running"));
    boots_ = named(new QTableWidget(0, BootColumns, this), "boots");
    boots_->setHorizontalHeaderLabels({tr("Boot"), tr("Rep"), tr("Host"), tr("Status"), tr("Time"), tr("Boot-to-init")});
    setUpRowTable(boots_);
    boots_->horizontalHeader()->setSectionResizeMode(BootLabel, QHeaderView::Stretch);
    boots_->setSelectionMode(QAbstractItemView::SingleSelection);
    boots_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    console_title_ = new QLabel(tr("Serial console"), this);
    console_ = named(new QPlainTextEdit(this), "console");
    console_->setReadOnly(true);
    console_->setLineWrapMode(QPlainTextEdit::NoWrap);
    console_->setMaximumBlockCount(20000);
    console_->setPlaceholderText(tr("The serial console of the selected boot, live while it runs."));
    console_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    console_->setStyleSheet("QPlainTextEdit { background: #1e1e1e; color: #d4d4d4; }");
    messages_ = named(new QPlainTextEdit(this), "messages");
    messages_->setReadOnly(true);
    messages_->setMaximumHeight(90);
    messages_->setPlaceholderText(tr("Kernel downloads and builds, guest images and errors are reported here."));

    auto* right = new QSplitter(Qt::Vertical, this);
    auto* status = new QWidget(this);
    auto* status_layout = new QVBoxLayout(status);
    status_layout->setContentsMargins(0, 0, 0, 0);
    status_layout->addWidget(progress_);
    status_layout->addWidget(boots_);
    status_layout->addWidget(messages_);
    auto* console_box = new QWidget(this);
    auto* console_layout = new QVBoxLayout(console_box);
    console_layout->setContentsMargins(0, 0, 0, 0);
    console_layout->addWidget(console_title_);
    console_layout->addWidget(console_);
    right->addWidget(status);
    right->addWidget(console_box);
    right->setStretchFactor(1, 2);

    auto* top = new QHBoxLayout(this);
    top->addWidget(left);
    top->addWidget(right, 1);

    // any edit of the form means: boot what the form says, not the opened file
    for (auto* c : {initcall_debug_, fastboot_, deterministic_}) connect(c, &QComboBox::currentIndexChanged, this, &LaunchView::formEdited);
    for (const auto* boxes : {&scsi_scan_, &capture_, &slowprobe_})
        for (auto* b : *boxes) connect(b, &QCheckBox::toggled, this, &LaunchView::formEdited);
    connect(jobs_, &QSpinBox::valueChanged, this, &LaunchView::updateSize);
    connect(hardware_, &QComboBox::currentTextChanged, this, &LaunchView::formEdited);
    for (auto* e : {name_, driver_async_probe_, async_probe_, cmdline_}) connect(e, &QLineEdit::textEdited, this, &LaunchView::formEdited);
    connect(kernels_, &QListWidget::itemChanged, this, &LaunchView::formEdited);
    connect(repetitions_, &QSpinBox::valueChanged, this, &LaunchView::formEdited);

    connect(run_, &QPushButton::clicked, this, &LaunchView::run);
    connect(use_form, &QPushButton::clicked, this, &LaunchView::formEdited);
    connect(cancel_, &QPushButton::clicked, this, [this] {
        runner_->cancel();
        cancel_->setEnabled(false);
        messages_->appendPlainText(tr("cancelling: stopping QEMU…"));
    });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Experiment file"), {}, tr("Experiments (*.toml)"));
        if (!f.isEmpty()) openExperiment(f);
    });
    connect(save, &QPushButton::clicked, this, &LaunchView::saveExperiment);
    connect(boots_, &QTableWidget::itemSelectionChanged, this, [this] {
        auto sel = boots_->selectedItems();
        if (sel.isEmpty()) return;
        const int row = sel.front()->row();
        const QString k = key(boots_->item(row, BootLabel)->text(), boots_->item(row, BootRep)->text().toInt());
        follow_ = rows_.value(k).running; // picking a finished boot stops following new ones
        showConsole(k);
    });

    // the runner's reports, queued from its thread
    connect(runner_, &ExperimentRunner::message, messages_, &QPlainTextEdit::appendPlainText);
    connect(runner_, &ExperimentRunner::bootStarted, this, [this](const QString& label, int rep, const QString& host,
                                                                  const QString& cmd) {
        BootRow& r = rowFor(label, rep);
        r.clock.start();
        r.running = true;
        r.console.clear();
        boots_->item(r.row, BootStatus)->setText(tr("booting"));
        boots_->item(r.row, BootHost)->setText(host);
        boots_->item(r.row, BootLabel)->setToolTip(cmd);
        if (follow_) {
            QSignalBlocker block(boots_);
            boots_->selectRow(r.row);
            showConsole(key(label, rep));
        }
    });
    connect(runner_, &ExperimentRunner::console, this, [this](const QString& label, int rep, const QByteArray& bytes) {
        const QString k = key(label, rep);
        BootRow& r = rowFor(label, rep);
        r.console += bytes;
        if (k != shown_) return;
        const bool at_end = console_->verticalScrollBar()->value() == console_->verticalScrollBar()->maximum();
        console_->moveCursor(QTextCursor::End);
        console_->insertPlainText(QString::fromUtf8(bytes).remove('\r'));
        if (at_end) console_->ensureCursorVisible();
    });
    connect(runner_, &ExperimentRunner::bootFinished, this, [this](const store::RunInfo& run, int done, int total) {
        BootRow& r = rowFor(QString::fromStdString(run.variant), static_cast<int>(run.repetition));
        r.running = false;
        const bool ok = run.status == model::RunStatus::Ok;
        boots_->item(r.row, BootStatus)->setText(QString(model::to_string(run.status)) + tr(" · run %1").arg(run.id));
        boots_->item(r.row, BootStatus)->setForeground(ok ? QColor(0x1e, 0x7b, 0x34) : QColor(0xb0, 0x2a, 0x2a));
        if (!run.error.empty()) boots_->item(r.row, BootStatus)->setToolTip(QString::fromStdString(run.error));
        boots_->item(r.row, BootTime)->setText(QString::number(static_cast<double>(r.clock.elapsed()) / 1000, 'f', 1) + " s");
        boots_->item(r.row, BootToInitCol)->setText(secondsText(run.metrics.boot_to_init));
        if (shown_ == key(QString::fromStdString(run.variant), static_cast<int>(run.repetition))) showConsoleTitle();
        progress_->setMaximum(total);
        progress_->setValue(done);
    });
    connect(runner_, &ExperimentRunner::finished, this, [this](qint64 id, int booted, int failed, bool cancelled) {
        setRunning(false);
        for (BootRow& r : rows_) {
            QTableWidgetItem* cell = boots_->item(r.row, BootStatus);
            if (r.running) cell->setText(tr("cancelled")), r.running = false;
            else if (cell->text() == tr("waiting")) cell->setText(cancelled ? tr("not booted") : tr("stored earlier"));
        }
        messages_->appendPlainText(cancelled ? tr("experiment %1 cancelled after %2 boots; Run with “resume” ticked "
                                                  "boots the rest").arg(id).arg(booted)
                                             : tr("experiment %1 done: %2 boots, %3 failed").arg(id).arg(booted).arg(failed));
    });
    connect(runner_, &ExperimentRunner::failed, this, [this](const QString& error) {
        setRunning(false);
        messages_->appendPlainText(tr("error: %1").arg(error));
        showError(this, tr("Experiment failed"), error);
    });
    // the elapsed time of running boots
    auto* tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this, [this] {
        for (const BootRow& r : std::as_const(rows_))
            if (r.running && r.clock.isValid())
                boots_->item(r.row, BootTime)->setText(QString::number(static_cast<double>(r.clock.elapsed()) / 1000, 'f', 0) + " s");
    });
    tick->start(1000);
}

LaunchView::BootRow& LaunchView::rowFor(const QString& label, int repetition) {
    const QString k = key(label, repetition);
    auto it = rows_.find(k);
    if (it != rows_.end()) return *it;
    const int row = boots_->rowCount();
    boots_->insertRow(row);
    const QStringList cells{label, repetitionText(repetition), "", tr("waiting"), "", ""};
    for (int c = 0; c < BootColumns; ++c) boots_->setItem(row, c, new QTableWidgetItem(cells[c]));
    BootRow r;
    r.row = row;
    r.running = false;
    return *rows_.insert(k, r);
}

void LaunchView::showConsoleTitle() {
    const BootRow r = rows_.value(shown_);
    console_title_->setText(tr("Serial console: %1, %2%3")
                                .arg(shown_.section('\t', 0, 0),
                                     shown_.section('\t', 1, 1) == "0" ? tr("warm-up")
                                                                      : tr("repetition ") + shown_.section('\t', 1, 1),
                                     r.running ? tr(" (live)") : QString()));
}

void LaunchView::showConsole(const QString& k) {
    shown_ = k;
    showConsoleTitle();
    const BootRow r = rows_.value(k);
    console_->setPlainText(QString::fromUtf8(r.console).remove('\r'));
    console_->moveCursor(QTextCursor::End);
}

void LaunchView::formEdited() {
    if (file_spec_) {
        file_spec_.reset();
        pages_->setCurrentWidget(form_);
    }
    updateSize();
}

void LaunchView::updateSize() {
    try {
        const runner::ExperimentSpec s = spec();
        std::vector<store::RunInfo> none;
        QStringList names;
        for (const auto& v : s.variants) names << QString::fromStdString(v.name);
        size_->setText((describe_size(s, jobs_->value(), stored_ ? stored_->runs() : none) + "\n" +
                        tr("variants: %1").arg(names.join(", "))).toHtmlEscaped().replace("\n", "<br>"));
        size_->setStyleSheet({});
        run_->setEnabled(!runner_->isRunning());
    } catch (const std::exception& e) {
        size_->setText(QString::fromStdString(e.what()).toHtmlEscaped());
        size_->setStyleSheet("color: #b02a2a");
        run_->setEnabled(false);
    }
}

void LaunchView::setRunning(bool running) {
    run_->setEnabled(!running);
    cancel_->setEnabled(running);
}

runner::ExperimentSpec LaunchView::spec() const {
    if (file_spec_) return *file_spec_;
    runner::ExperimentSpec s;
    s.name = name_->text().trimmed().toStdString();
    s.repetitions = repetitions_->value();
    s.timeout = std::chrono::seconds(timeout_->value());
    for (int i = 0; i < kernels_->count(); ++i) {
        const QListWidgetItem* item = kernels_->item(i);
        if (item->checkState() != Qt::Checked) continue;
        const QString ref = item->data(Qt::UserRole).toString();
        runner::KernelRef k;
        if (ref == "distro") k = {"stock", "distro", {}, {}};
        else if (ref.startsWith("series:")) k = {ref.mid(7).toStdString(), "series", {}, kernel::find_series(ref.mid(7).toStdString())};
        else k = {QFileInfo(ref).fileName().replace(QRegularExpression("[^A-Za-z0-9._-]"), "_").toStdString(), "file", ref.toStdString(), {}};
        s.kernels.push_back(k);
    }
    if (s.kernels.empty()) throw Error("no kernel ticked: tick at least one kernel to boot");
    // machines separated by ';'
    const QStringList machines = hardware_->currentText().split(';', Qt::SkipEmptyParts);
    for (const QString& m : machines) {
        runner::HardwareSet h{machines.size() == 1 ? "machine" : "machine-" + std::to_string(s.hardware.size() + 1), {}};
        for (const auto& d : words(m)) h.devices.push_back(runner::parse_device(d));
        if (!h.devices.empty()) s.hardware.push_back(h);
    }
    if (s.hardware.empty()) throw Error("no hardware: name at least one device, e.g. ahci:1");
    LaunchMatrix m;
    m.initcall_debug = onOffValues(initcall_debug_);
    m.fastboot = onOffValues(fastboot_);
    m.deterministic = onOffValues(deterministic_);
    m.scsi_scan = ticked(scsi_scan_);
    m.capture = ticked(capture_);
    m.slowprobe = ticked(slowprobe_);
    for (const auto& [values, what] : {std::pair{&m.scsi_scan, "SCSI scan"}, {&m.capture, "capture"}, {&m.slowprobe, "slow probe"}})
        if (values->empty()) throw Error(std::string("no ") + what + " value ticked: tick at least one");
    m.driver_async_probe = words(driver_async_probe_->text());
    m.async_probe_modules = words(async_probe_->text());
    m.extra = cmdline_->text().trimmed().toStdString();
    s.variants = expand_variants(m);
    if (const std::string why = nonsense(s); !why.empty()) throw Error(why);
    // through the file format and back: the same checks as a file gets, and the text to store
    return runner::parse_experiment(runner::to_toml(s), "launcher");
}

std::vector<runner::HostSpec> LaunchView::hosts() const {
    std::vector<runner::HostSpec> chosen;
    bool here = false, other = false;
    const auto configured = runner::configured_hosts();
    for (int i = 0; i < hosts_->count(); ++i) {
        const QListWidgetItem* item = hosts_->item(i);
        if (item->checkState() != Qt::Checked) continue;
        const QString name = item->data(Qt::UserRole).toString();
        if (name.isEmpty()) {
            here = true;
            chosen.push_back(runner::local_host(jobs_->value()));
        } else {
            other = true;
            chosen.push_back(runner::host_from_arg(name.toStdString(), configured, 1));
        }
    }
    if (chosen.empty()) throw Error("no host ticked: tick \"this machine\" or a libvirt host");
    if (here && !other) return {}; // the default: this machine, or the opened file's [hosts]
    return chosen;
}

void LaunchView::openExperiment(const QString& file) {
    try {
        runner::ExperimentSpec s = runner::load_experiment(file.toStdString());
        name_->setText(QString::fromStdString(s.name));
        file_spec_ = s;
        std::size_t boots = runner::expand(s, 0).size();
        file_note_->setText(tr("Run boots <b>%1</b>: %2 kernel(s) × %3 hardware set(s) × %4 variant(s) × "
                               "%5 repetition(s), %6 boots.")
                                .arg(QFileInfo(file).fileName().toHtmlEscaped())
                                .arg(s.kernels.size()).arg(s.hardware.size()).arg(s.variants.size())
                                .arg(s.repetitions).arg(boots));
        file_text_->setPlainText(QString::fromStdString(s.text));
        pages_->setCurrentWidget(file_page_);
        updateSize(); // what Run boots now: the file (its size; Run enabled even if the form was wrong)
    } catch (const std::exception& e) {
        showError(this, tr("Cannot open experiment"), QString::fromStdString(e.what()));
    }
}

void LaunchView::saveExperiment() {
    try {
        const std::string text = runner::to_toml(spec());
        const QString f = QFileDialog::getSaveFileName(this, tr("Save experiment"), name_->text() + ".toml",
                                                       tr("Experiments (*.toml)"));
        if (f.isEmpty()) return;
        write_atomically(f.toStdString(), [&](std::ostream& o) { o << text; });
    } catch (const std::exception& e) {
        showError(this, tr("Cannot save experiment"), QString::fromStdString(e.what()));
    }
}

void LaunchView::run() {
    if (runner_->isRunning()) return;
    runner::ExperimentSpec s;
    try {
        s = spec();
    } catch (const std::exception& e) {
        showError(this, tr("Cannot run this experiment"), QString::fromStdString(e.what()));
        return;
    }
    if (database_.isEmpty()) {
        showError(this, tr("No database"), tr("Open a database first (File ▸ Open database)."));
        return;
    }
    rows_.clear();
    boots_->setRowCount(0);
    console_->clear();
    shown_.clear();
    follow_ = true;
    // the boots in the order they will run (the runner shuffles them with this seed); when
    // resuming, those already stored are skipped and their rows stay "waiting" until the end
    runner::RunOptions o;
    o.seed = QRandomGenerator::global()->generate64() | 1;
    for (const auto& p : runner::expand(s, o.seed)) rowFor(QString::fromStdString(p.label), p.repetition);
    progress_->setRange(0, boots_->rowCount());
    progress_->setValue(0);
    progress_->setFormat(tr("%v of %m boots"));
    messages_->appendPlainText(tr("running %1: %2 boots").arg(QString::fromStdString(s.name)).arg(progress_->maximum()));
    o.jobs = jobs_->value();
    if (accel_->currentData().toString() != "auto")
        o.accel = runner::parse_accel(accel_->currentData().toString().toStdString());
    try {
        o.hosts = hosts();
    } catch (const std::exception& e) {
        showError(this, tr("Cannot run this experiment"), QString::fromStdString(e.what()));
        return;
    }
    o.fresh = !resume_->isChecked();
    o.origin = "gui";
    setRunning(true);
    runner_->start(std::move(s), database_, o);
}

} // namespace bootlab::gui
