#include "recent_files.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace layerscope::gui {

namespace {
constexpr int kMaxRecentFiles = 10;
}

RecentFiles::RecentFiles(QMenu* menu, bool useSettings, QObject* parent)
    : QObject(parent), m_menu(menu), m_useSettings(useSettings)
{
    rebuildMenu();
}

QStringList RecentFiles::paths() const
{
    return m_useSettings ? QSettings().value("recentFiles").toStringList() : QStringList();
}

void RecentFiles::add(const QString& path)
{
    if (!m_useSettings)
        return;
    QStringList recent = paths();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecentFiles)
        recent.removeLast();
    QSettings().setValue("recentFiles", recent);
    rebuildMenu();
}

void RecentFiles::rebuildMenu()
{
    m_menu->clear();
    const QStringList recent = paths();
    for (const QString& path : recent)
        m_menu->addAction(QFileInfo(path).fileName(), this, [this, path] { emit openRequested(path); })->setToolTip(path);
    m_menu->setEnabled(!recent.isEmpty());
}

} // namespace layerscope::gui
