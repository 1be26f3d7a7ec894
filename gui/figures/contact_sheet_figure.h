#pragma once
// The "contact" figure: every channel of a layer's output (the first kMaxChannels) as a tile,
// each labelled with its index and value range, under a title, with one colour bar for the whole
// sheet. The tiles are the engine's own renderings (renderChannel, nearest-neighbour, one
// normalisation across the layer so that the single colour bar is true for every tile); the
// labels and the bar's numbers are text.

#include "figure_file.h"

#include "core/render/render.h"

#include <memory>

namespace layerscope::gui {

constexpr int kMaxContactChannels = 64;

// Viridis for layers with non-negative outputs, the diverging map for signed ones (as `run` does).
Figure contactSheetFigure(const std::string& layerName, const std::string& layerClass, bool signedValues,
                          std::shared_ptr<const Tensor> output);

} // namespace layerscope::gui
