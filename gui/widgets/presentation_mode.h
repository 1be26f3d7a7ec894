#pragma once
// View ▸ Presentation (F11), for a lecture hall: the application's font grows 1.6× (every window,
// the graph windows too, and the numbers drawn in the cells follow it), the window goes full
// screen and every dock but the ones named at construction is hidden. Leaving restores the
// font, the window state and each dock as it was.

#include <QByteArray>
#include <QFont>
#include <QObject>
#include <QStringList>

class QMainWindow;

namespace layerscope::gui {

class PresentationMode : public QObject {
    Q_OBJECT
public:
    static constexpr double kFontScale = 1.6;

    // `keptDocks`: object names of the docks that stay (the layer list, the parameters).
    PresentationMode(QMainWindow* window, QStringList keptDocks);
    void setActive(bool active);
    bool isActive() const { return m_active; }

private:
    QMainWindow* m_window;
    QStringList m_kept;
    bool m_active = false;
    QFont m_font;
    QByteArray m_dockState;
    Qt::WindowStates m_windowState;
};

} // namespace layerscope::gui
