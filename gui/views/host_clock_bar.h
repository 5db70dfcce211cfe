#pragma once
// A boot on the host's clock, as one bar above its timeline: firmware, kernel, userspace and
// shutdown (model::host_intervals) side by side in proportion, each labelled with its length.
// The timeline below is the kernel's own clock, which starts with the kernel and says nothing of
// what came before it or after init-done; this bar is where a whole boot's seconds went.
#include "model/host_marks.h"

#include <QWidget>

namespace bootlab::gui {

class HostClockBar : public QWidget {
    Q_OBJECT
public:
    explicit HostClockBar(QWidget* parent = nullptr);
    void setMarks(const model::HostMarks& marks); // hidden for a run without them (an import)
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent*) override;

private:
    model::HostMarks marks_;
};

} // namespace bootlab::gui
