#include "concatenate.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "../parallel.h"
#include "merge.h"

#include <cstring>

namespace layerscope {

using nlohmann::json;

std::unique_ptr<Concatenate> Concatenate::fromJson(const json& object)
{
    const json& config = object.at("config");
    ConcatenateParams p;
    p.axis = readInt(config, "axis", -1);
    return std::make_unique<Concatenate>(readString(config, "name", kNameStem), p);
}

json Concatenate::config() const
{
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"axis", m_params.axis}};
}

std::string Concatenate::summary() const
{
    return "along axis " + std::to_string(m_params.axis);
}

static std::string shapeList(const std::vector<Shape>& shapes)
{
    std::string text = "[";
    for (size_t i = 0; i < shapes.size(); ++i)
        text += (i ? ", " : "") + shapeToTuple(shapes[i]);
    return text + "]";
}

size_t Concatenate::resolvedAxis(size_t rank) const
{
    const int64_t r = static_cast<int64_t>(rank);
    if (m_params.axis >= r || m_params.axis < -r)
        throw error("axis " + std::to_string(m_params.axis) + " is out of bounds for inputs of rank "
                    + std::to_string(rank) + " (valid: " + std::to_string(-r) + " … " + std::to_string(r - 1) + ")");
    return static_cast<size_t>(m_params.axis < 0 ? m_params.axis + r : m_params.axis);
}

LayerShape Concatenate::inferShapes(const std::vector<Shape>& inputs) const
{
    if (inputs.empty())
        throw error("A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape=[]");
    const std::string mismatch = "A `Concatenate` layer requires inputs with matching shapes except for the "
                                 "concatenation axis. Received: input_shape="
                               + shapeList(inputs);
    const size_t rank = inputs[0].size();
    for (const Shape& s : inputs)
        if (s.size() != rank)
            throw error(mismatch);
    const size_t axis = resolvedAxis(rank);
    for (const Shape& s : inputs)
        for (size_t k = 0; k < rank; ++k)
            if (k != axis && s[k] >= 0 && inputs[0][k] >= 0 && s[k] != inputs[0][k])
                throw error(mismatch);
    LayerShape result;
    result.output = inputs[0];
    int64_t total = 0;
    std::string sum;
    for (size_t i = 0; i < inputs.size(); ++i) {
        total += inputs[i][axis];
        sum += (i ? " + " : "") + std::to_string(inputs[i][axis]);
    }
    result.output[axis] = total;
    for (size_t k = 0; k < rank; ++k) {
        AxisExplanation e;
        e.axis = mergeAxisName(rank, k);
        e.input = inputs[0][k];
        e.output = result.output[k];
        if (k == axis) {
            e.rule = "concatenated";
            e.arithmetic = sum + " = " + std::to_string(total);
        } else {
            e.rule = "copied";
            e.arithmetic = std::to_string(e.input) + " → " + std::to_string(e.output);
        }
        result.axes.push_back(std::move(e));
    }
    return result;
}

Tensor Concatenate::forwardInputs(const std::vector<const Tensor*>& inputs, const ExecContext& context) const
{
    std::vector<Shape> shapes;
    for (const Tensor* t : inputs)
        shapes.push_back(t->shape());
    const LayerShape shape = inferShapes(shapes);
    guard(context, shape.output);
    Tensor output = Tensor::uninitialized(shape.output);
    const size_t axis = resolvedAxis(shape.output.size());
    int64_t outer = 1, after = 1;
    for (size_t k = 0; k < axis; ++k)
        outer *= shape.output[k];
    for (size_t k = axis + 1; k < shape.output.size(); ++k)
        after *= shape.output[k];
    // Each outer index: every input's contiguous block of (its size on axis) × after floats.
    std::vector<int64_t> block, offset;
    int64_t row = 0;
    for (const Shape& s : shapes) {
        block.push_back(s[axis] * after);
        offset.push_back(row);
        row += s[axis] * after;
    }
    float* out = output.data();
    parallelChunks(outer, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, row)), context,
                   [&](int64_t begin, int64_t end) {
        for (int64_t o = begin; o < end; ++o)
            for (size_t i = 0; i < inputs.size(); ++i)
                std::memcpy(out + o * row + offset[i], inputs[i]->data() + o * block[i],
                            static_cast<size_t>(block[i]) * sizeof(float));
    });
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> Concatenate::editorFields()
{
    return {{"axis", "Axis", FieldKind::Int, {}, -4, 3, 0,
             "The axis the inputs are joined along; -1 is the last (channels for NHWC)", {}}};
}

