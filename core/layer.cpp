#include "layer.h"

namespace layerscope {

bool Layer::operator==(const Layer& other) const
{
    return className() == other.className() && config() == other.config()
        && extras() == other.extras();
}

static void requireOne(const Layer& layer, size_t count)
{
    if (count != 1)
        throw LayerError(layer.className(), layer.name(),
                         "takes exactly 1 input; it was called on " + std::to_string(count));
}

LayerShape Layer::inferShapes(const std::vector<Shape>& inputs) const
{
    requireOne(*this, inputs.size());
    return inferShape(inputs.front());
}

Tensor Layer::forwardInputs(const std::vector<const Tensor*>& inputs, const ExecContext& context) const
{
    requireOne(*this, inputs.size());
    return forward(*inputs.front(), context);
}

CellExplanation Layer::explainOutputCellInputs(const std::vector<const Tensor*>& inputs, const Shape& output,
                                               const CellIndex& cell) const
{
    requireOne(*this, inputs.size());
    return explainOutputCell(*inputs.front(), output, cell);
}

std::vector<RegionMapping> Layer::mapOutputRegionInputs(const std::vector<Shape>& inputs, const Shape& output,
                                                        const std::vector<Interval>& clipped,
                                                        const std::vector<Interval>& unclipped) const
{
    requireOne(*this, inputs.size());
    return {mapOutputRegion(inputs.front(), output, clipped, unclipped)};
}

void Layer::requireRank4(const Shape& input) const
{
    if (input.size() != 4)
        throw error("Input 0 of layer '" + name()
                    + "' is incompatible with the layer: expected ndim=4, found ndim="
                    + std::to_string(input.size()) + ". Full shape received: "
                    + shapeToTuple(input));
}

} // namespace layerscope
