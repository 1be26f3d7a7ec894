#include "numbers_figure.h"

#include "step_frame.h"

#include "core/explain/receptive_field.h"

#include <QPainter>

#include <stdexcept>

namespace layerscope::gui {

namespace {
constexpr int64_t kDefaultCells = 8;
constexpr int kCell = 48; // pixels per cell when the figure is sized to its grids
}

Figure numbersFigure(std::shared_ptr<const Layer> layer, std::shared_ptr<const Tensor> input,
                     std::shared_ptr<const Tensor> output, int64_t channel, std::optional<OutputRegion> region,
                     std::optional<CellIndex> highlight)
{
    const DataFormat format = layerDataFormat(*layer).value_or(DataFormat::ChannelsLast);
    const AxisRoles roles = axisRoles(output->shape().size(), format);
    const int64_t channels = roles.channels >= 0 ? output->dim(roles.channels) : 1;
    if (channel < 0 || channel >= channels)
        throw std::invalid_argument("channel " + std::to_string(channel) + " does not exist: layer " + layer->name()
                                    + " has " + std::to_string(channels) + " output channel(s), 0…"
                                    + std::to_string(channels - 1));
    auto steps = std::make_shared<StepThrough>(*layer, input->shape(), /*batch=*/0, channel);
    if (!region)
        region = OutputRegion{{0, std::min(kDefaultCells, steps->outputHeight()) - 1},
                              {0, std::min(kDefaultCells, steps->outputWidth()) - 1}};
    // Checks the region against the output (the plan itself is not needed).
    planStepAnimation(*steps, region, /*maxFrames=*/2);
    const CellIndex cell = highlight.value_or(CellIndex{0, region->rows.first, region->cols.first, channel});
    if (cell.y < region->rows.first || cell.y > region->rows.last || cell.x < region->cols.first || cell.x > region->cols.last)
        throw std::invalid_argument("the highlighted cell is outside the region");
    // Size the canvas for the grids: the input area is at most a few cells larger than the region.
    const StepCell first = steps->at(steps->indexOf(region->rows.first, region->cols.first));
    const StepCell last = steps->at(steps->indexOf(region->rows.last, region->cols.last));
    const int64_t inRows = (last.rowsUnclipped.empty() ? last.rows : last.rowsUnclipped).last
                           - (first.rowsUnclipped.empty() ? first.rows : first.rowsUnclipped).first + 1;
    const int64_t inCols = (last.colsUnclipped.empty() ? last.cols : last.colsUnclipped).last
                           - (first.colsUnclipped.empty() ? first.cols : first.colsUnclipped).first + 1;
    const int64_t rows = std::max(inRows, region->rows.size()), cols = inCols + region->cols.size();
    const QSize size(static_cast<int>(std::clamp<int64_t>(cols * kCell + 70, 640, 2400)),
                     static_cast<int>(std::clamp<int64_t>(rows * kCell + 160, 320, 2400)));
    auto frame = std::make_shared<StepFrame>(*layer, *steps, input, output, *region, size);
    const CellExplanation explanation = steps->explain(*input, steps->indexOf(cell.y, cell.x));
    const std::string title = layer->name() + " — numbers, output channel " + std::to_string(channel);
    return {size, title, [frame, explanation](QPainter& painter) {
                frame->paint(painter, explanation, QStringLiteral("highlighted cell"), /*fillAll=*/true);
            }};
}

} // namespace layerscope::gui
