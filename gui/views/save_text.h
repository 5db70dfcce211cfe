#pragma once
// Writes a file all at once (QSaveFile: a temporary renamed over it), so a failed write never
// leaves half a file. Throws bootlab::Error naming the file.
#include "common/error.h"

#include <QSaveFile>
#include <string>

namespace bootlab::gui {

inline void saveText(const QString& file, const std::string& text) {
    QSaveFile f(file);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), static_cast<qint64>(text.size())) < 0 || !f.commit())
        throw Error(file.toStdString() + ": " + f.errorString().toStdString());
}

} // namespace bootlab::gui
