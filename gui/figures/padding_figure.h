#pragma once
// The "padding" figure: the Shape math dock's SAME-padding split for both spatial axes of a
// pooling or convolution layer (shapeWhatIf): the general formula, the formula with the layer's
// numbers, the padding split in words and the diagram (paintPaddingSplit, the dock's own drawing).

#include "figure_file.h"

#include "core/layer.h"

namespace layerscope::gui {

// Throws std::invalid_argument for a layer without a sliding window (shapeWhatIf's message).
Figure paddingFigure(const Layer& layer, const Shape& input);

} // namespace layerscope::gui
