#pragma once
// Compare: two sets of boots (one run each, or all ok runs of two variants), function by
// function, with the evidence for each difference: the boots' spread on both sides and whether
// the difference is beyond it, by the rule `bootlab check` lists its spans with
// (check/function_change.h). Real changes first; jiffy-timed rows say so.
#include "check/function_change.h"

#include <QAbstractTableModel>
#include <vector>

namespace bootlab::gui {

class CompareModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Function, Delta, DeltaPercent, Evidence, A, B, Spread, ColumnCount }; // the verdict before the numbers
    enum Role { SortRole = Qt::UserRole + 1 };
    using QAbstractTableModel::QAbstractTableModel;

    void setChanges(std::vector<check::FunctionChange> changes, QString a_name, QString b_name);
    const std::vector<check::FunctionChange>& changes() const { return changes_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    std::vector<check::FunctionChange> changes_;
    QString a_name_ = "A", b_name_ = "B";
};

} // namespace bootlab::gui
