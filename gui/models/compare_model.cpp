#include "compare_model.h"

#include "stats/stats.h"

#include <QBrush>
#include <QColor>
#include <algorithm>
#include <cmath>
#include <set>

namespace bootlab::gui {

std::vector<FunctionDelta> function_deltas(const std::vector<check::RunSample>& a,
                                           const std::vector<check::RunSample>& b) {
    std::set<std::string> names;
    for (const auto* side : {&a, &b})
        for (const auto& r : *side)
            for (const auto& [f, t] : r.spans) names.insert(f);
    auto median_of = [](const std::vector<check::RunSample>& side, const std::string& f, int* boots) {
        std::vector<double> v;
        for (const auto& r : side) {
            auto it = r.spans.find(f);
            v.push_back(it == r.spans.end() ? 0.0 : static_cast<double>(it->second));
            *boots += it != r.spans.end();
        }
        return stats::median(v);
    };
    std::vector<FunctionDelta> out;
    for (const auto& f : names) {
        FunctionDelta d{f};
        d.a_us = median_of(a, f, &d.a_boots);
        d.b_us = median_of(b, f, &d.b_boots);
        if (d.a_us != 0 || d.b_us != 0) out.push_back(d);
    }
    std::stable_sort(out.begin(), out.end(), [](const FunctionDelta& x, const FunctionDelta& y) {
        return std::abs(x.delta_us()) > std::abs(y.delta_us());
    });
    return out;
}

void CompareModel::setDeltas(std::vector<FunctionDelta> deltas, QString a_name, QString b_name) {
    beginResetModel();
    deltas_ = std::move(deltas);
    a_name_ = std::move(a_name);
    b_name_ = std::move(b_name);
    endResetModel();
}

int CompareModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(deltas_.size());
}

int CompareModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant CompareModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const FunctionDelta& d = deltas_[static_cast<std::size_t>(index.row())];
    const double pct = d.a_us > 0 ? 100.0 * d.delta_us() / d.a_us : 0;
    if (role == Qt::TextAlignmentRole && index.column() != Function)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    // slower in B is red, faster green: the colours of a diff
    if (role == Qt::ForegroundRole && (index.column() == Delta || index.column() == DeltaPercent) && d.delta_us() != 0)
        return QBrush(d.delta_us() > 0 ? QColor(0xb0, 0x2a, 0x2a) : QColor(0x1e, 0x7b, 0x34));
    if (role == Qt::ToolTipRole)
        return QString("%1\nran in %2 of the A boots and %3 of the B boots; a side's time is the median over its boots "
                       "(0 where it did not run)").arg(QString::fromStdString(d.function)).arg(d.a_boots).arg(d.b_boots);
    auto ms = [](double us) { return QString::number(us / 1000.0, 'f', 3); };
    if (role == SortRole) {
        switch (index.column()) {
        case Function: return QString::fromStdString(d.function);
        case A: return d.a_us;
        case B: return d.b_us;
        case Delta: return std::abs(d.delta_us());
        case DeltaPercent: return d.a_us > 0 ? std::abs(pct) : HUGE_VAL;
        }
    }
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Function: return QString::fromStdString(d.function);
    case A: return ms(d.a_us);
    case B: return ms(d.b_us);
    case Delta: return (d.delta_us() > 0 ? "+" : "") + ms(d.delta_us());
    case DeltaPercent:
        if (d.a_boots == 0) return QStringLiteral("only in B");
        if (d.b_boots == 0) return QStringLiteral("only in A");
        if (d.a_us == 0) return QStringLiteral("from 0"); // a jiffy-timed initcall: 0 or 4000 µs
        return (pct > 0 ? "+" : "") + QString::number(pct, 'f', 1) + " %";
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
    }
    return {};
}

} // namespace bootlab::gui
