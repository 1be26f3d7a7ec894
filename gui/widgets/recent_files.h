#pragma once
// File ▸ Open Recent: the ten most recently opened or saved files, newest first, kept in QSettings
// ("recentFiles"); without settings (tests, bench-ui) the list stays empty. Choosing an entry asks
// the owner to open it.

#include <QObject>
#include <QStringList>

class QMenu;

namespace layerscope::gui {

class RecentFiles : public QObject {
    Q_OBJECT
public:
    RecentFiles(QMenu* menu, bool useSettings, QObject* parent = nullptr);
    void add(const QString& path);
    QStringList paths() const;

signals:
    void openRequested(const QString& path);

private:
    void rebuildMenu();

    QMenu* m_menu;
    bool m_useSettings;
};

} // namespace layerscope::gui
