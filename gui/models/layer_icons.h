#pragma once
// A type icon per layer class: a coloured badge with the class's initials, drawn once and cached.

#include <QIcon>
#include <QString>

namespace layerscope::gui {

QIcon layerIcon(const QString& className);
QColor layerColor(const QString& className);

} // namespace layerscope::gui
