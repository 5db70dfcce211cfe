#pragma once
// Errors are shown in a window-modal box that does not block the caller (open(), not exec()):
// a boot running on its thread keeps reporting, and tests can read the box instead of hanging.
#include <QMessageBox>

namespace bootlab::gui {

inline QMessageBox* showError(QWidget* parent, const QString& title, const QString& text) {
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setObjectName("error");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return box;
}

} // namespace bootlab::gui
