#include "history_view.h"

#include "history.h"
#include "run_table_model.h"
#include "table_setup.h"

#include <QBoxPlotSeries>
#include <QBoxSet>
#include <QCategoryAxis>
#include <QBarCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QCompleter>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPushButton>
#include <QSplitter>
#include <QStringListModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>
#include <algorithm>

namespace bootlab::gui {
namespace {

// Distinct colours that stay apart for the first ten series (Tableau 10).
QColor seriesColor(int i) {
    static const QRgb c[] = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
                             0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac};
    return QColor::fromRgb(c[i % 10]);
}

QChart* newChart(const QString& title) {
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->legend()->setShowToolTips(true); // the whole name of a cut label
    chart->setMargins(QMargins(4, 4, 4, 4));
    return chart;
}

} // namespace

HistoryView::HistoryView(RunTableModel* runs, QWidget* parent) : QWidget(parent), runs_(runs) {
    filter_ = new RunFilterModel(this);
    filter_->setSourceModel(runs_);
    search_ = new QLineEdit(this);
    search_->setObjectName("filter");
    search_->setPlaceholderText(tr("Filter: words that must all appear in a row, e.g. \"default scan-sync ok\""));
    search_->setClearButtonEnabled(true);
    count_ = new QLabel(this);
    auto* compare = new QPushButton(tr("Compare selected"), this);
    compare->setObjectName("compareSelected");
    compare->setToolTip(tr("Select two runs (Ctrl+click) to compare them function by function"));
    compare->setEnabled(false);

    table_ = new QTableView(this);
    table_->setModel(filter_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(RunTableModel::Id, Qt::DescendingOrder);
    setUpRowTable(table_);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setAlternatingRowColors(true);
    table_->horizontalHeader()->setSectionResizeMode(RunTableModel::Variant, QHeaderView::Stretch);
    table_->setWordWrap(false);
    const int w = table_->fontMetrics().horizontalAdvance('x');
    for (auto [col, chars] : {std::pair{RunTableModel::Id, 7}, {RunTableModel::Experiment, 18}, {RunTableModel::Kernel, 20}, {RunTableModel::Host, 12},
                              {RunTableModel::Status, 10}, {RunTableModel::Date, 18},
                              {RunTableModel::BootToInit, 13}, {RunTableModel::InitDone, 13}})
        table_->setColumnWidth(col, chars * w);

    time_chart_ = new QChartView(this);
    time_chart_->setRenderHint(QPainter::Antialiasing);
    time_chart_->viewport()->installEventFilter(this); // clicks on points open runs
    box_chart_ = new QChartView(this);
    box_chart_->setRenderHint(QPainter::Antialiasing);
    chart_note_ = new QLabel(this);
    chart_note_->setStyleSheet("color: #666");
    chart_box_ = new QLineEdit(this);
    chart_box_->setObjectName("chartFunction");
    chart_box_->setPlaceholderText(tr("boot-to-init; or type a function to chart its time, e.g. ahci_pci_driver_init"));
    chart_box_->setClearButtonEnabled(true);
    functions_ = new QStringListModel(this);
    auto* completer = new QCompleter(functions_, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    completer->setMaxVisibleItems(15);
    chart_box_->setCompleter(completer);

    auto* bar = new QHBoxLayout;
    bar->addWidget(search_, 1);
    bar->addWidget(count_);
    bar->addWidget(compare);
    auto* upper = new QWidget(this);
    auto* upper_layout = new QVBoxLayout(upper);
    upper_layout->setContentsMargins(0, 0, 0, 0);
    upper_layout->addLayout(bar);
    upper_layout->addWidget(table_);
    // one chart at a time, each the full width: series names are long ("experiment / variant")
    // and Qt Charts cuts labels that do not fit
    auto* charts = new QTabWidget(this);
    charts->setObjectName("charts");
    charts->setDocumentMode(true);
    charts->addTab(time_chart_, tr("Over time"));
    charts->addTab(box_chart_, tr("Distribution per variant"));
    auto* lower = new QWidget(this);
    auto* lower_layout = new QVBoxLayout(lower);
    lower_layout->setContentsMargins(0, 0, 0, 0);
    auto* chart_bar = new QHBoxLayout;
    chart_bar->addWidget(new QLabel(tr("Chart:"), this));
    chart_bar->addWidget(chart_box_, 1);
    lower_layout->addLayout(chart_bar);
    lower_layout->addWidget(charts, 1);
    lower_layout->addWidget(chart_note_);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(upper);
    split->addWidget(lower);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* top = new QVBoxLayout(this);
    top->addWidget(split);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(150);
    connect(debounce_, &QTimer::timeout, this, &HistoryView::rebuildCharts);
    auto later = [this] { debounce_->start(); };
    connect(search_, &QLineEdit::textChanged, this, [this, later](const QString& t) {
        filter_->setFilterWords(t);
        later();
    });
    connect(filter_, &QAbstractItemModel::modelReset, this, later);
    connect(filter_, &QAbstractItemModel::rowsInserted, this, later);
    connect(filter_, &QAbstractItemModel::rowsRemoved, this, later);
    connect(filter_, &QAbstractItemModel::dataChanged, this, later);
    connect(completer, QOverload<const QString&>::of(&QCompleter::activated), this, &HistoryView::showFunction);
    connect(chart_box_, &QLineEdit::returnPressed, this, [this] { showFunction(chart_box_->text().trimmed()); });
    connect(chart_box_, &QLineEdit::textChanged, this, [this](const QString& t) {
        if (t.isEmpty() && !metric_.function.empty()) showFunction({});
    });
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
        emit openRun(i.data(RunTableModel::RunIdRole).toLongLong());
    });
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this, compare] {
        compare->setEnabled(table_->selectionModel()->selectedRows().size() == 2);
    });
    connect(compare, &QPushButton::clicked, this, [this] {
        auto rows = table_->selectionModel()->selectedRows();
        if (rows.size() != 2) return;
        // the older run is A, the newer B: "did my change make it faster?"
        qint64 a = rows[0].data(RunTableModel::RunIdRole).toLongLong(), b = rows[1].data(RunTableModel::RunIdRole).toLongLong();
        emit compareRuns(std::min(a, b), std::max(a, b));
    });
    rebuildCharts();
}

