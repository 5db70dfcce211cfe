#include "timeline_widget.h"

#include "report/format.h"

#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <tuple>

namespace bootlab::gui {
namespace {

constexpr int kLabelW = 92;    // lane labels
constexpr int kAxisH = 24;     // time axis, stays on top
constexpr int kSectionH = 22;  // a boot's title
constexpr int kSectionGap = 10;
constexpr int kRowH = 16;
constexpr int kRightMargin = 12;

const QColor kSync(0x48, 0x78, 0xb0), kAsync(0xe0, 0x8a, 0x2c), kWait(0x88, 0x88, 0x88),
    kUnfinished(0xc0, 0x39, 0x2b), kBootToInit(0xc0, 0x39, 0x2b), kInitDone(0x2e, 0x8b, 0x57),
    kCritical(0x6a, 0x1b, 0x9a);

// A "nice" step: 1, 2 or 5 times a power of ten, about `px` pixels apart.
double tickStep(double us_per_px, double px) {
    const double raw = us_per_px * px;
    const double p = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-3))));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= raw) return m * p;
    return 10 * p;
}

QString timeLabel(double us, double step) {
    if (step >= 1e5) return QString::number(us / 1e6, 'f', step >= 1e6 ? 0 : 1) + " s";
    if (step >= 100) return QString::number(us / 1e3, 'f', step >= 1e3 ? 0 : 1) + " ms";
    return QString::number(us, 'f', step >= 1 ? 0 : 2) + " µs";
}

QString micros(Micros us) { return QString::fromStdString(report::seconds(us)); }

} // namespace

TimelineWidget::TimelineWidget(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(300, 120);
}

void TimelineWidget::setSections(std::vector<Section> sections) {
    sections_ = std::move(sections);
    end_ = 1;
    for (const auto& s : sections_) end_ = std::max(end_, s.layout.end);
    recountMatches();
    fit();
}

double TimelineWidget::plotWidth() const { return std::max(10, width() - kLabelW - kRightMargin); }
double TimelineWidget::xOf(double t) const { return kLabelW + (t - t0_) / us_per_px_; }

int TimelineWidget::sectionTop(int s) const {
    int y = kAxisH;
    for (int i = 0; i < s; ++i) y += kSectionH + sections_[static_cast<std::size_t>(i)].layout.rows * kRowH + kSectionGap;
    return y;
}

int TimelineWidget::contentHeight() const { return sectionTop(static_cast<int>(sections_.size())); }

void TimelineWidget::fit() {
    fitted_ = true;
    t0_ = 0;
    us_per_px_ = static_cast<double>(end_) * 1.02 / plotWidth();
    y0_ = 0;
    update();
    emit viewChanged(viewStart(), viewEnd());
}

void TimelineWidget::setView(double start_us, double end_us) {
    if (end_us <= start_us) return;
    // a linked timeline echoing our own change back: nothing to do (and no endless ping-pong)
    const double tolerance = 1e-9 * std::max(1.0, end_us - start_us);
    if (std::abs(start_us - viewStart()) < tolerance && std::abs(end_us - viewEnd()) < tolerance) return;
    fitted_ = false;
    t0_ = start_us;
    us_per_px_ = (end_us - start_us) / plotWidth();
    update();
    emit viewChanged(viewStart(), viewEnd());
}

void TimelineWidget::zoom(double factor, double at_x) {
    if (at_x < kLabelW) at_x = kLabelW + plotWidth() / 2;
    fitted_ = false;
    const double t_at = t0_ + (at_x - kLabelW) * us_per_px_;
    // from 50 ns per pixel (one cookie of a few µs fills the screen) to twice the whole boot
    const double most = 2.0 * static_cast<double>(end_) / plotWidth();
    us_per_px_ = std::clamp(us_per_px_ / factor, 0.05, std::max(most, 0.05));
    t0_ = t_at - (at_x - kLabelW) * us_per_px_;
    update();
    emit viewChanged(viewStart(), viewEnd());
}

void TimelineWidget::clampScroll() {
    y0_ = std::clamp(y0_, 0, std::max(0, contentHeight() - height() + kAxisH));
}

bool TimelineWidget::matches(int section, int bar) const {
    return !matched_.empty() && matched_[static_cast<std::size_t>(section)][static_cast<std::size_t>(bar)];
}

