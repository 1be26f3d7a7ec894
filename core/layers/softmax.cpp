#include "softmax.h"

#include "../config_parse.h"
#include "../explain/axis_rule.h"
#include "../explain/explain_support.h"
#include "../parallel.h"
#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace layerscope {

using nlohmann::json;

std::unique_ptr<Softmax> Softmax::fromJson(const json& object)
{
    const json& config = object.at("config");
    SoftmaxParams p;
    const json axis = config.value("axis", json(-1));
    if (axis.is_number_integer()) {
        p.axes = {axis.get<int64_t>()};
    } else if (axis.is_array() && !axis.empty()) {
        p.axes.clear();
        p.asList = true;
        for (const json& a : axis) {
            if (!a.is_number_integer())
                throw std::invalid_argument("`axis` must be an int or a list of ints. Received: axis=" + axis.dump());
            p.axes.push_back(a.get<int64_t>());
        }
    } else {
        throw std::invalid_argument("`axis` must be an int or a non-empty list of ints. Received: axis=" + axis.dump());
    }
    return std::make_unique<Softmax>(readString(config, "name", kNameStem), std::move(p));
}

json Softmax::config() const
{
    const json axis = m_params.asList ? json(m_params.axes) : json(m_params.axes.front());
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"axis", axis}};
}

std::string Softmax::summary() const
{
    return "axis " + (m_params.asList ? tupleString(m_params.axes) : std::to_string(m_params.axes.front()));
}

std::vector<size_t> Softmax::resolvedAxes(size_t rank) const
{
    const int64_t n = static_cast<int64_t>(rank);
    std::vector<size_t> axes;
    for (int64_t a : m_params.axes) {
        if (a < -n || a >= n) {
            if (m_params.axes.size() == 1)
                throw error("`dim` must be in the range [" + std::to_string(-n) + ", " + std::to_string(n)
                            + ") where " + std::to_string(n) + " is the number of dimensions in the input. Received: dim="
                            + std::to_string(a));
            // TF's reduce_max (Keras's logsumexp over several axes).
            throw error("Invalid reduction dimension (" + std::to_string(a) + " for input with " + std::to_string(n)
                        + " dimension(s) [Op:Max]");
        }
        const size_t axis = static_cast<size_t>(a < 0 ? a + n : a);
        if (std::find(axes.begin(), axes.end(), axis) != axes.end())
            throw error("Invalid reduction arguments: Axes contains duplicate dimension: " + std::to_string(axis) + " [Op:Max]");
        axes.push_back(axis);
    }
    std::sort(axes.begin(), axes.end());
    return axes;
}

LayerShape Softmax::inferShape(const Shape& input) const
{
    resolvedAxes(input.size());
    return sameShape(input);
}

void softmaxSlice(float* v, int64_t n, bool logSumExp)
{
    float m = v[0];
    for (int64_t i = 1; i < n; ++i)
        m = std::max(m, v[i]);
    if (logSumExp) {
        if (!std::isfinite(m))
            m = 0.0f;
        double sum = 0;
        for (int64_t i = 0; i < n; ++i)
            sum += std::exp(static_cast<double>(v[i] - m));
        const float lse = static_cast<float>(std::log(sum)) + m;
        for (int64_t i = 0; i < n; ++i)
            v[i] = std::exp(v[i] - lse);
        return;
    }
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
        v[i] = std::exp(v[i] - m);
        sum += v[i];
    }
    const float reciprocal = 1.0f / static_cast<float>(sum);
    for (int64_t i = 0; i < n; ++i)
        v[i] *= reciprocal;
}

