#include "receptive_field.h"

#include "core/explain/axis_rule.h"

#include <algorithm>
#include <stdexcept>

namespace layerscope {

AxisRoles axisRoles(size_t rank, DataFormat format)
{
    const bool nchw = format == DataFormat::ChannelsFirst;
    switch (rank) {
    case 4: return nchw ? AxisRoles{0, 2, 3, 1} : AxisRoles{0, 1, 2, 3};
    case 3: return nchw ? AxisRoles{-1, 1, 2, 0} : AxisRoles{-1, 0, 1, 2};
    case 2: return {0, -1, -1, 1};
    case 1: return {-1, -1, -1, 0};
    default: return {};
    }
}

static Interval axisOf(const std::vector<Interval>& box, int axis)
{
    return axis >= 0 && static_cast<size_t>(axis) < box.size() ? box[static_cast<size_t>(axis)] : Interval{};
}

Interval TensorRegion::rows() const { return axisOf(clipped, axisRoles(shape.size(), format).rows); }
Interval TensorRegion::cols() const { return axisOf(clipped, axisRoles(shape.size(), format).cols); }
Interval TensorRegion::rowsUnclipped() const { return axisOf(unclipped, axisRoles(shape.size(), format).rows); }
Interval TensorRegion::colsUnclipped() const { return axisOf(unclipped, axisRoles(shape.size(), format).cols); }

std::optional<DataFormat> layerDataFormat(const Layer& layer)
{
    return layer.dataFormat();
}

namespace {

Interval clip(Interval v, int64_t n)
{
    if (v.empty())
        return v;
    return {std::max<int64_t>(v.first, 0), std::min(v.last, n - 1)};
}

void requireRank(const std::vector<Interval>& box, size_t rank, const char* what)
{
    if (box.size() != rank)
        throw std::invalid_argument(std::string("the ") + what + " region has " + std::to_string(box.size())
                                    + " axes but the tensor has rank " + std::to_string(rank));
}

} // namespace

RegionMapping mapRegionBack(const Layer& layer, const Shape& inputShape, const std::vector<Interval>& outClipped,
                            const std::vector<Interval>& outUnclipped)
{
    const LayerShape shape = layer.inferShape(inputShape);
    requireRank(outClipped, shape.output.size(), "output");
    requireRank(outUnclipped, shape.output.size(), "output (unclipped)");
    return layer.mapOutputRegion(inputShape, shape.output, outClipped, outUnclipped);
}

std::vector<RegionMapping> mapRegionBackInputs(const Layer& layer, const std::vector<Shape>& inputShapes,
                                               const std::vector<Interval>& outClipped,
                                               const std::vector<Interval>& outUnclipped)
{
    const LayerShape shape = layer.inferShapes(inputShapes);
    requireRank(outClipped, shape.output.size(), "output");
    requireRank(outUnclipped, shape.output.size(), "output (unclipped)");
    return layer.mapOutputRegionInputs(inputShapes, shape.output, outClipped, outUnclipped);
}

std::vector<AxisWindow> spatialAxisWindows(const Layer& layer, const Shape& inputShape, int spatialAxis)
{
    if (spatialAxis != 0 && spatialAxis != 1)
        throw std::invalid_argument("spatialAxis must be 0 (rows) or 1 (columns)");
    const LayerShape shape = layer.inferShape(inputShape);
    return layer.outputAxisWindows(inputShape, shape.output, spatialAxis);
}

ReceptiveField receptiveField(const Pipeline& pipeline, const Shape& inputShape, size_t layerIndex, Interval rows,
                              Interval cols, int64_t batch)
{
    if (layerIndex >= pipeline.layers.size())
        throw std::invalid_argument("layer " + std::to_string(layerIndex) + " does not exist (the pipeline has "
                                    + std::to_string(pipeline.layers.size()) + " layers)");
    const ChainShapes chain = inferChain(pipeline, inputShape);
    if (chain.failedLayer && *chain.failedLayer <= layerIndex)
        throw std::invalid_argument("layer " + std::to_string(*chain.failedLayer) + " fails: " + chain.error);

    // Each tensor's format: its producer's; the input takes the first layer's with one.
    std::vector<DataFormat> formats(layerIndex + 2, DataFormat::ChannelsLast);
    for (size_t i = 0; i < pipeline.layers.size(); ++i)
        if (auto f = layerDataFormat(*pipeline.layers[i])) {
            formats[0] = *f;
            break;
        }
    for (size_t i = 0; i <= layerIndex; ++i)
        formats[i + 1] = layerDataFormat(*pipeline.layers[i]).value_or(formats[i]);

    ReceptiveField field;
    field.tensors.resize(layerIndex + 2);
    for (size_t t = 0; t < field.tensors.size(); ++t) {
        field.tensors[t].shape = t == 0 ? inputShape : chain.layers[t - 1].output;
        field.tensors[t].format = formats[t];
    }

    // The selected region, clipped to the output.
    TensorRegion& selected = field.tensors.back();
    const AxisRoles roles = axisRoles(selected.shape.size(), selected.format);
    selected.clipped.resize(selected.shape.size());
    for (size_t a = 0; a < selected.shape.size(); ++a) {
        const int axis = static_cast<int>(a);
        const int64_t n = selected.shape[a];
        Interval v = wholeAxis(n);
        if (axis == roles.batch)
            v = clip({batch, batch}, n);
        else if (axis == roles.rows)
            v = clip(rows, n);
        else if (axis == roles.cols)
            v = clip(cols, n);
        selected.clipped[a] = v;
    }
    selected.unclipped = selected.clipped;

    for (size_t i = layerIndex + 1; i-- > 0;) {
        const Layer& layer = *pipeline.layers[i];
        const RegionMapping m = mapRegionBack(layer, field.tensors[i].shape, field.tensors[i + 1].clipped,
                                              field.tensors[i + 1].unclipped);
        field.tensors[i].clipped = m.clipped;
        field.tensors[i].unclipped = m.unclipped;
    }

    const TensorRegion& input = field.tensors.front();
    field.height = input.rows().size();
    field.width = input.cols().size();
    field.extentHeight = input.rowsUnclipped().size();
    field.extentWidth = input.colsUnclipped().size();
    if (input.spatial()) {
        field.text = std::to_string(field.height) + "×" + std::to_string(field.width) + " input pixels (rows "
                   + std::to_string(input.rows().first) + "…" + std::to_string(input.rows().last) + ", columns "
                   + std::to_string(input.cols().first) + "…" + std::to_string(input.cols().last) + ")";
        if (field.extentHeight != field.height || field.extentWidth != field.width)
            field.text += "; " + std::to_string(field.extentHeight) + "×" + std::to_string(field.extentWidth)
                        + " including the padding outside the image";
    } else {
        field.text = "the input has no spatial axes";
    }
    return field;
}

} // namespace layerscope
