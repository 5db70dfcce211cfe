#pragma once
// One or more boots drawn on one time axis: a lane per pid, a row per nesting level. Sync
// initcalls are blue, async cookies orange with their cookie number, waits hatched grey, spans
// that never returned red, the spans of the critical path outlined in red. Wheel zooms around the cursor, dragging pans, F (or double-click on
// empty space) fits; hovering a bar tells everything known about it.
#include "timeline_layout.h"

#include <QString>
#include <QWidget>
#include <vector>

namespace bootlab::gui {

class TimelineWidget : public QWidget {
    Q_OBJECT
public:
    struct Section {
        QString title;        // "run 12: default / async"
        model::Boot boot;
        TimelineLayout layout;
        std::vector<char> critical; // per span of boot: on its critical path (model/critical_path.h)
    };

    explicit TimelineWidget(QWidget* parent = nullptr);

    void setSections(std::vector<Section> sections); // fits the view
    const std::vector<Section>& sections() const { return sections_; }
    // Functions (or modules) containing `text` are outlined, the rest faded; "" clears.
    void setHighlight(const QString& text);
    int highlightCount() const { return matches_; }
    // Outlines (in red) the spans of each boot's critical path.
    void setShowCriticalPath(bool on);
    bool showsCriticalPath() const { return critical_; }
    int criticalCount() const; // spans outlined as on the critical path, over all sections
    // Zooms to the next highlighted span in time order (wrapping round); false if there is none.
    bool nextMatch();

    // The visible time range, in µs from the start of the boot.
    double viewStart() const { return t0_; }
    double viewEnd() const { return t0_ + us_per_px_ * plotWidth(); }
    void setView(double start_us, double end_us);

    // What the tooltip at this widget position says ("" when nothing is there).
    QString describeAt(QPoint pos) const;
    // The function ("function [module]") of the span at this position; "" over a wait or nothing.
    QString functionAt(QPoint pos) const;
    // Where a bar of a section is drawn now, in widget coordinates.
    QRectF barRect(int section, int bar) const;

    QSize sizeHint() const override { return {900, 500}; }

public slots:
    void fit();
    void zoom(double factor, double at_x = -1);

signals:
    void highlightChanged(int matches);
    void viewChanged(double start_us, double end_us);
    void functionHistoryRequested(const QString& function); // the context menu's "History of ..."

protected:
    void paintEvent(QPaintEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void mouseDoubleClickEvent(QMouseEvent*) override;
    void keyPressEvent(QKeyEvent*) override;
    void contextMenuEvent(QContextMenuEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    bool event(QEvent*) override;

private:
    struct Hit { int section = -1; int bar = -1; };
    double plotWidth() const;
    double xOf(double t) const;
    int sectionTop(int s) const;   // content y of a section's header (before scrolling)
    int contentHeight() const;
    Hit hitAt(QPoint pos) const;
    void clampScroll();
    void recountMatches();
    bool matches(int section, int bar) const;

    std::vector<Section> sections_;
    Micros end_ = 1;               // the latest end over all sections
    double t0_ = 0;                // µs at the left edge of the plot
    double us_per_px_ = 1000;
    int y0_ = 0;                   // vertical scroll, px
    QString highlight_;
    int matches_ = 0;
    bool critical_ = true;
    std::vector<std::vector<char>> matched_; // per section, per bar: does the search match it
    QPoint drag_from_;
    double drag_t0_ = 0;
    int drag_y0_ = 0;
    bool dragging_ = false;
    bool fitted_ = true;
    Micros match_start_ = -1;      // where nextMatch() was last, to go on from there
    std::pair<int, int> match_at_{-1, -1};           // showing the whole boot: stays so when the window is resized
};

} // namespace bootlab::gui