namespace {

// The flat offsets of one slice's cells relative to its first cell, and the first cells of
// every slice, for a reduction over `axes` of a row-major tensor of `shape`.
struct SliceLayout {
    std::vector<int64_t> inSlice;
    int64_t slices = 0;
    Shape shape;
    std::vector<bool> reduced;
    // The flat offset of the first cell of slice s.
    int64_t base(int64_t s) const
    {
        int64_t offset = 0, stride = 1;
        for (size_t d = shape.size(); d-- > 0;) {
            if (!reduced[d]) {
                offset += (s % shape[d]) * stride;
                s /= shape[d];
            }
            stride *= shape[d];
        }
        return offset;
    }
};

SliceLayout sliceLayout(const Shape& shape, const std::vector<size_t>& axes)
{
    SliceLayout l;
    l.shape = shape;
    l.reduced.assign(shape.size(), false);
    for (size_t a : axes)
        l.reduced[a] = true;
    l.inSlice = {0};
    int64_t stride = 1;
    l.slices = 1;
    for (size_t d = shape.size(); d-- > 0;) {
        if (l.reduced[d]) {
            std::vector<int64_t> next;
            next.reserve(l.inSlice.size() * static_cast<size_t>(shape[d]));
            for (int64_t i = 0; i < shape[d]; ++i)
                for (int64_t o : l.inSlice)
                    next.push_back(o + i * stride);
            l.inSlice = std::move(next);
        } else {
            l.slices *= shape[d];
        }
        stride *= shape[d];
    }
    std::sort(l.inSlice.begin(), l.inSlice.end());
    return l;
}

} // namespace

Tensor Softmax::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    const std::vector<size_t> axes = resolvedAxes(input.shape().size());
    int64_t sliceSize = 1;
    for (size_t a : axes)
        sliceSize *= input.shape()[a];
    // The slice's offsets (int64) and one float scratch slice per thread.
    guard(context, shape.output, sliceSize * static_cast<int64_t>(sizeof(int64_t) + context.effectiveThreads() * sizeof(float)));
    Tensor output = Tensor::uninitialized(shape.output);
    const bool logSumExp = axes.size() > 1;
    const float* in = input.data();
    float* out = output.data();
    if (axes.size() == 1 && axes.front() + 1 == input.shape().size()) {
        // Along the last axis: contiguous rows.
        const int64_t n = sliceSize;
        parallelChunks(input.size() / n, std::max<int64_t>(1, 4096 / n), context, [&](int64_t begin, int64_t end) {
            std::copy(in + begin * n, in + end * n, out + begin * n);
            for (int64_t r = begin; r < end; ++r)
                softmaxSlice(out + r * n, n, false);
        });
        return output;
    }
    const SliceLayout layout = sliceLayout(input.shape(), axes);
    parallelChunks(layout.slices, std::max<int64_t>(1, 4096 / sliceSize), context, [&](int64_t begin, int64_t end) {
        std::vector<float> v(static_cast<size_t>(sliceSize));
        for (int64_t s = begin; s < end; ++s) {
            const int64_t base = layout.base(s);
            for (int64_t i = 0; i < sliceSize; ++i)
                v[static_cast<size_t>(i)] = in[base + layout.inSlice[static_cast<size_t>(i)]];
            softmaxSlice(v.data(), sliceSize, logSumExp);
            for (int64_t i = 0; i < sliceSize; ++i)
                out[base + layout.inSlice[static_cast<size_t>(i)]] = v[static_cast<size_t>(i)];
        }
    });
    return output;
}

using namespace explain;

