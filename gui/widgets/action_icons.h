#pragma once
// Icons of the toolbar actions that have no layer colour: "add layer" (a neutral plus, not any
// one layer type's badge) and undo / redo (curved arrows). Painted, so they need no icon theme
// or image plugin.

#include <QIcon>

namespace layerscope::gui {

QIcon addLayerIcon();
QIcon undoIcon();
QIcon redoIcon();

} // namespace layerscope::gui
