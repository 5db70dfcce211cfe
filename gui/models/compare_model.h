#pragma once
// Compare: two sets of boots (one run each, or all ok runs of two variants), function by
// function. A function's time in a boot is the sum of its spans (async cookies of one function
// add up); a side's value is the median over its boots, a boot without the function counting 0.
#include "check/run_set.h"

#include <QAbstractTableModel>
#include <string>
#include <vector>

namespace bootlab::gui {

struct FunctionDelta {
    std::string function; // "do_scan_async [scsi_mod]"
    double a_us = 0, b_us = 0;
    int a_boots = 0, b_boots = 0; // boots of each side the function ran in at all
    double delta_us() const { return b_us - a_us; }
};

// Sorted by |delta|, largest first; functions that are 0 on both sides are left out.
std::vector<FunctionDelta> function_deltas(const std::vector<check::RunSample>& a,
                                           const std::vector<check::RunSample>& b);

class CompareModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Function, A, B, Delta, DeltaPercent, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1 };
    using QAbstractTableModel::QAbstractTableModel;

    void setDeltas(std::vector<FunctionDelta> deltas, QString a_name, QString b_name);
    const std::vector<FunctionDelta>& deltas() const { return deltas_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    std::vector<FunctionDelta> deltas_;
    QString a_name_ = "A", b_name_ = "B";
};

} // namespace bootlab::gui
