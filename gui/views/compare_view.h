#pragma once
// The Compare tab: A against B — two runs, or two variants (all their ok boots) — as
// per-function deltas sorted by size, and both timelines on one time axis (two linked timelines,
// each scrolling its own lanes: a boot has 30-50 pids, two stacked would not fit a screen).
#include "store/store.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QRadioButton;
class QTableView;

namespace bootlab::gui {

class CompareModel;
class RunTableModel;
class TimelineWidget;

class CompareView : public QWidget {
    Q_OBJECT
public:
    // Lists the runs and variants of `runs` (the History's model: the database is read once for
    // both tabs); boots are loaded from the store.
    explicit CompareView(const RunTableModel* runs, QWidget* parent = nullptr);
    void setStore(store::Store* store); // nullptr: nothing to compare
    void refresh();                      // the run list has changed
    void compareRuns(std::int64_t a, std::int64_t b);
    void compareVariants(std::int64_t experiment, const std::string& a, const std::string& b);
    CompareModel* model() const { return model_; }
    static constexpr int kRunChoices = 1000; // the newest runs listed in A and B

    TimelineWidget* timelineA() const { return timeline_a_; }
    TimelineWidget* timelineB() const { return timeline_b_; }

private:
    void fillChoices();
    void compareChosen();

    const RunTableModel* runs_;
    store::Store* store_ = nullptr;
    QRadioButton* by_run_;
    QRadioButton* by_variant_;
    QComboBox* a_;
    QComboBox* b_;
    QLabel* summary_;
    CompareModel* model_;
    QTableView* table_;
    TimelineWidget* timeline_a_;     // one above the other, zoomed and panned together
    TimelineWidget* timeline_b_;
};

} // namespace bootlab::gui
