#include "host_clock_bar.h"

#include "report/format.h"

#include <QPainter>

namespace bootlab::gui {
namespace {

// the HTML report's colours for the same intervals (lab/report/html.cpp, .h0 to .h3)
const QColor kColors[model::kHostIntervals] = {QColor(0x9b, 0x9b, 0x9b), QColor(0x4a, 0x7f, 0xb5),
                                               QColor(0xe0, 0xa0, 0x30), QColor(0xb0, 0x5a, 0x5a)};
constexpr int kLabelW = 92; // as the timeline's lane labels (timeline_widget.cpp): the bar starts where lanes do

} // namespace

HostClockBar::HostClockBar(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setVisible(false);
}

QSize HostClockBar::sizeHint() const { return {600, fontMetrics().height() + 8}; }

void HostClockBar::setMarks(const model::HostMarks& marks) {
    marks_ = marks;
    QString tip = tr("The boot on the host's clock (marks good to ~20 ms):");
    for (const auto& i : model::host_intervals(marks))
        tip += QString("\n%1  %2  (%3)").arg(i.name).arg(QString::fromStdString(report::host_seconds(i.us)), i.what);
    setToolTip(tip);
    setVisible(marks.any());
    update();
}

void HostClockBar::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setPen(QColor(0x55, 0x55, 0x55));
    p.drawText(QRect(6, 0, kLabelW - 10, height()), Qt::AlignLeft | Qt::AlignVCenter, tr("host clock"));
    const auto intervals = model::host_intervals(marks_);
    double total = 0;
    for (const auto& i : intervals) total += static_cast<double>(i.us.value_or(0));
    if (total <= 0) return;
    const double w = width() - kLabelW - 10;
    double x = kLabelW;
    for (std::size_t k = 0; k < intervals.size(); ++k) {
        const auto& i = intervals[k];
        const double dx = w * static_cast<double>(i.us.value_or(0)) / total;
        const QRectF r(x, 2, dx, height() - 4);
        p.fillRect(r, kColors[k]);
        const QString value = QString::fromStdString(report::host_seconds(i.us));
        for (const QString& label : {QString("%1 %2").arg(i.name, value), value}) // the name if it fits
            if (p.fontMetrics().horizontalAdvance(label) + 6 < dx) {
                p.setPen(Qt::white);
                p.drawText(r.adjusted(3, 0, -2, 0), Qt::AlignLeft | Qt::AlignVCenter, label);
                break;
            }
        x += dx;
    }
}

} // namespace bootlab::gui
