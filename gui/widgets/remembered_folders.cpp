#include "remembered_folders.h"

#include <QDir>
#include <QSettings>

namespace layerscope::gui {

QString RememberedFolders::folder(const QString& kind) const
{
    if (!m_useSettings)
        return QDir::homePath();
    return QSettings().value("dirs/" + kind, QDir::homePath()).toString();
}

void RememberedFolders::remember(const QString& kind, const QString& folder) const
{
    if (m_useSettings)
        QSettings().setValue("dirs/" + kind, folder);
}

} // namespace layerscope::gui