void HistoryView::setStore(store::Store* store) {
    store_ = store;
    metric_ = HistoryMetric::boot_to_init();
    chart_box_->clear();
    refreshFunctions();
    rebuildCharts();
}

void HistoryView::refreshFunctions() {
    QStringList keys;
    if (store_)
        for (const std::string& k : store_->function_keys()) keys << QString::fromStdString(k);
    functions_->setStringList(keys);
}

void HistoryView::showFunction(const QString& key) {
    if (key.isEmpty() || key == "boot-to-init" || !store_) {
        metric_ = HistoryMetric::boot_to_init();
    } else {
        if (!functions_->stringList().contains(key)) {
            chart_note_->setText(tr("No stored boot ran a function named \"%1\".").arg(key));
            return;
        }
        metric_ = HistoryMetric::of_function(*store_, key.toStdString());
    }
    if (chart_box_->text() != key) chart_box_->setText(key);
    rebuildCharts();
}

std::int64_t HistoryView::runAt(QPointF pos) const {
    // nearest point within 8 pixels, measured on screen: Qt's own hit test only knows the lines
    QChart* chart = time_chart_->chart();
    std::int64_t best = 0;
    double best_d = 8 * 8;
    for (const auto& [series, h] : charted_)
        for (const auto& p : h.points) {
            const QPointF at = time_chart_->mapFromScene(
                chart->mapToScene(chart->mapToPosition({static_cast<double>(p.when_ms), p.value}, series)));
            const QPointF d = at - pos;
            if (const double dd = d.x() * d.x() + d.y() * d.y(); dd <= best_d) best = p.run, best_d = dd;
        }
    return best;
}

bool HistoryView::eventFilter(QObject* watched, QEvent* e) {
    if (watched == time_chart_->viewport() && e->type() == QEvent::MouseButtonRelease) {
        auto* me = static_cast<QMouseEvent*>(e);
        if (me->button() == Qt::LeftButton)
            if (const std::int64_t run = runAt(me->position())) {
                emit openRun(run);
                return true;
            }
    }
    return QWidget::eventFilter(watched, e);
}