CellExplanation Softmax::explainOutputCell(const Tensor& input, const Shape& /*output*/, const CellIndex& cell) const
{
    const Shape& shape = input.shape();
    const std::vector<size_t> axes = resolvedAxes(shape.size());
    const std::vector<int64_t> index = axisIndex(cell, shape.size(), DataFormat::ChannelsLast);
    // The slice through `cell`: every index on the softmax axes, the cell's own elsewhere.
    const SliceLayout layout = sliceLayout(shape, axes);
    std::vector<int64_t> first = index;
    for (size_t a : axes)
        first[a] = 0;
    int64_t base = 0;
    for (size_t d = 0; d < shape.size(); ++d)
        base = base * shape[d] + first[d];
    const int64_t self = tensorOffset(shape, cell);
    const int64_t n = static_cast<int64_t>(layout.inSlice.size());
    std::vector<float> v(static_cast<size_t>(n));
    int64_t position = 0;
    CellExplanation e;
    e.kind = ExplanationKind::AlongAxis;
    float maximum = input[base];
    for (int64_t i = 0; i < n; ++i) {
        const int64_t flat = base + layout.inSlice[static_cast<size_t>(i)];
        v[static_cast<size_t>(i)] = input[flat];
        maximum = std::max(maximum, input[flat]);
        if (flat == self)
            position = i;
        if (i < kMaxListedCells) {
            std::vector<int64_t> at(shape.size());
            int64_t rest = flat;
            for (size_t d = shape.size(); d-- > 0;) {
                at[d] = rest % shape[d];
                rest /= shape[d];
            }
            ContributingCell c;
            c.cell = cellFromAxes(at);
            c.value = input[flat];
            c.windowY = 0;
            c.windowX = i;
            e.cells.push_back(c);
        }
    }
    const float x = v[static_cast<size_t>(position)];
    softmaxSlice(v.data(), n, axes.size() > 1);
    e.cellCount = n;
    CellWindow window{cell.y, cell.y, cell.x, cell.x};
    for (const ContributingCell& c : e.cells) {
        window.y0 = std::min(window.y0, c.cell.y);
        window.y1 = std::max(window.y1, c.cell.y);
        window.x0 = std::min(window.x0, c.cell.x);
        window.x1 = std::max(window.x1, c.cell.x);
    }
    e.window = e.clipped = window;
    e.value = v[static_cast<size_t>(position)];
    e.exact = true;
    const std::vector<std::string> names = elementwiseAxisNames(shape.size());
    std::string over;
    for (size_t a : axes)
        over += (over.empty() ? "" : ", ") + std::to_string(a) + " (" + names[a] + ")";
    double sum = 0;
    for (int64_t i = 0; i < n; ++i)
        sum += std::exp(static_cast<double>(input[base + layout.inSlice[static_cast<size_t>(i)]] - maximum));
    e.summary = "softmax over axis " + over + ", " + std::to_string(n) + " values: y = e^(x − max) / Σ e^(x − max) = e^("
              + formatValue(x) + " − " + formatValue(maximum) + ") / " + formatValue(sum) + " = " + formatValue(e.value);
    return e;
}

RegionMapping Softmax::mapOutputRegion(const Shape& input, const Shape& /*output*/, const std::vector<Interval>& clipped,
                                       const std::vector<Interval>& unclipped) const
{
    RegionMapping m{clipped, unclipped};
    for (size_t a : resolvedAxes(input.size()))
        m.clipped[a] = m.unclipped[a] = wholeAxis(input[a]);
    return m;
}

std::vector<AxisWindow> Softmax::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    const AxisRoles roles = axisRoles(output.size(), DataFormat::ChannelsLast);
    const int axis = spatialAxis == 0 ? roles.rows : roles.cols;
    if (axis < 0)
        throw std::invalid_argument("Softmax output of rank " + std::to_string(output.size()) + " has no "
                                    + (spatialAxis == 0 ? "rows" : "columns") + " axis");
    const std::vector<size_t> axes = resolvedAxes(input.size());
    const bool whole = std::find(axes.begin(), axes.end(), static_cast<size_t>(axis)) != axes.end();
    std::vector<AxisWindow> windows;
    for (int64_t o = 0; o < output[static_cast<size_t>(axis)]; ++o) {
        const Interval v = whole ? wholeAxis(input[static_cast<size_t>(axis)]) : Interval{o, o};
        windows.push_back({v, v});
    }
    return windows;
}

std::vector<FieldSpec> Softmax::editorFields()
{
    return {{"axis", "Axis", FieldKind::Int, {}, -4, 3, 0, "The axis the values sum to 1 along (−1: channels)", {}}};
}

json Softmax::fuzzJson(FuzzBytes& in, const std::string& name)
{
    json config = {{"name", name}};
    const int kind = in.next() % 4;
    if (kind == 1)
        config["axis"] = static_cast<int64_t>(in.next() % 11) - 5;
    else if (kind == 2)
        config["axis"] = json{static_cast<int64_t>(in.next() % 9) - 4, static_cast<int64_t>(in.next() % 9) - 4};
    else if (kind == 3)
        config["axis"] = in.next() % 2 ? json("x") : json::array();
    return {{"class_name", kClassName}, {"config", config}};
}

} // namespace layerscope