json Concatenate::fuzzJson(FuzzBytes& in, const std::string& name)
{
    return {{"class_name", kClassName}, {"config", {{"name", name}, {"axis", in.value() % 6 - 3}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation Concatenate::explainOutputCellInputs(const std::vector<const Tensor*>& inputs, const Shape& output,
                                                     const CellIndex& cell) const
{
    const size_t rank = output.size();
    const size_t axis = resolvedAxis(rank);
    std::vector<int64_t> index = axisIndex(cell, rank, DataFormat::ChannelsLast);
    int64_t start = 0;
    size_t source = 0;
    for (; source < inputs.size(); ++source) {
        const int64_t n = inputs[source]->shape()[axis];
        if (index[axis] < start + n)
            break;
        start += n;
    }
    if (source == inputs.size())
        throw std::out_of_range("cell " + cellText(cell) + " is outside the concatenation " + shapeToTuple(output));
    const int64_t outIndex = index[axis];
    index[axis] -= start;
    const Tensor& in = *inputs[source];
    int64_t flat = 0;
    for (size_t k = 0; k < rank; ++k)
        flat = flat * in.shape()[k] + index[k];
    CellExplanation e;
    e.kind = ExplanationKind::Concatenate;
    e.output = cell;
    ContributingCell c;
    c.cell = cellFromAxes(index);
    c.value = in[flat];
    c.weight = 1;
    c.input = static_cast<int>(source);
    e.cells.push_back(c);
    e.cellCount = 1;
    e.value = c.value;
    e.exact = true;
    const std::string axisName = mergeAxisName(rank, axis);
    e.summary = "copied from input " + std::to_string(source) + " " + cellText(c.cell) + " = " + formatValue(c.value)
              + ": " + axisName + " index " + std::to_string(outIndex) + " is index " + std::to_string(index[axis])
              + " of input " + std::to_string(source);
    e.details.push_back("input " + std::to_string(source) + " " + shapeToTuple(in.shape()) + " occupies " + axisName
                        + " " + std::to_string(start) + "…" + std::to_string(start + in.shape()[axis] - 1)
                        + " of the output " + shapeToTuple(output));
    return e;
}

std::vector<RegionMapping> Concatenate::mapOutputRegionInputs(const std::vector<Shape>& inputs, const Shape& output,
                                                              const std::vector<Interval>& clipped,
                                                              const std::vector<Interval>& unclipped) const
{
    if (clipped.size() != output.size() || unclipped.size() != output.size())
        throw std::invalid_argument("a region of rank " + std::to_string(clipped.size()) + " for an output of rank "
                                    + std::to_string(output.size()));
    const size_t axis = resolvedAxis(output.size());
    std::vector<RegionMapping> result;
    int64_t start = 0;
    for (const Shape& s : inputs) {
        RegionMapping r{clipped, unclipped};
        const int64_t n = s[axis];
        // The part of the region inside this input's slice, in the input's coordinates (empty
        // when the region lies in other inputs' slices).
        Interval part{std::max(clipped[axis].first, start) - start, std::min(clipped[axis].last, start + n - 1) - start};
        if (part.empty())
            part = {0, -1};
        r.clipped[axis] = part;
        r.unclipped[axis] = part;
        result.push_back(std::move(r));
        start += n;
    }
    return result;
}

std::vector<AxisWindow> Concatenate::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    if (output.size() != 4)
        throw std::invalid_argument("Concatenate '" + name() + "' has no spatial axes on a rank-"
                                    + std::to_string(output.size()) + " tensor");
    const size_t axis = static_cast<size_t>(spatialAxis + 1);
    std::vector<AxisWindow> windows;
    for (int64_t o = 0; o < output[axis]; ++o) {
        // One input: the identity. Along the concatenation axis an index past the input's size
        // belongs to a later input.
        const Interval v = o < input[axis] ? Interval{o, o} : Interval{0, -1};
        windows.push_back({v, v});
    }
    return windows;
}

} // namespace layerscope
