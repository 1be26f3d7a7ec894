#include "app_setup.h"

#include "cli/cli.h"

#include <QApplication>
#include <QIcon>

static void initLayerScopeResources()
{
    Q_INIT_RESOURCE(layerscope);
}

namespace layerscope::gui {

void setUpApplication()
{
    initLayerScopeResources();
    QCoreApplication::setOrganizationName("LayerScope");
    QCoreApplication::setApplicationName("LayerScope");
    QCoreApplication::setApplicationVersion(QString::fromLatin1(versionNumber()));
    QApplication::setWindowIcon(QIcon(":/icons/layerscope.svg"));
    // Ties the windows to the installed menu entry (Wayland app_id, the taskbar icon), see
    // resources/packaging/io.github.layerscope.LayerScope.desktop.
    QGuiApplication::setDesktopFileName("io.github.layerscope.LayerScope");
}

} // namespace layerscope::gui
