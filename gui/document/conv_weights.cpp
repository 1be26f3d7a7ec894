#include "conv_weights.h"

namespace layerscope::gui {

QStringList kernelPresetNames()
{
    QStringList names;
    for (const std::string& name : layerscope::kernelPresetNames())
        names << QString::fromStdString(name);
    return names;
}

} // namespace layerscope::gui
