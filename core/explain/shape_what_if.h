#pragma once
// Shape math for a learner: for one spatial axis of a windowed layer (AveragePooling2D, Conv2D),
// the general output-size formula, the same formula with the layer's numbers, the SAME padding
// split with the window of every output index (for a small diagram), and what-if tables of the
// output size for neighbouring values of the input size, pool / kernel size, stride, dilation and
// padding — so that "7 with pool 2 stride 2 gives 3" can be seen next to 6, 8 and stride 3.
// Every number comes from windowAxis (shape_math.h); this file only chooses the neighbours and
// says why a combination is invalid (the same reasons inferShape raises, per axis):
//   k, s, d or n ≤ 0; a dilation on a pooling layer (pooling has none); a conv stride > 1 together
//   with a dilation > 1 (Keras rejects it); a valid output ≤ 0 (the window is larger than the input).

#include "core/explain/window_config.h"
#include "core/layer.h"
#include "core/shape_math.h"

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope {

struct WhatIfEntry {
    bool valid = false;
    int64_t output = 0;             // windowAxis's value (may be ≤ 0 when invalid)
    int64_t padBefore = 0, padAfter = 0;
    std::string arithmetic;         // windowAxis's formula with numbers
    std::string reason;             // why it is invalid; empty when valid
};

// One configuration, checked.
WhatIfEntry evaluateWindow(const WindowConfig& config, const std::string& axis = "width");

struct WhatIfTable {
    std::string title;                       // "output size by input size n and stride s"
    std::string rowParameter, columnParameter;
    std::vector<std::string> rowLabels, columnLabels;
    std::vector<std::vector<WhatIfEntry>> entries; // [row][column]
    int currentRow = -1, currentColumn = -1; // the layer's own configuration, when in the table
};

struct ShapeWhatIf {
    std::string axis;            // "height" / "width"
    WindowConfig config;
    WhatIfEntry current;
    std::string rule;            // the general formula (windowAxis)
    std::string paddingSplit;    // "SAME: total 1 = 0 before + 1 after (the odd pad goes bottom/right)"
    int64_t padTotal = 0;
    // The window [first, last] of each output index along the axis, in input coordinates (may
    // reach into the padding); at most kMaxDiagramWindows are listed.
    struct Window { int64_t first = 0, last = 0; };
    std::vector<Window> windows;
    std::vector<WhatIfTable> tables;
};
constexpr int64_t kMaxDiagramWindows = 64;

ShapeWhatIf shapeWhatIf(const WindowConfig& config, const std::string& axis = "width");
// For a layer with a sliding window (Layer::slidingWindow: pooling, convolution) on `input` (either
// data_format): axis 0 = height, 1 = width. Throws std::invalid_argument for other layers.
ShapeWhatIf shapeWhatIf(const Layer& layer, const Shape& input, int spatialAxis);

} // namespace layerscope
