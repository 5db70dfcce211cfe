#pragma once
// The History tab: every stored run in a sortable, filterable table; boot-to-init (or one
// function's time: the "Chart" box completes from the stored functions) over time per
// experiment/variant and its distribution as box plots, both following the filter. A point in
// the time chart, or a row, opens that run's timeline.
#include "history.h"

#include <QWidget>
#include <vector>

class QChartView;
class QLineSeries;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class QStringListModel;

namespace bootlab::gui {

class RunTableModel;
class RunFilterModel;

class HistoryView : public QWidget {
    Q_OBJECT
public:
    HistoryView(RunTableModel* runs, QWidget* parent = nullptr);
    // The database the function charts read (function_total); refills the function completion.
    void setStore(store::Store* store);
    // Charts this function's time ("function [module]"); "" charts boot-to-init again.
    void showFunction(const QString& key);
    // Reads the stored functions again (new runs bring new ones) for the completion.
    void refreshFunctions();
    const HistoryMetric& metric() const { return metric_; }
    QLineEdit* chartBox() const { return chart_box_; }
    RunFilterModel* filter() const { return filter_; }
    QTableView* table() const { return table_; }
    QChartView* timeChart() const { return time_chart_; }
    QChartView* boxChart() const { return box_chart_; }
    // The charts follow the table after a short pause; tests and benchmarks call this directly.
    void rebuildCharts();

    static constexpr int kMaxSeries = 10; // more lines than this are unreadable
    // The run of the time chart's point under this viewport position (within a few pixels), or 0.
    std::int64_t runAt(QPointF pos) const;

signals:
    void openRun(qint64 id);
    void compareRuns(qint64 a, qint64 b);

protected:
    bool eventFilter(QObject* watched, QEvent* e) override;

private:
    RunTableModel* runs_;
    store::Store* store_ = nullptr;
    HistoryMetric metric_ = HistoryMetric::boot_to_init();
    std::vector<std::pair<QLineSeries*, VariantHistory>> charted_; // what the time chart shows
    RunFilterModel* filter_;
    QLineEdit* search_;
    QLineEdit* chart_box_;
    QStringListModel* functions_;
    QTableView* table_;
    QLabel* count_;
    QLabel* chart_note_;
    QChartView* time_chart_;
    QChartView* box_chart_;
    QTimer* debounce_;
};

} // namespace bootlab::gui
