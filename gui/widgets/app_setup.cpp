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
}

} // namespace layerscope::gui
