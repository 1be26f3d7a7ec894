#include "presentation_mode.h"

#include <QApplication>
#include <QDockWidget>
#include <QMainWindow>

namespace layerscope::gui {

PresentationMode::PresentationMode(QMainWindow* window, QStringList keptDocks)
    : QObject(window), m_window(window), m_kept(std::move(keptDocks))
{
}

void PresentationMode::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (active) {
        m_font = QApplication::font();
        m_dockState = m_window->saveState();
        m_windowState = m_window->windowState();
        QFont large = m_font;
        if (large.pointSizeF() > 0)
            large.setPointSizeF(large.pointSizeF() * kFontScale);
        else
            large.setPixelSize(static_cast<int>(large.pixelSize() * kFontScale));
        QApplication::setFont(large);
        for (QDockWidget* dock : m_window->findChildren<QDockWidget*>())
            if (!m_kept.contains(dock->objectName()))
                dock->hide();
        m_window->setWindowState(m_windowState | Qt::WindowFullScreen);
        return;
    }
    QApplication::setFont(m_font);
    m_window->restoreState(m_dockState);
    m_window->setWindowState(m_windowState);
}

} // namespace layerscope::gui
