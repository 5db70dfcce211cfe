#include "compare_model.h"

#include <QBrush>
#include <QColor>
#include <cmath>

namespace bootlab::gui {

using check::Evidence;

void CompareModel::setChanges(std::vector<check::FunctionChange> changes, QString a_name, QString b_name) {
    beginResetModel();
    changes_ = std::move(changes);
    a_name_ = std::move(a_name);
    b_name_ = std::move(b_name);
    endResetModel();
}

int CompareModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(changes_.size());
}

int CompareModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

namespace {

QString ms(double us) { return QString::number(us / 1000.0, 'f', 3); }

QString evidenceText(const check::FunctionChange& c) {
    switch (c.evidence) {
    case Evidence::Change:
        return c.replayed ? QStringLiteral("change (every boot apart)")
                          : QString("change (p = %1)").arg(c.cmp.p_two_sided(), 0, 'g', 2);
    case Evidence::Noise: return QStringLiteral("within noise");
    case Evidence::Resolution: return QString("%1 ms ticks: clock resolution").arg(c.tick / 1000);
    case Evidence::TooFew: return QStringLiteral("too few boots");
    }
    return {};
}

} // namespace

QVariant CompareModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const check::FunctionChange& c = changes_[static_cast<std::size_t>(index.row())];
    const double a = c.cmp.median_a, b = c.cmp.median_b, delta = c.delta();
    const double pct = a > 0 ? 100.0 * delta / a : 0;
    const bool change = c.evidence == Evidence::Change;
    if (role == Qt::TextAlignmentRole && index.column() != Function && index.column() != Evidence)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    // a change: slower in B red, faster green (the colours of a diff); the rest grey, as noise
    if (role == Qt::ForegroundRole && (index.column() == Delta || index.column() == DeltaPercent || index.column() == Evidence)) {
        if (!change) return QBrush(QColor(0x80, 0x80, 0x80));
        return QBrush(delta > 0 ? QColor(0xb0, 0x2a, 0x2a) : QColor(0x1e, 0x7b, 0x34));
    }
    if (role == Qt::ToolTipRole)
        return QString("%1\nran in %2 of the A boots and %3 of the B boots; a side's time is the median over its boots "
                       "(0 where it did not run), its spread the largest minus the smallest boot.\n"
                       "A change: beyond both spreads and significant (Mann-Whitney, Holm over the functions that "
                       "moved beyond their spread; every boot apart for deterministic boots), as bootlab check judges spans.")
            .arg(QString::fromStdString(c.function)).arg(c.a_ran).arg(c.b_ran);
    if (role == SortRole) {
        switch (index.column()) {
        case Function: return QString::fromStdString(c.function);
        case A: return a;
        case B: return b;
        case Delta: return std::abs(delta);
        case DeltaPercent: return a > 0 ? std::abs(pct) : HUGE_VAL;
        case Spread: return std::max(c.a_spread, c.b_spread);
        case Evidence: // ascending: changes first, then noise, then the rest; each by |delta|, largest first
            return (change ? 0 : c.evidence == Evidence::Noise ? 1 : 2) * 1e15 - std::abs(delta);
        }
    }
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Function: return QString::fromStdString(c.function);
    case A: return ms(a);
    case B: return ms(b);
    case Delta: return (delta > 0 ? "+" : "") + ms(delta);
    case DeltaPercent:
        if (c.a_ran == 0) return QStringLiteral("only in B");
        if (c.b_ran == 0) return QStringLiteral("only in A");
        if (a == 0) return QStringLiteral("from 0");
        return (pct > 0 ? "+" : "") + QString::number(pct, 'f', 1) + " %";
    case Spread: return ms(c.a_spread) + " / " + ms(c.b_spread);
    case Evidence: return evidenceText(c);
    }
    return {};
}

QVariant CompareModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Function: return QStringLiteral("Function");
    case A: return a_name_ + " (ms)";
    case B: return b_name_ + " (ms)";
    case Delta: return QStringLiteral("Δ (ms)");
    case DeltaPercent: return QStringLiteral("Δ %");
    case Spread: return QStringLiteral("spread A / B (ms)");
    case Evidence: return QStringLiteral("the boots show");
    }
    return {};
}

} // namespace bootlab::gui
