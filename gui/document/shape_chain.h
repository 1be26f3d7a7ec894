#pragma once
// Shape inference over the document's layers, honouring bypassed layers (their output is their
// input). Cheap arithmetic only (Layer::inferShape), so the GUI thread may run it on every edit.
// The first failing layer carries the engine's message; the layers after it are blocked.

#include "core/layer.h"

#include <QString>

#include <vector>

namespace layerscope::gui {

struct ShapeChainEntry {
    bool ok = false;
    bool blocked = false;   // after the failing layer (or no input)
    bool bypassed = false;
    Shape output;
    std::vector<AxisExplanation> axes;
    QString error;
};

struct ShapeChain {
    bool hasInput = false;
    Shape input;
    std::vector<ShapeChainEntry> layers;
    int failedLayer = -1;

    // The shape entering layer `index`, empty when unknown.
    Shape inputOf(int index) const;
};

ShapeChain computeShapeChain(const std::vector<const Layer*>& layers,
                             const std::vector<bool>& bypassed, const Shape* input);

} // namespace layerscope::gui
