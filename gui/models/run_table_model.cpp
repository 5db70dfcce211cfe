#include "run_table_model.h"

#include <QDateTime>

namespace bootlab::gui {

QString secondsText(std::optional<model::Micros> us) {
    return us ? QString::number(static_cast<double>(*us) / 1e6, 'f', 3) + " s" : QStringLiteral("-");
}

void RunTableModel::setRuns(std::vector<store::RunInfo> runs) {
    beginResetModel();
    runs_ = std::move(runs);
    row_of_.clear();
    for (std::size_t i = 0; i < runs_.size(); ++i) row_of_[runs_[i].id] = static_cast<int>(i);
    endResetModel();
}

void RunTableModel::upsertRun(const store::RunInfo& run) {
    if (auto it = row_of_.find(run.id); it != row_of_.end()) {
        runs_[static_cast<std::size_t>(it->second)] = run;
        emit dataChanged(index(it->second, 0), index(it->second, ColumnCount - 1));
        return;
    }
    const int row = static_cast<int>(runs_.size());
    beginInsertRows({}, row, row);
    runs_.push_back(run);
    row_of_[run.id] = row;
    endInsertRows();
}

const store::RunInfo* RunTableModel::runById(std::int64_t id) const {
    const int row = rowOf(id);
    return row < 0 ? nullptr : &runs_[static_cast<std::size_t>(row)];
}

int RunTableModel::rowOf(std::int64_t id) const {
    auto it = row_of_.find(id);
    return it == row_of_.end() ? -1 : it->second;
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(runs_.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const store::RunInfo& r = runs_[static_cast<std::size_t>(index.row())];
    auto q = [](const std::string& s) { return QString::fromStdString(s); };
    auto micros = [](std::optional<model::Micros> us) -> QVariant {
        return us ? QVariant(static_cast<qlonglong>(*us)) : QVariant(-1LL);
    };
    if (role == RunIdRole) return static_cast<qlonglong>(r.id);
    if (role == Qt::TextAlignmentRole && (index.column() == Id || index.column() == BootToInit ||
                                          index.column() == InitDone))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Status && !r.error.empty()) return q(r.error);
    if (role == Qt::ToolTipRole && index.column() == Host)
        return q(r.backend == "libvirt" ? "a libvirt domain on " + r.host
                 : r.backend == "qemu"  ? "QEMU started by bootlab on " + r.host
                                        : "imported (" + r.backend + ")");
    if (role == Qt::ToolTipRole && index.column() == Kernel && !r.kernel_series.empty())
        return "built from linux-source + kernel-patches/" + q(r.kernel_series);
    if (role != Qt::DisplayRole && role != SortRole) return {};
    switch (index.column()) {
    case Id: return static_cast<qlonglong>(r.id);
    case Experiment: return q(r.experiment);
    case Kernel: return q(r.kernel_version.empty() ? "?" : r.kernel_version);
    case Variant: return q(r.variant);
    case Host: return q(!r.host.empty() ? r.host : r.backend == "import" ? "imported" : "?");
    case Status: return QString(model::to_string(r.status));
    case Date:
        // runs are numbered as they are stored, and stamped then: the id sorts as the date does
        if (role == SortRole) return static_cast<qlonglong>(r.id);
        return QDateTime::fromString(q(r.created), Qt::ISODate).toLocalTime().toString("yyyy-MM-dd HH:mm");
    case BootToInit: return role == SortRole ? micros(r.metrics.boot_to_init) : QVariant(secondsText(r.metrics.boot_to_init));
    case InitDone: return role == SortRole ? micros(r.metrics.init_done) : QVariant(secondsText(r.metrics.init_done));
    }
    return {};
}

QVariant RunTableModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"Run", "Experiment", "Kernel", "Variant", "Host", "Status", "Date", "Boot-to-init", "Init done"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

RunFilterModel::RunFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(RunTableModel::SortRole);
}

void RunFilterModel::setFilterWords(const QString& text) {
    words_ = text.split(' ', Qt::SkipEmptyParts);
    invalidateRowsFilter();
}

bool RunFilterModel::filterAcceptsRow(int row, const QModelIndex& parent) const {
    const QAbstractItemModel* m = sourceModel();
    for (const QString& w : words_) {
        bool found = false;
        for (int c = 0; c < m->columnCount(parent) && !found; ++c)
            found = m->index(row, c, parent).data().toString().contains(w, Qt::CaseInsensitive);
        if (!found) return false;
    }
    return true;
}

} // namespace bootlab::gui
