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
class TimelineWidget;

class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);
    void setStore(store::Store* store); // lists its runs and variants; nullptr: nothing to compare
    void refresh();                      // the database has new runs
    void compareRuns(std::int64_t a, std::int64_t b);
    void compareVariants(std::int64_t experiment, const std::string& a, const std::string& b);
    CompareModel* model() const { return model_; }
    static constexpr int kRunChoices = 1000; // the newest runs listed in A and B

    TimelineWidget* timelineA() const { return timeline_a_; }
    TimelineWidget* timelineB() const { return timeline_b_; }

private:
    void fillChoices();
    void compareChosen();

    store::Store* store_ = nullptr;
    std::vector<store::RunInfo> runs_;
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
