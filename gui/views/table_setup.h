#pragma once
// How every tab's tables look: whole rows selected, no row numbers, rows one line of text high.
#include <QHeaderView>
#include <QTableView>

namespace bootlab::gui {

inline void setUpRowTable(QTableView* t) {
    t->verticalHeader()->hide();
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
}

} // namespace bootlab::gui
