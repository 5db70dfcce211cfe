#pragma once
// The Timeline tab: one boot (or two, from Compare) with a search box, zoom buttons, the
// legend and the boot's headline numbers.
#include "timeline_widget.h"

#include "store/store.h"

#include <QWidget>
#include <optional>

class QLabel;
class QLineEdit;

namespace bootlab::gui {

class HostClockBar;

class TimelineView : public QWidget {
    Q_OBJECT
public:
    explicit TimelineView(QWidget* parent = nullptr);
    void showRun(const store::RunInfo& run, model::Boot boot);
    void clear();
    TimelineWidget* timeline() const { return timeline_; }

    // Writes the shown boot as a Perfetto trace, CSV or SVG (by the file's extension).
    void exportTo(const QString& file);

private:
    std::optional<store::RunInfo> run_;
    TimelineWidget* timeline_;
    QLabel* title_;
    QLabel* numbers_;
    QLineEdit* search_;
    QLabel* matches_;
    HostClockBar* host_clock_;
};

// "run 12 · default / async · 6.1.0-28-amd64 · ok"
QString runTitle(const store::RunInfo& run);
// A section of a timeline for one stored boot.
TimelineWidget::Section timelineSection(const store::RunInfo& run, model::Boot boot);
// The legend of the timeline's colours, as rich text.
QString timelineLegend();

} // namespace bootlab::gui