// Which bars the search matches, decided once per search rather than in every repaint.
void TimelineWidget::recountMatches() {
    matches_ = 0;
    matched_.clear();
    if (highlight_.isEmpty()) return;
    for (const auto& s : sections_) {
        auto& m = matched_.emplace_back(s.layout.bars.size(), 0);
        for (std::size_t i = 0; i < s.layout.bars.size(); ++i) {
            const Bar& b = s.layout.bars[i];
            if (b.kind == BarKind::Wait) continue;
            const auto& span = s.boot.spans[static_cast<std::size_t>(b.index)];
            m[i] = QString::fromStdString(span.function).contains(highlight_, Qt::CaseInsensitive) ||
                   (!span.module.empty() && QString::fromStdString(span.module).contains(highlight_, Qt::CaseInsensitive));
            matches_ += m[i];
        }
    }
}

bool TimelineWidget::nextMatch() {
    // the first match after the last one (by start, then section and bar), else the first of all
    std::tuple<Micros, int, int> best{-1, -1, -1}, first{-1, -1, -1};
    const std::tuple<Micros, int, int> last{match_start_, match_at_.first, match_at_.second};
    for (int si = 0; si < static_cast<int>(sections_.size()); ++si) {
        const auto& bars = sections_[static_cast<std::size_t>(si)].layout.bars;
        for (int bi = 0; bi < static_cast<int>(bars.size()); ++bi) {
            if (!matches(si, bi)) continue;
            const std::tuple<Micros, int, int> here{bars[static_cast<std::size_t>(bi)].start, si, bi};
            if (std::get<1>(first) < 0 || here < first) first = here;
            if (here > last && (std::get<1>(best) < 0 || here < best)) best = here;
        }
    }
    if (std::get<1>(best) < 0) best = first;
    const auto [start, si, bi] = best;
    if (si < 0) return false;
    match_start_ = start;
    match_at_ = {si, bi};
    const Bar& b = sections_[static_cast<std::size_t>(si)].layout.bars[static_cast<std::size_t>(bi)];
    const double pad = std::max(2000.0, static_cast<double>(b.end - b.start) * 0.25);
    setView(static_cast<double>(b.start) - pad, static_cast<double>(b.end) + pad);
    // and its lane into view
    const int y = sectionTop(si) + kSectionH + b.row * kRowH;
    if (y < y0_ + kAxisH || y + kRowH > y0_ + height()) y0_ = y - height() / 3;
    clampScroll();
    update();
    return true;
}

void TimelineWidget::setHighlight(const QString& text) {
    match_start_ = -1;
    match_at_ = {-1, -1};
    highlight_ = text.trimmed();
    recountMatches();
    update();
    emit highlightChanged(matches_);
}

void TimelineWidget::setShowCriticalPath(bool on) {
    critical_ = on;
    update();
}

int TimelineWidget::criticalCount() const {
    if (!critical_) return 0;
    int n = 0;
    for (const auto& s : sections_)
        for (char c : s.critical) n += c != 0;
    return n;
}

void TimelineWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    const QFontMetrics fm = p.fontMetrics();
    const double right = width() - kRightMargin;
    const double step = tickStep(us_per_px_, 110);

    // grid lines under everything
    p.setPen(QColor(0xe4, 0xe4, 0xe4));
    const double first_tick = std::ceil(t0_ / step) * step;
    for (double t = std::max(0.0, first_tick); xOf(t) <= right; t += step)
        p.drawLine(QPointF(xOf(t), kAxisH), QPointF(xOf(t), height()));

    const bool fading = !highlight_.isEmpty();
    for (std::size_t si = 0; si < sections_.size(); ++si) {
        const Section& sec = sections_[si];
        const int top = sectionTop(static_cast<int>(si)) - y0_;
        const int rows_top = top + kSectionH;
        const int bottom = rows_top + sec.layout.rows * kRowH;
        if (bottom < kAxisH || top > height()) continue;

        // lanes: a band and a label each
        for (std::size_t li = 0; li < sec.layout.lanes.size(); ++li) {
            const Lane& lane = sec.layout.lanes[li];
            const int y = rows_top + lane.first_row * kRowH;
            if (li % 2) p.fillRect(QRectF(0, y, width(), lane.rows * kRowH), QColor(0xf6, 0xf7, 0xf9));
            p.setPen(QColor(0x55, 0x55, 0x55));
            p.drawText(QRect(6, y, kLabelW - 10, kRowH), Qt::AlignLeft | Qt::AlignVCenter,
                       "pid " + QString::number(lane.pid));
        }
        p.setPen(QColor(0xcc, 0xcc, 0xcc));
        p.drawLine(kLabelW, rows_top, kLabelW, bottom);

        // bars: rows outside the window are skipped whole; within a row, bars narrower than a
        // pixel that land on the pixel of the previous one are not drawn again (a fitted view of
        // 5,000 spans is mostly such slivers)
        const int first_row = std::max(0, (kAxisH - rows_top) / kRowH);
        const int last_row = (height() - rows_top) / kRowH;
        auto it = std::lower_bound(sec.layout.bars.begin(), sec.layout.bars.end(), first_row,
                                   [](const Bar& b, int r) { return b.row < r; });
        int row = -1;
        double last_px = -1;
        for (; it != sec.layout.bars.end() && it->row <= last_row; ++it) {
            const Bar& b = *it;
            if (b.row != row) row = b.row, last_px = -1;
            double x0 = xOf(static_cast<double>(b.start)), x1 = xOf(static_cast<double>(b.end));
            if (x1 < kLabelW || x0 > right) continue;
            x0 = std::max(x0, static_cast<double>(kLabelW));
            x1 = std::min(x1, right);
            if (x1 - x0 < 1) {
                if (std::floor(x0) == last_px) continue;
                last_px = std::floor(x0);
                x1 = x0 + 1;
            }
            const QRectF r(x0, rows_top + b.row * kRowH + 2, x1 - x0, kRowH - 3);
            const bool hit = fading && matches(static_cast<int>(si), static_cast<int>(it - sec.layout.bars.begin()));
            const int alpha = fading && !hit ? 60 : 255;
            if (b.kind == BarKind::Wait) {
                QColor c = kWait;
                c.setAlpha(alpha);
                p.fillRect(r, QBrush(c, Qt::BDiagPattern));
                p.setPen(c);
                p.drawRect(r);
                continue;
            }
            QColor fill = b.unfinished ? kUnfinished : b.kind == BarKind::Async ? kAsync : kSync;
            fill.setAlpha(alpha);
            p.fillRect(r, fill);
            if (hit) {
                p.setPen(QPen(Qt::black, 2));
                p.drawRect(r.adjusted(-1, -1, 1, 1));
            } else if (critical_ && !sec.critical.empty() && sec.critical[static_cast<std::size_t>(b.index)]) {
                if (r.width() >= 4) { // outlined; a sliver gets a line under it instead (an outline would hide it)
                    p.setPen(QPen(kCritical, 1.5));
                    p.drawRect(r.adjusted(-0.5, -0.5, 0.5, 0.5));
                } else {
                    p.fillRect(QRectF(r.left(), r.bottom() + 0.5, r.width(), 2), kCritical);
                }
            }
            if (r.width() < 14) continue;
            const model::Span& s = sec.boot.spans[static_cast<std::size_t>(b.index)];
            QString text = QString::fromStdString(s.function);
            if (s.cookie) text = "#" + QString::number(*s.cookie) + " " + text;
            p.setPen(fading && !hit ? QColor(0x99, 0x99, 0x99) : QColor(Qt::white));
            p.drawText(r.adjusted(3, 0, -2, 0), Qt::AlignLeft | Qt::AlignVCenter,
                       fm.elidedText(text, Qt::ElideRight, static_cast<int>(r.width()) - 5, Qt::TextSingleLine));
        }

        // the boot's title, then the marks (boot-to-init, init-done) across its lanes, their
        // labels in the title's row but never over the title
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(Qt::black);
        p.drawText(QRect(6, top, width() - 12, kSectionH), Qt::AlignLeft | Qt::AlignVCenter, sec.title);
        double label_min_x = 6 + p.fontMetrics().horizontalAdvance(sec.title) + 16;
        p.setFont(font());
        for (const Mark& m : sec.layout.marks) {
            const double x = xOf(static_cast<double>(m.time));
            if (x < kLabelW || x > right) continue;
            const QColor c = m.name == "boot-to-init" ? kBootToInit : kInitDone;
            p.setPen(QPen(c, 2, Qt::DashLine));
            p.drawLine(QPointF(x, rows_top), QPointF(x, bottom));
            const QString label = QString::fromStdString(m.name) + " " + micros(m.time);
            const int w = fm.horizontalAdvance(label);
            double lx = x + 4 + w > right ? x - 4 - w : x + 4;
            lx = std::max(lx, label_min_x);
            p.setPen(c);
            p.drawText(QPointF(lx, top + kSectionH - 6), label);
            label_min_x = lx + w + 12;
        }
    }

    // the axis, drawn last so that it stays on top when scrolled
    p.fillRect(QRect(0, 0, width(), kAxisH), QColor(0xfa, 0xfa, 0xfa));
    p.setPen(QColor(0xbb, 0xbb, 0xbb));
    p.drawLine(0, kAxisH - 1, width(), kAxisH - 1);
    p.setPen(QColor(0x33, 0x33, 0x33));
    for (double t = std::max(0.0, first_tick); xOf(t) <= right; t += step) {
        p.drawLine(QPointF(xOf(t), kAxisH - 6), QPointF(xOf(t), kAxisH - 1));
        p.drawText(QPointF(xOf(t) + 3, kAxisH - 8), timeLabel(t, step));
    }
    if (sections_.empty()) {
        p.setPen(QColor(0x77, 0x77, 0x77));
        p.drawText(rect(), Qt::AlignCenter, tr("No boot selected: double-click a run in History, or drop a log here."));
    }
}

