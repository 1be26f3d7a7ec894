#pragma once
// The "numbers" figure: the numbers grid of a layer's output region next to the input window of
// one highlighted cell, with that cell's arithmetic underneath: one step-through frame (StepFrame)
// with every output cell filled in.

#include "figure_file.h"

#include "core/explain/step_animation_plan.h"

#include <memory>
#include <optional>

namespace layerscope::gui {

// `region` defaults to the output's top-left 8×8 cells (a readable grid); `highlight` to the
// region's first cell. Throws std::invalid_argument for a channel, region or cell outside the
// output, std::invalid_argument for a layer without a receptive-field rule.
Figure numbersFigure(std::shared_ptr<const Layer> layer, std::shared_ptr<const Tensor> input,
                     std::shared_ptr<const Tensor> output, int64_t channel, std::optional<OutputRegion> region,
                     std::optional<CellIndex> highlight = std::nullopt);

} // namespace layerscope::gui
