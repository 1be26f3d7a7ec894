#include "app_setup.h"

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
    QCoreApplication::setApplicationVersion("0.1.0");
    QApplication::setWindowIcon(QIcon(":/icons/layerscope.svg"));
}

} // namespace layerscope::gui
