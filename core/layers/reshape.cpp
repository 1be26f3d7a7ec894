#include "reshape.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "reshaping_support.h"

#include <stdexcept>

namespace layerscope {

std::unique_ptr<Reshape> Reshape::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    ReshapeParams p;
    if (!config.contains("target_shape"))
        throw std::invalid_argument("Reshape.__init__() missing 1 required positional argument: 'target_shape'");
    const nlohmann::json& t = config.at("target_shape");
    if (!t.is_array())
        throw std::invalid_argument("`target_shape` must be a tuple or list of integers. Received: target_shape="
                                    + t.dump());
    p.targetShape.clear();
    for (const nlohmann::json& v : t) {
        if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t{1} << 62))
            throw std::invalid_argument("Each dimension in `target_shape` must be a non-negative integer, or `-1` "
                                        "for a single unknown dimension. Received: target_shape="
                                        + t.dump() + ".");
        p.targetShape.push_back(v.get<int64_t>());
    }
    return std::make_unique<Reshape>(readString(config, "name", "reshape"), p);
}

nlohmann::json Reshape::config() const
{
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"target_shape", m_params.targetShape}};
}

std::string Reshape::summary() const
{
    return "reshape to " + tupleString(m_params.targetShape);
}

LayerShape Reshape::inferShape(const Shape& input) const
{
    const std::vector<int64_t>& t = m_params.targetShape;
    const std::string target = tupleString(t);
    int unknown = 0;
    for (int64_t v : t) {
        if (v < -1)
            throw error("Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single unknown "
                        "dimension. Received: target_shape=" + target + ".");
        unknown += v == -1;
    }
    if (unknown > 1)
        throw error("There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape="
                    + target + ".");
    const Shape inTail(input.begin() + 1, input.end());
    int64_t cells = 1, known = 1;
    for (int64_t v : inTail)
        if (__builtin_mul_overflow(cells, v, &cells))
            throw std::overflow_error("Reshape input size overflows");
    for (int64_t v : t)
        if (v != -1 && __builtin_mul_overflow(known, v, &known))
            throw std::overflow_error("Reshape target size overflows");
    Shape output{input[0]};
    if (unknown) {
        if (known == 0 || cells % known != 0)
            throw error("The total size of the tensor must be unchanged, however, the input size cannot by divided by "
                        "the specified dimensions in target_shape. Received: input_shape=" + shapeToTuple(inTail)
                        + ", target_shape=" + target + " (" + std::to_string(cells) + " cells, known sizes "
                        + std::to_string(known) + ")");
        for (int64_t v : t)
            output.push_back(v == -1 ? cells / known : v);
    } else {
        if (known != cells)
            throw error("The total size of the tensor must be unchanged. Received: input_shape=" + shapeToTuple(inTail)
                        + ", target_shape=" + target + " (" + std::to_string(cells) + " cells ≠ "
                        + std::to_string(known) + ")");
        output.insert(output.end(), t.begin(), t.end());
    }
    if (output.size() > 4)
        throw error("LayerScope tensors have at most 4 axes: target_shape=" + target + " makes the "
                    + std::to_string(output.size()) + "-axis output " + shapeToTuple(output)
                    + " (Keras allows it; LayerScope cannot hold it)");
    LayerShape result;
    result.output = output;
    result.axes.push_back(copiedAxis("batch", input[0]));
    for (size_t a = 0; a < t.size(); ++a) {
        AxisExplanation e;
        e.axis = "axis " + std::to_string(a + 1);
        e.rule = t[a] == -1 ? "−1: the remaining cells" : "set by target_shape";
        e.input = a + 1 < input.size() ? input[a + 1] : 1;
        e.output = output[a + 1];
        e.arithmetic = t[a] == -1 ? std::to_string(cells) + " / " + std::to_string(known) + " = "
                                        + std::to_string(output[a + 1])
                                  : "target_shape[" + std::to_string(a) + "] = " + std::to_string(t[a]);
        result.axes.push_back(e);
    }
    return result;
}

Tensor Reshape::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    context.throwIfCancelled();
    return input.reshaped(shape.output);
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> Reshape::editorFields()
{
    return {{"target_shape", "Target shape", FieldKind::IntList, {}, -1, 1 << 30, 3,
             "Sizes after the batch axis, at most one −1 (the remaining cells)", {}}};
}

nlohmann::json Reshape::fuzzJson(FuzzBytes& in, const std::string& name)
{
    nlohmann::json target = nlohmann::json::array();
    const int count = in.next() % 6;
    for (int i = 0; i < count; ++i)
        target.push_back(in.next() % 5 == 0 ? int64_t{-1} : in.value());
    return {{"class_name", kClassName}, {"config", {{"name", name}, {"target_shape", target}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation Reshape::explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& o) const
{
    const Shape& s = input.shape();
    const std::vector<int64_t> outIndex = axisIndex(o, output.size(), DataFormat::ChannelsLast);
    const Shape outTail(output.begin() + 1, output.end()), inTail(s.begin() + 1, s.end());
    const int64_t flat = output.size() > 1 ? ravelIndex({outIndex.begin() + 1, outIndex.end()}, outTail) : 0;
    std::vector<int64_t> source{outIndex[0]};
    const std::vector<int64_t> tail = unravelIndex(flat, inTail);
    source.insert(source.end(), tail.begin(), tail.end());
    CellExplanation e;
    e.kind = ExplanationKind::Copy;
    ContributingCell cell;
    cell.cell = cellFromStorage(source, DataFormat::ChannelsLast);
    cell.value = input[ravelIndex(source, s)];
    cell.windowY = cell.windowX = 0;
    e.cells.push_back(cell);
    e.cellCount = 1;
    e.value = cell.value;
    e.exact = true;
    e.window = e.clipped = {cell.cell.y, cell.cell.y, cell.cell.x, cell.cell.x};
    e.summary = "copied from input index " + indexText(source) + " = " + formatValue(e.value);
    e.details.push_back("output index " + indexText(outIndex) + " is cell " + std::to_string(flat)
                        + " of its batch item in row-major order, which is input index " + indexText(source));
    return e;
}

RegionMapping Reshape::mapOutputRegion(const Shape& input, const Shape& output, const std::vector<Interval>& clipped,
                                       const std::vector<Interval>& /*unclipped*/) const
{
    const Shape inTail(input.begin() + 1, input.end());
    return mapRunsBack(input, output, clipped,
                       [&](int64_t first, int64_t last) { return flatRangeBox(first, last, inTail); });
}

std::vector<AxisWindow> Reshape::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return slabWindows(input, output, DataFormat::ChannelsLast, spatialAxis,
                       [&](const std::vector<Interval>& box) { return mapOutputRegion(input, output, box, box); });
}

} // namespace layerscope
