#include "elementwise.h"

#include "../explain/explain_support.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace layerscope {

std::vector<std::string> elementwiseAxisNames(size_t rank)
{
    switch (rank) {
    case 4:
        return {"batch", "height", "width", "channels"};
    case 3:
        return {"height", "width", "channels"};
    case 2:
        return {"batch", "channels"};
    default:
        return std::vector<std::string>(rank, "channels");
    }
}

LayerShape sameShape(const Shape& input)
{
    LayerShape result;
    result.output = input;
    const std::vector<std::string> names = elementwiseAxisNames(input.size());
    for (size_t d = 0; d < input.size(); ++d)
        result.axes.push_back(copiedAxis(names[d], input[d]));
    return result;
}

LayerShape ElementwiseLayer::inferShape(const Shape& input) const
{
    checkInput(input);
    return sameShape(input);
}

using namespace explain;

CellExplanation ElementwiseLayer::explainOutputCell(const Tensor& input, const Shape& /*output*/,
                                                    const CellIndex& cell) const
{
    const Shape& shape = input.shape();
    const std::vector<int64_t> index = axisIndex(cell, shape.size(), DataFormat::ChannelsLast);
    const float x = input[tensorOffset(shape, cell)];
    const CellValue v = explainValue(x, shape, index);
    CellExplanation e;
    e.kind = ExplanationKind::Elementwise;
    ContributingCell c;
    c.cell = cell;
    c.value = x;
    c.windowY = c.windowX = 0;
    e.cells.push_back(c);
    e.cellCount = 1;
    e.window = e.clipped = {cell.y, cell.y, cell.x, cell.x};
    e.value = v.value;
    e.exact = v.exact;
    e.summary = v.formula;
    return e;
}

RegionMapping ElementwiseLayer::mapOutputRegion(const Shape& /*input*/, const Shape& /*output*/,
                                                const std::vector<Interval>& clipped,
                                                const std::vector<Interval>& unclipped) const
{
    return {clipped, unclipped};
}

std::vector<AxisWindow> ElementwiseLayer::outputAxisWindows(const Shape& /*input*/, const Shape& output,
                                                            int spatialAxis) const
{
    const AxisRoles roles = axisRoles(output.size(), DataFormat::ChannelsLast);
    const int axis = spatialAxis == 0 ? roles.rows : roles.cols;
    if (axis < 0)
        throw std::invalid_argument(className() + " output of rank " + std::to_string(output.size())
                                    + " has no " + (spatialAxis == 0 ? "rows" : "columns") + " axis");
    std::vector<AxisWindow> windows;
    windows.reserve(static_cast<size_t>(output[static_cast<size_t>(axis)]));
    for (int64_t o = 0; o < output[static_cast<size_t>(axis)]; ++o)
        windows.push_back({Interval{o, o}, Interval{o, o}});
    return windows;
}

float BroadcastArray::at(const std::vector<int64_t>& index) const
{
    int64_t offset = 0;
    for (size_t d = 0; d < shape.size(); ++d)
        offset = offset * shape[d] + (shape[d] == 1 ? 0 : index[d]);
    return values[static_cast<size_t>(offset)];
}

std::optional<BroadcastArray> broadcastTo(const Shape& input, const Shape& arrayShape, std::vector<float> values)
{
    if (arrayShape.size() > input.size())
        return std::nullopt;
    BroadcastArray b;
    b.shape.assign(input.size() - arrayShape.size(), 1);
    b.shape.insert(b.shape.end(), arrayShape.begin(), arrayShape.end());
    for (size_t d = 0; d < input.size(); ++d)
        if (b.shape[d] != 1 && b.shape[d] != input[d])
            return std::nullopt;
    b.values = std::move(values);
    return b;
}

BroadcastArray vectorOnAxis(size_t rank, size_t axis, std::vector<float> values)
{
    BroadcastArray b;
    b.shape.assign(rank, 1);
    b.shape[axis] = static_cast<int64_t>(values.size());
    b.values = std::move(values);
    return b;
}

std::string pythonNumber(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    if (value == std::floor(value) && std::abs(value) < 1e16)
        return std::to_string(static_cast<int64_t>(value));
    char buffer[32];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
        if (std::strtod(buffer, nullptr) == value)
            break;
    }
    return buffer;
}

bool isJsonNumber(const nlohmann::json& value)
{
    return value.is_number();
}

} // namespace layerscope
