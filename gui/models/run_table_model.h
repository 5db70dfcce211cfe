#pragma once
// Every stored run as a table row: what the History tab lists, sorts and filters. Rows are
// updated in place when a launched boot finishes, so the history grows while an experiment runs.
#include "store/store.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <unordered_map>
#include <vector>

namespace bootlab::gui {

class RunTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Experiment, Kernel, Variant, Host, Status, Date, BootToInit, InitDone, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, RunIdRole };

    using QAbstractTableModel::QAbstractTableModel;

    void setRuns(std::vector<store::RunInfo> runs);
    // A run that was just stored (or stored again): updated if known, else appended.
    void upsertRun(const store::RunInfo& run);
    const store::RunInfo* runById(std::int64_t id) const;
    int rowOf(std::int64_t id) const; // -1 if not listed
    const std::vector<store::RunInfo>& runs() const { return runs_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    std::vector<store::RunInfo> runs_;
    std::unordered_map<std::int64_t, int> row_of_;
};

// Sorting by the real values (numbers as numbers, dates as dates), and a filter of words that
// must all appear somewhere in a row: "default scan-sync ok" finds what one would expect.
class RunFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit RunFilterModel(QObject* parent = nullptr);
    void setFilterWords(const QString& text);

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

private:
    QStringList words_;
};

// "1.234 s" for a microsecond count; "-" when unknown.
QString secondsText(std::optional<model::Micros> us);

} // namespace bootlab::gui