TimelineWidget::Hit TimelineWidget::hitAt(QPoint pos) const {
    if (pos.x() < kLabelW || pos.y() < kAxisH) return {};
    const double t = t0_ + (pos.x() - kLabelW) * us_per_px_;
    for (std::size_t si = 0; si < sections_.size(); ++si) {
        const int rows_top = sectionTop(static_cast<int>(si)) - y0_ + kSectionH;
        const int rel = pos.y() - rows_top;
        if (rel < 0 || rel >= sections_[si].layout.rows * kRowH) continue;
        // a few pixels of slack: a 2 µs cookie must still be hoverable in a 10 s view
        const int bar = bar_at(sections_[si].layout, rel / kRowH, static_cast<Micros>(t),
                               static_cast<Micros>(3 * us_per_px_));
        return {static_cast<int>(si), bar};
    }
    return {};
}

QString TimelineWidget::functionAt(QPoint pos) const {
    const Hit h = hitAt(pos);
    if (h.bar < 0) return {};
    const Section& s = sections_[static_cast<std::size_t>(h.section)];
    const Bar& b = s.layout.bars[static_cast<std::size_t>(h.bar)];
    if (b.kind == BarKind::Wait) return {};
    return QString::fromStdString(s.boot.spans[static_cast<std::size_t>(b.index)].key());
}

void TimelineWidget::contextMenuEvent(QContextMenuEvent* e) {
    const QString f = functionAt(e->pos());
    if (f.isEmpty()) return;
    QMenu menu(this);
    connect(menu.addAction(tr("History of %1").arg(f)), &QAction::triggered, this,
            [this, f] { emit functionHistoryRequested(f); });
    menu.exec(e->globalPos());
}

QRectF TimelineWidget::barRect(int section, int bar) const {
    const Bar& b = sections_[static_cast<std::size_t>(section)].layout.bars[static_cast<std::size_t>(bar)];
    const double x0 = xOf(static_cast<double>(b.start)), x1 = xOf(static_cast<double>(b.end));
    const int y = sectionTop(section) - y0_ + kSectionH + b.row * kRowH;
    return {x0, static_cast<double>(y + 2), std::max(1.0, x1 - x0), static_cast<double>(kRowH - 3)};
}

