#include "compare_view.h"

#include "check/run_set.h"
#include "common/error.h"
#include "compare_model.h"
#include "report/summary.h"
#include "run_table_model.h"
#include "stats/stats.h"
#include "table_setup.h"
#include "timeline_view.h"
#include "timeline_widget.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <map>
#include <tuple>

namespace bootlab::gui {
namespace {

QString variantKey(std::int64_t experiment, const std::string& variant) {
    return QString::number(experiment) + '\t' + QString::fromStdString(variant);
}

std::optional<double> medianOf(const std::vector<const store::RunInfo*>& runs, bool init_done) {
    std::vector<double> v;
    for (const auto* r : runs) {
        const auto& m = init_done ? r->metrics.init_done : r->metrics.boot_to_init;
        if (r->counts() && m) v.push_back(static_cast<double>(*m));
    }
    if (v.empty()) return std::nullopt;
    return stats::median(v);
}

} // namespace

CompareView::CompareView(const RunTableModel* runs, QWidget* parent) : QWidget(parent), runs_(runs) {
    by_run_ = new QRadioButton(tr("Runs"), this);
    by_variant_ = new QRadioButton(tr("Variants (all ok boots)"), this);
    by_run_->setChecked(true);
    a_ = new QComboBox(this);
    b_ = new QComboBox(this);
    a_->setObjectName("compareA");
    b_->setObjectName("compareB");
    for (auto* c : {a_, b_}) {
        c->setMinimumContentsLength(40);
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    }
    auto* go = new QPushButton(tr("Compare"), this);
    go->setObjectName("compare");
    summary_ = new QLabel(this);
    summary_->setTextFormat(Qt::RichText);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    model_ = new CompareModel(this);
    auto* sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(model_);
    sorted->setSortRole(CompareModel::SortRole);
    table_ = new QTableView(this);
    table_->setModel(sorted);
    table_->setSortingEnabled(true);
    table_->sortByColumn(CompareModel::Evidence, Qt::AscendingOrder); // real changes first
    setUpRowTable(table_);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // the function's name gets a fixed share (its tooltip has it whole); the numbers their size
    table_->horizontalHeader()->setSectionResizeMode(CompareModel::Function, QHeaderView::Interactive);
    table_->setColumnWidth(CompareModel::Function, 230);
    table_->setMinimumWidth(600);
    table_->setAlternatingRowColors(true);
    timeline_a_ = new TimelineWidget(this);
    timeline_b_ = new TimelineWidget(this);
    connect(timeline_a_, &TimelineWidget::viewChanged, timeline_b_, &TimelineWidget::setView);
    connect(timeline_b_, &TimelineWidget::viewChanged, timeline_a_, &TimelineWidget::setView);

    auto* choose = new QHBoxLayout;
    choose->addWidget(by_run_);
    choose->addWidget(by_variant_);
    choose->addSpacing(12);
    choose->addWidget(new QLabel("A", this));
    choose->addWidget(a_, 1);
    choose->addWidget(new QLabel("B", this));
    choose->addWidget(b_, 1);
    choose->addWidget(go);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(table_);
    auto* right = new QWidget(this);
    auto* right_layout = new QVBoxLayout(right);
    right_layout->setContentsMargins(0, 0, 0, 0);
    auto* both = new QSplitter(Qt::Vertical, this);
    both->addWidget(timeline_a_);
    both->addWidget(timeline_b_);
    right_layout->addWidget(both, 1);
    auto* legend = new QLabel(timelineLegend(), this);
    right_layout->addWidget(legend);
    split->addWidget(right);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({760, 740}); // the table's verdict column needs the room
    auto* top = new QVBoxLayout(this);
    top->addLayout(choose);
    top->addWidget(summary_);
    top->addWidget(split, 1);

    connect(by_run_, &QRadioButton::toggled, this, [this] { fillChoices(); });
    connect(go, &QPushButton::clicked, this, [this] { compareChosen(); });
    // clicking a function highlights it in both timelines
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& i) {
        QString f = i.siblingAtColumn(CompareModel::Function).data().toString();
        for (auto* t : {timeline_a_, timeline_b_}) t->setHighlight(f.section(' ', 0, 0));
    });
    summary_->setText(tr("Choose A and B, or select two runs in History and press “Compare selected”."));
}

void CompareView::setStore(store::Store* store) {
    store_ = store;
    model_->setChanges({}, "A", "B");
    for (auto* t : {timeline_a_, timeline_b_}) t->setSections({});
    refresh();
}

void CompareView::refresh() { fillChoices(); }

