#include "timeline_view.h"

#include "model/critical_path.h"

#include "host_clock_bar.h"

#include "report/export.h"
#include "run_table_model.h"
#include "common/atomic_file.h"
#include "show_error.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <sstream>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QShortcut>
#include <QToolButton>
#include <QVBoxLayout>

namespace bootlab::gui {

QString runTitle(const store::RunInfo& r) {
    return QString("run %1 · %2 / %3 · %4 · %5")
        .arg(r.id)
        .arg(QString::fromStdString(r.experiment), QString::fromStdString(r.variant),
             QString::fromStdString(r.kernel_version.empty() ? "unknown kernel" : r.kernel_version),
             QString(model::to_string(r.status)));
}

TimelineWidget::Section timelineSection(const store::RunInfo& run, model::Boot boot) {
    TimelineLayout layout = layout_timeline(boot);
    TimelineWidget::Section s{runTitle(run), std::move(boot), std::move(layout), {}};
    s.critical.assign(s.boot.spans.size(), 0);
    for (const auto& l : model::critical_path(s.boot).links)
        if (l.span) s.critical[static_cast<std::size_t>(l.span - s.boot.spans.data())] = 1;
    return s;
}

QString timelineLegend() {
    auto swatch = [](const char* color, const char* text, const char* style = "") {
        return QString("<span style='background:%1;%3'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;%2&nbsp;&nbsp; ")
            .arg(color, text, style);
    };
    return swatch("#4878b0", "sync initcall") + swatch("#e08a2c", "async cookie (#N)") +
           swatch("#bbbbbb", "async wait") + swatch("#c0392b", "never returned") +
           "<span style='color:#6a1b9a'>&#9645; critical path</span>&nbsp;&nbsp; " +
           "<span style='color:#c0392b'>┆ boot-to-init</span>&nbsp;&nbsp; <span style='color:#2e8b57'>┆ init-done</span>";
}

TimelineView::TimelineView(QWidget* parent) : QWidget(parent) {
    timeline_ = new TimelineWidget(this);
    title_ = new QLabel(this);
    QFont f = title_->font();
    f.setBold(true);
    title_->setFont(f);
    numbers_ = new QLabel(this);
    numbers_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    search_ = new QLineEdit(this);
    search_->setObjectName("search");
    search_->setPlaceholderText(tr("Highlight function or module… (Enter: next)"));
    search_->setToolTip(tr("Ctrl+F. Enter zooms to each highlighted span in turn"));
    search_->setClearButtonEnabled(true);
    search_->setMaximumWidth(280);
    matches_ = new QLabel(this);
    matches_->setMinimumWidth(90);

    auto button = [this](const QString& text, const QString& tip, auto slot) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        connect(b, &QToolButton::clicked, timeline_, slot);
        return b;
    };
    auto* bar = new QHBoxLayout;
    bar->addWidget(search_);
    bar->addWidget(matches_);
    auto* critical = new QCheckBox(tr("Critical path"), this);
    critical->setObjectName("criticalPath");
    critical->setToolTip(tr("Outline the chain of spans that decided when the boot was done"));
    critical->setChecked(timeline_->showsCriticalPath());
    connect(critical, &QCheckBox::toggled, timeline_, &TimelineWidget::setShowCriticalPath);
    bar->addWidget(critical);
    bar->addStretch();
    bar->addWidget(button("−", tr("Zoom out (-, wheel)"), [this] { timeline_->zoom(1 / 1.5); }));
    bar->addWidget(button("+", tr("Zoom in (+, wheel)"), [this] { timeline_->zoom(1.5); }));
    bar->addWidget(button(tr("Fit"), tr("Show the whole boot (F, double-click on empty space)"), [this] { timeline_->fit(); }));
    auto* save = new QToolButton(this);
    save->setText(tr("Export…"));
    save->setToolTip(tr("Save this boot as a Perfetto trace (ui.perfetto.dev), CSV or SVG"));
    connect(save, &QToolButton::clicked, this, [this] {
        if (!run_) return;
        const QString file = QFileDialog::getSaveFileName(this, tr("Export boot"), QString("run-%1.json").arg(run_->id),
                                                          tr("Perfetto trace (*.json);;CSV (*.csv);;SVG (*.svg)"));
        if (!file.isEmpty()) exportTo(file);
    });
    bar->addWidget(save);

    auto* legend = new QLabel(timelineLegend(), this);
    legend->setToolTip(tr("Wheel: zoom at the cursor · drag: pan · Shift+wheel: scroll lanes · "
                          "double-click a bar: zoom to it · hover: details"));
    auto* top = new QVBoxLayout(this);
    top->addWidget(title_);
    top->addWidget(numbers_);
    top->addLayout(bar);
    host_clock_ = new HostClockBar(this);
    top->addWidget(host_clock_);
    top->addWidget(timeline_, 1);
    top->addWidget(legend);

    connect(search_, &QLineEdit::textChanged, timeline_, &TimelineWidget::setHighlight);
    connect(search_, &QLineEdit::returnPressed, timeline_, &TimelineWidget::nextMatch);
    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, [this] {
        search_->setFocus();
        search_->selectAll();
    });
    connect(timeline_, &TimelineWidget::highlightChanged, this, [this](int n) {
        matches_->setText(search_->text().trimmed().isEmpty() ? QString() : tr("%n span(s)", "", n));
    });
    clear();
}

void TimelineView::exportTo(const QString& file) {
    if (!run_ || timeline_->sections().empty()) return;
    try {
        const auto format = report::parse_export_format(
            file.endsWith(".csv") ? "csv" : file.endsWith(".svg") ? "svg" : "perfetto");
        write_atomically(file.toStdString(), [&](std::ostream& out) {
            report::write_export(out, format, *run_, timeline_->sections().front().boot);
        });
    } catch (const std::exception& e) {
        showError(this, tr("Cannot export"), QString::fromStdString(e.what()));
    }
}

void TimelineView::clear() {
    run_.reset();
    title_->setText(tr("No boot selected"));
    numbers_->clear();
    host_clock_->setMarks({});
    timeline_->setSections({});
}

void TimelineView::showRun(const store::RunInfo& run, model::Boot boot) {
    run_ = run;
    const model::Metrics m = boot.metrics;
    std::vector<TimelineWidget::Section> s;
    s.push_back(timelineSection(run, std::move(boot)));
    s.front().title = QString("run %1").arg(run.id); // the rest is in the title above
    title_->setText(runTitle(run));
    numbers_->setText(tr("boot-to-init %1 · init done %2 · %3 sync initcalls (%4) · %5 async cookies (%6) · "
                         "pid 1 waited %7 · %8 pids")
                          .arg(secondsText(m.boot_to_init), secondsText(m.init_done))
                          .arg(m.sync_count).arg(secondsText(m.initcall_total))
                          .arg(m.async_count).arg(secondsText(m.async_total))
                          .arg(secondsText(m.boot_wait))
                          .arg(s.front().layout.lanes.size()));
    host_clock_->setMarks(run.host_marks);
    timeline_->setSections(std::move(s));
    timeline_->setHighlight(search_->text());
}

} // namespace bootlab::gui