QString TimelineWidget::describeAt(QPoint pos) const {
    const Hit h = hitAt(pos);
    if (h.bar < 0) return {};
    const Section& sec = sections_[static_cast<std::size_t>(h.section)];
    const Bar& b = sec.layout.bars[static_cast<std::size_t>(h.bar)];
    auto esc = [](const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); };
    if (b.kind == BarKind::Wait) {
        const model::Wait& w = sec.boot.waits[static_cast<std::size_t>(b.index)];
        return QString("<b>async wait</b> (async_synchronize_*)<br>pid %1<br>start %2<br>waited %3")
            .arg(w.pid).arg(micros(w.start), w.duration ? micros(*w.duration) : QString("until the end of the log"));
    }
    const model::Span& s = sec.boot.spans[static_cast<std::size_t>(b.index)];
    QString t = "<b>" + esc(s.function) + "</b>";
    t += "<br>module: " + (s.module.empty() ? QString("built in") : esc(s.module));
    t += s.cookie ? "<br>async cookie #" + QString::number(*s.cookie) : QString("<br>sync initcall");
    t += "<br>pid " + QString::number(s.pid);
    t += "<br>start " + micros(s.start);
    t += "<br>duration " + (s.duration ? micros(*s.duration) : QString("never returned"));
    t += "<br>returned " + (s.ret ? QString::number(*s.ret) : QString("-"));
    t += "<br><i>log line " + QString::number(s.line) + "</i>";
    if (!sec.critical.empty() && sec.critical[static_cast<std::size_t>(b.index)]) t += "<br><b>on the critical path</b>";
    return t;
}

bool TimelineWidget::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        const QString text = describeAt(he->pos());
        if (text.isEmpty()) QToolTip::hideText();
        else QToolTip::showText(he->globalPos(), text, this);
        return true;
    }
    return QWidget::event(e);
}

void TimelineWidget::wheelEvent(QWheelEvent* e) {
    const QPoint a = e->angleDelta();
    if (e->modifiers() & Qt::ShiftModifier) { // scroll the lanes
        y0_ -= (a.y() ? a.y() : a.x()) / 2;
        clampScroll();
        update();
    } else if (a.x() != 0 && std::abs(a.x()) > std::abs(a.y())) { // touchpad sideways: pan
        t0_ -= a.x() / 2.0 * us_per_px_;
        update();
        emit viewChanged(viewStart(), viewEnd());
    } else if (a.y() != 0) {
        zoom(std::pow(1.25, a.y() / 120.0), e->position().x());
    }
    e->accept();
}

void TimelineWidget::mousePressEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return;
    dragging_ = true;
    drag_from_ = e->pos();
    drag_t0_ = t0_;
    drag_y0_ = y0_;
    setCursor(Qt::ClosedHandCursor);
}

void TimelineWidget::mouseMoveEvent(QMouseEvent* e) {
    if (!dragging_) return;
    const QPoint d = e->pos() - drag_from_;
    fitted_ = false;
    t0_ = drag_t0_ - d.x() * us_per_px_;
    y0_ = drag_y0_ - d.y();
    clampScroll();
    update();
    emit viewChanged(viewStart(), viewEnd());
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent*) {
    dragging_ = false;
    unsetCursor();
}

void TimelineWidget::mouseDoubleClickEvent(QMouseEvent* e) {
    const Hit h = hitAt(e->pos());
    if (h.bar < 0) return fit();
    const Bar& b = sections_[static_cast<std::size_t>(h.section)].layout.bars[static_cast<std::size_t>(h.bar)];
    const double pad = std::max(5.0, static_cast<double>(b.end - b.start) * 0.1);
    setView(static_cast<double>(b.start) - pad, static_cast<double>(b.end) + pad);
}

void TimelineWidget::keyPressEvent(QKeyEvent* e) {
    switch (e->key()) {
    case Qt::Key_Plus: case Qt::Key_Equal: zoom(1.5); break;
    case Qt::Key_Minus: zoom(1 / 1.5); break;
    case Qt::Key_F: case Qt::Key_0: fit(); break;
    case Qt::Key_Left: t0_ -= plotWidth() * us_per_px_ / 8; update(); break;
    case Qt::Key_Right: t0_ += plotWidth() * us_per_px_ / 8; update(); break;
    case Qt::Key_Up: y0_ -= kRowH * 3; clampScroll(); update(); break;
    case Qt::Key_Down: y0_ += kRowH * 3; clampScroll(); update(); break;
    default: QWidget::keyPressEvent(e);
    }
}

void TimelineWidget::resizeEvent(QResizeEvent* e) {
    if (fitted_) return fit();
    // keep the visible time range when the window changes size
    const int old_w = e->oldSize().width() - kLabelW - kRightMargin;
    if (e->oldSize().isValid() && old_w > 10) us_per_px_ *= old_w / plotWidth();
    clampScroll();
}

} // namespace bootlab::gui