void HistoryView::rebuildCharts() {
    // a function's times are read again: runs stored since it was chosen are charted too
    if (!metric_.function.empty() && store_) metric_ = HistoryMetric::of_function(*store_, metric_.function);
    std::vector<const store::RunInfo*> shown;
    shown.reserve(static_cast<std::size_t>(filter_->rowCount()));
    for (int r = 0; r < filter_->rowCount(); ++r)
        shown.push_back(&runs_->runs()[static_cast<std::size_t>(filter_->mapToSource(filter_->index(r, 0)).row())]);
    count_->setText(tr("%1 of %2 runs").arg(shown.size()).arg(runs_->rowCount()));
    std::vector<VariantHistory> all = history(shown, metric_.value_of);
    const bool seconds = metric_.unit == "s";
    const QString what = seconds ? metric_.name.left(1).toUpper() + metric_.name.mid(1) : metric_.name;
    // the series with the most boots, when there are too many to tell apart
    std::stable_sort(all.begin(), all.end(), [](const VariantHistory& a, const VariantHistory& b) {
        return a.points.size() > b.points.size();
    });
    const std::size_t total = all.size();
    if (all.size() > kMaxSeries) all.resize(kMaxSeries);
    std::sort(all.begin(), all.end(), [](const VariantHistory& a, const VariantHistory& b) { return a.name < b.name; });
    chart_note_->setText(total > kMaxSeries
        ? tr("Charts show the %1 experiment/variant series with the most boots of %2: filter to see others. "
             "Click a point to open its timeline.").arg(kMaxSeries).arg(total)
        : seconds ? tr("Ok runs only. Click a point to open its timeline; boxes: quartiles, whiskers: min and max.")
                  : tr("%1: its spans summed per boot, in the ok runs it ran in. Click a point to open its timeline; "
                       "boxes: quartiles, whiskers: min and max.").arg(metric_.name));

    QChart* time = newChart(tr("%1 over time").arg(what));
    double lo = 0, hi = 0;   // the ranges of all points
    qint64 t_lo = 0, t_hi = 0;
    bool any = false;
    for (const auto& h : all)
        for (const auto& p : h.points) {
            lo = any ? std::min(lo, p.value) : p.value, hi = any ? std::max(hi, p.value) : p.value;
            t_lo = any ? std::min(t_lo, p.when_ms) : p.when_ms, t_hi = any ? std::max(t_hi, p.when_ms) : p.when_ms;
            any = true;
        }
    // both charts' value axis: the same values, so that the two read alike
    auto value_axis = [&] {
        auto* axis = new QValueAxis;
        axis->setTitleText(seconds ? tr("seconds") : tr("milliseconds"));
        axis->setLabelFormat(seconds ? "%.2f" : "%.1f");
        if (any) {
            const double m = std::max((hi - lo) * 0.08, seconds ? 0.01 : 0.1);
            axis->setRange(std::max(0.0, lo - m), hi + m);
            axis->applyNiceNumbers();
        }
        return axis;
    };
    auto* x = new QDateTimeAxis;
    auto* y = value_axis();
    time->addAxis(x, Qt::AlignBottom);
    time->addAxis(y, Qt::AlignLeft);
    if (!all.empty()) {
        const qint64 pad = std::max<qint64>((t_hi - t_lo) / 20, 30'000);
        x->setRange(QDateTime::fromMSecsSinceEpoch(t_lo - pad), QDateTime::fromMSecsSinceEpoch(t_hi + pad));
        x->setFormat(t_hi - t_lo > 2 * 86'400'000 ? "MM-dd" : t_hi - t_lo > 3'600'000 ? "MM-dd HH:mm" : "HH:mm:ss");
    }
    charted_.clear();
    for (std::size_t i = 0; i < all.size(); ++i) {
        // one line series with its points drawn, not a scatter series beside it: Qt Charts makes
        // a graphics item per scatter point, which for 10,000 runs costs more than all the rest
        auto* line = new QLineSeries;
        line->setName(all[i].name);
        line->setColor(seriesColor(static_cast<int>(i)));
        line->setPointsVisible(true);
        line->setMarkerSize(7);
        QList<QPointF> points;
        points.reserve(static_cast<qsizetype>(all[i].points.size()));
        for (const auto& p : all[i].points) points.append({static_cast<double>(p.when_ms), p.value});
        line->replace(points);
        time->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
        charted_.push_back({line, all[i]});
    }
    QChart* old_time = time_chart_->chart();
    time_chart_->setChart(time);
    delete old_time;

    QChart* box = newChart(tr("%1 per variant").arg(what));
    auto* boxes = new QBoxPlotSeries;
    boxes->setName(metric_.name + " (" + metric_.unit + ")");
    // one experiment in view: its name need not be repeated under every box
    bool one_experiment = !all.empty();
    for (const auto& h : all) one_experiment &= h.name.section(" / ", 0, 0) == all.front().name.section(" / ", 0, 0);
    if (one_experiment) box->setTitle(tr("%1 per variant of %2").arg(what, all.front().name.section(" / ", 0, 0)));
    QStringList names;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const BoxStats& b = all[i].box;
        auto* set = new QBoxSet(b.low, b.q1, b.median, b.q3, b.high, all[i].name);
        connect(set, &QBoxSet::hovered, this, [this, h = all[i]](bool on) {
            if (on) box_chart_->setToolTip(tr("%1: %2 boots, median %3 %8, quartiles %4-%5 %8, min %6 %8, max %7 %8")
                                               .arg(h.name).arg(h.points.size()).arg(h.box.median, 0, 'f', 3)
                                               .arg(h.box.q1, 0, 'f', 3).arg(h.box.q3, 0, 'f', 3)
                                               .arg(h.box.low, 0, 'f', 3).arg(h.box.high, 0, 'f', 3).arg(metric_.unit));
            else box_chart_->setToolTip({});
        });
        set->setBrush(seriesColor(static_cast<int>(i)).lighter(130));
        set->setPen(QPen(seriesColor(static_cast<int>(i)).darker(150), 1.5));
        boxes->append(set);
        names << (one_experiment ? all[i].name.section(" / ", 1) : all[i].name);
    }
    box->addSeries(boxes);
    auto* cats = new QBarCategoryAxis;
    cats->append(names);
    cats->setLabelsAngle(names.size() > 6 ? -20 : 0);
    auto* vy = value_axis();
    box->addAxis(cats, Qt::AlignBottom);
    box->addAxis(vy, Qt::AlignLeft);
    boxes->attachAxis(cats);
    boxes->attachAxis(vy);
    box->legend()->hide();
    QChart* old_box = box_chart_->chart();
    box_chart_->setChart(box);
    delete old_box;
}

} // namespace bootlab::gui
