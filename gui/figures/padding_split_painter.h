#pragma once
// The SAME-padding split of one axis as the Shape math dock draws it (PaddingDiagram): a row of
// input cells with the padding before and after hatched, and the window of every output index
// underneath (the first 16). Shared by the dock and the padding figure so the two never differ.

#include "core/explain/shape_what_if.h"

#include <QColor>
#include <QFont>
#include <QRect>

class QPainter;

namespace layerscope::gui {

// Draws into `area` (its width sets the cell size, 6–22 px); text in `textColor`.
void paintPaddingSplit(QPainter& painter, const QRect& area, const ShapeWhatIf& math, const QFont& font,
                       const QColor& textColor);
// The height paintPaddingSplit needs for `math`.
int paddingSplitHeight(const ShapeWhatIf& math);

} // namespace layerscope::gui