void CompareView::fillChoices() {
    for (auto* c : {a_, b_}) c->clear();
    if (by_run_->isChecked()) {
        // newest first; older runs come in through History's "Compare selected"
        int n = 0;
        for (auto it = runs_->runs().rbegin(); it != runs_->runs().rend() && n < kRunChoices; ++it, ++n)
            for (auto* c : {a_, b_}) c->addItem(runTitle(*it), static_cast<qlonglong>(it->id));
    } else {
        std::map<std::pair<std::int64_t, std::string>, int> ok;
        for (const auto& r : runs_->runs()) ok[{r.experiment_id, r.variant}] += r.counts();
        std::map<std::int64_t, std::string> names;
        for (const auto& r : runs_->runs()) names[r.experiment_id] = r.experiment;
        for (auto it = ok.rbegin(); it != ok.rend(); ++it) {
            if (!it->second) continue;
            const auto& [exp, variant] = it->first;
            const QString label = QString("experiment %1 · %2 / %3 (%4 ok boots)")
                                      .arg(exp).arg(QString::fromStdString(names[exp]), QString::fromStdString(variant))
                                      .arg(it->second);
            for (auto* c : {a_, b_}) c->addItem(label, variantKey(exp, variant));
        }
    }
    if (b_->count() > 1) b_->setCurrentIndex(0), a_->setCurrentIndex(1);
}

void CompareView::compareRuns(std::int64_t a, std::int64_t b) {
    by_run_->setChecked(true);
    for (std::int64_t id : {a, b}) // an old run not in the lists
        if (a_->findData(static_cast<qlonglong>(id)) < 0)
            if (const store::RunInfo* r = runs_->runById(id))
                for (auto* c : {a_, b_}) c->addItem(runTitle(*r), static_cast<qlonglong>(id));
    a_->setCurrentIndex(a_->findData(static_cast<qlonglong>(a)));
    b_->setCurrentIndex(b_->findData(static_cast<qlonglong>(b)));
    compareChosen();
}

void CompareView::compareVariants(std::int64_t experiment, const std::string& a, const std::string& b) {
    by_variant_->setChecked(true);
    a_->setCurrentIndex(a_->findData(variantKey(experiment, a)));
    b_->setCurrentIndex(b_->findData(variantKey(experiment, b)));
    compareChosen();
}

void CompareView::compareChosen() {
    if (!store_ || a_->currentIndex() < 0 || b_->currentIndex() < 0) return;
    auto side = [this](QComboBox* c) {
        std::vector<const store::RunInfo*> out;
        const QVariant d = c->currentData();
        for (const auto& r : runs_->runs()) {
            if (by_run_->isChecked() ? r.id == d.toLongLong()
                                     : variantKey(r.experiment_id, r.variant) == d.toString() && r.counts())
                out.push_back(&r);
        }
        return out;
    };
    const auto a = side(a_), b = side(b_);
    if (a.empty() || b.empty()) return;
    std::vector<check::RunSample> sa, sb;
    try {
        for (const auto* r : a) sa.push_back(check::sample_of(*store_, *r));
        for (const auto* r : b) sb.push_back(check::sample_of(*store_, *r));
    } catch (const Error& e) {
        summary_->setText(QString::fromStdString(e.what()).toHtmlEscaped());
        return;
    }
    const bool runs = by_run_->isChecked();
    const QString an = runs ? QString("run %1").arg(a.front()->id) : QString::fromStdString(a.front()->variant);
    QString bn = runs ? QString("run %1").arg(b.front()->id) : QString::fromStdString(b.front()->variant);
    if (bn == an) bn += " (B)";
    std::vector<const check::RunSample*> pa, pb;
    for (const auto& r : sa) pa.push_back(&r);
    for (const auto& r : sb) pb.push_back(&r);
    model_->setChanges(check::compare_functions(pa, pb), an, bn);

    auto line = [&](const char* what, bool init_done) {
        auto x = medianOf(a, init_done), y = medianOf(b, init_done);
        if (!x || !y) return QString("%1: -").arg(what);
        const double d = *y - *x;
        const QString color = d > 0 ? "#b02a2a" : "#1e7b34";
        return QString("%1: %2 → %3 <span style='color:%4'><b>%5%6 ms (%5%7 %)</b></span>")
            .arg(what, secondsText(static_cast<model::Micros>(*x)), secondsText(static_cast<model::Micros>(*y)), color,
                 d > 0 ? "+" : "", QString::number(d / 1000, 'f', 1), QString::number(100 * d / *x, 'f', 1));
    };
    summary_->setText(QString("<b>A</b> = %1 (%2 boots) &nbsp; <b>B</b> = %3 (%4 boots)<br>%5 &nbsp;&nbsp; %6")
                          .arg(an.toHtmlEscaped()).arg(a.size()).arg(bn.toHtmlEscaped()).arg(b.size())
                          .arg(line("boot-to-init", false), line("init done", true)));

    Micros end = 1;
    for (const auto& [label, side_runs, widget] : {std::tuple{QString("A"), a, timeline_a_}, {QString("B"), b, timeline_b_}}) {
        const store::RunInfo* r = runs ? side_runs.front() : report::representative_run(side_runs);
        std::vector<TimelineWidget::Section> sections;
        if (r) {
            auto s = timelineSection(*r, store_->load_boot(r->id));
            s.title = label + ": " + s.title + (runs ? QString() : QString(" (median boot of %1)").arg(side_runs.size()));
            end = std::max(end, s.layout.end);
            sections.push_back(std::move(s));
        }
        widget->setSections(std::move(sections));
    }
    timeline_a_->setView(0, static_cast<double>(end) * 1.02); // one axis for both: the longer boot
}

} // namespace bootlab::gui
