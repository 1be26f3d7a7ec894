#include "merge.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "../parallel.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace layerscope {

using nlohmann::json;

std::string mergeAxisName(size_t rank, size_t axis)
{
    static const char* four[] = {"batch", "rows", "columns", "channels"};
    static const char* three[] = {"rows", "columns", "channels"};
    static const char* two[] = {"batch", "channels"};
    if (rank == 4 && axis < 4)
        return four[axis];
    if (rank == 3 && axis < 3)
        return three[axis];
    if (rank == 2 && axis < 2)
        return two[axis];
    return "axis " + std::to_string(axis);
}

static std::string shapeList(const std::vector<Shape>& shapes)
{
    std::string text = "[";
    for (size_t i = 0; i < shapes.size(); ++i)
        text += (i ? ", " : "") + shapeToTuple(shapes[i]);
    return text + "]";
}

MergeAlignment ElementwiseMerge::align(const std::vector<Shape>& inputs) const
{
    if (inputs.empty())
        throw error("A merge layer should be called on a list of at least 1 input. Received 0 inputs. "
                    "Full input_shape received: []");
    // Batch sizes: no broadcasting.
    std::optional<int64_t> batch;
    for (const Shape& s : inputs) {
        if (s.empty() || s[0] < 0)
            continue;
        if (batch && *batch != s[0])
            throw error("Cannot merge tensors with different batch sizes. Received tensors with shapes "
                        + shapeList(inputs));
        batch = s[0];
    }
    // Left fold of the non-batch shapes, aligned from the right.
    auto tail = [](const Shape& s) { return s.empty() ? Shape{} : Shape(s.begin() + 1, s.end()); };
    Shape folded = tail(inputs[0]);
    for (size_t i = 1; i < inputs.size(); ++i) {
        Shape a = folded, b = tail(inputs[i]);
        if (a.size() < b.size())
            std::swap(a, b);
        Shape out(a.begin(), a.end() - static_cast<std::ptrdiff_t>(b.size()));
        for (size_t k = 0; k < b.size(); ++k) {
            const int64_t x = a[a.size() - b.size() + k], y = b[k];
            if (x < 0 || y < 0)
                out.push_back(-1);
            else if (x == 1)
                out.push_back(y);
            else if (y == 1 || x == y)
                out.push_back(x);
            else
                throw error("Inputs have incompatible shapes. Received shapes " + shapeToTuple(a) + " and "
                            + shapeToTuple(b));
        }
        folded = std::move(out);
    }
    if (op() == MergeOp::Subtract && inputs.size() != 2)
        throw error("A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape="
                    + shapeList(inputs));
    MergeAlignment result;
    result.output = {batch.value_or(inputs[0].empty() ? 1 : inputs[0][0])};
    result.output.insert(result.output.end(), folded.begin(), folded.end());
    const size_t rank = result.output.size();
    for (const Shape& s : inputs) {
        Shape a(rank, 1);
        a[0] = s.empty() ? 1 : s[0];
        // Size-1 axes inserted at axis 1: the non-batch axes end up right-aligned.
        for (size_t k = 1; k < s.size(); ++k)
            a[rank - s.size() + k] = s[k];
        std::vector<bool> stretched(rank);
        for (size_t k = 0; k < rank; ++k)
            stretched[k] = a[k] == 1 && result.output[k] != 1;
        result.aligned.push_back(std::move(a));
        result.broadcast.push_back(std::move(stretched));
    }
    return result;
}

LayerShape ElementwiseMerge::inferShapes(const std::vector<Shape>& inputs) const
{
    const MergeAlignment m = align(inputs);
    LayerShape result;
    result.output = m.output;
    const size_t rank = m.output.size();
    for (size_t k = 0; k < rank; ++k) {
        AxisExplanation e;
        e.axis = mergeAxisName(rank, k);
        e.input = m.aligned[0][k];
        e.output = m.output[k];
        std::vector<std::string> stretched;
        for (size_t i = 0; i < inputs.size(); ++i)
            if (m.broadcast[i][k])
                stretched.push_back("input " + std::to_string(i));
        if (stretched.empty()) {
            e.rule = "copied";
            e.arithmetic = std::to_string(m.output[k]) + " → " + std::to_string(m.output[k]);
        } else {
            e.rule = "broadcast";
            std::string who;
            for (size_t s = 0; s < stretched.size(); ++s)
                who += (s ? ", " : "") + stretched[s];
            e.arithmetic = "1 → " + std::to_string(m.output[k]) + " (" + who + " broadcast along " + e.axis + ")";
        }
        result.axes.push_back(std::move(e));
    }
    return result;
}

namespace {

// Element-wise op with `b`, accumulating into `acc`; `bStride` 0 broadcasts one value.
template <typename F>
inline void combineRow(float* acc, const float* b, int64_t n, int64_t bStride, F f)
{
    if (bStride == 1) {
#pragma omp simd
        for (int64_t i = 0; i < n; ++i)
            acc[i] = f(acc[i], b[i]);
    } else {
        const float v = b[0];
#pragma omp simd
        for (int64_t i = 0; i < n; ++i)
            acc[i] = f(acc[i], v);
    }
}

// Row-major strides of `aligned` as read for an output of `output` (0 along broadcast axes).
std::vector<int64_t> broadcastStrides(const Shape& aligned, const Shape& output)
{
    std::vector<int64_t> strides(aligned.size(), 0);
    int64_t stride = 1;
    for (size_t k = aligned.size(); k-- > 0;) {
        strides[k] = aligned[k] == 1 && output[k] != 1 ? 0 : stride;
        stride *= aligned[k];
    }
    return strides;
}

} // namespace

Tensor ElementwiseMerge::forwardInputs(const std::vector<const Tensor*>& inputs, const ExecContext& context) const
{
    std::vector<Shape> shapes;
    for (const Tensor* t : inputs)
        shapes.push_back(t->shape());
    const MergeAlignment m = align(shapes);
    guard(context, m.output);
    Tensor output = Tensor::uninitialized(m.output);
    const size_t rank = m.output.size();
    const int64_t inner = m.output.back();
    const int64_t rows = inner > 0 ? output.size() / inner : 0;
    std::vector<std::vector<int64_t>> strides;
    for (const Shape& a : m.aligned)
        strides.push_back(broadcastStrides(a, m.output));
    const MergeOp operation = op();
    const float divisor = static_cast<float>(inputs.size());
    float* out = output.data();
    auto finishAverage = [&](float* acc, int64_t n) {
        if (operation == MergeOp::Average) {
#pragma omp simd
            for (int64_t j = 0; j < n; ++j)
                acc[j] = acc[j] / divisor;
        }
    };
    auto combine = [&](float* acc, const float* src, int64_t n, int64_t stride) {
        switch (operation) {
        case MergeOp::Add:
        case MergeOp::Average: combineRow(acc, src, n, stride, [](float a, float b) { return a + b; }); break;
        case MergeOp::Subtract: combineRow(acc, src, n, stride, [](float a, float b) { return a - b; }); break;
        case MergeOp::Multiply: combineRow(acc, src, n, stride, [](float a, float b) { return a * b; }); break;
        case MergeOp::Maximum: combineRow(acc, src, n, stride, [](float a, float b) { return a > b ? a : b; }); break;
        case MergeOp::Minimum: combineRow(acc, src, n, stride, [](float a, float b) { return a < b ? a : b; }); break;
        }
    };
    // Every input the output's shape (a residual Add): flat blocks streamed through each input.
    bool sameShapes = true;
    for (const Tensor* t : inputs)
        sameShapes = sameShapes && t->shape() == m.output;
    if (sameShapes) {
        parallelChunks(output.size(), 1 << 15, context, [&](int64_t begin, int64_t end) {
            float* acc = out + begin;
            std::memcpy(acc, inputs[0]->data() + begin, static_cast<size_t>(end - begin) * sizeof(float));
            for (size_t i = 1; i < inputs.size(); ++i)
                combine(acc, inputs[i]->data() + begin, end - begin, 1);
            finishAverage(acc, end - begin);
        });
        return output;
    }
    // Rows of the last axis, each streamed through every input in order (the left fold).
    parallelChunks(rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, inner)), context,
                   [&](int64_t begin, int64_t end) {
        std::vector<int64_t> index(rank, 0);
        for (int64_t row = begin; row < end; ++row) {
            int64_t rest = row;
            for (size_t k = rank - 1; k-- > 0;) {
                index[k] = rest % m.output[k];
                rest /= m.output[k];
            }
            float* acc = out + row * inner;
            for (size_t i = 0; i < inputs.size(); ++i) {
                int64_t offset = 0;
                for (size_t k = 0; k + 1 < rank; ++k)
                    offset += index[k] * strides[i][k];
                const float* src = inputs[i]->data() + offset;
                const int64_t s = strides[i][rank - 1];
                if (i == 0) {
                    if (s == 1)
                        std::memcpy(acc, src, static_cast<size_t>(inner) * sizeof(float));
                    else
                        std::fill(acc, acc + inner, src[0]);
                    continue;
                }
                combine(acc, src, inner, s);
            }
            finishAverage(acc, inner);
        }
    });
    return output;
}

std::string ElementwiseMerge::summary() const
{
    switch (op()) {
    case MergeOp::Add: return "x0 + x1 + …";
    case MergeOp::Subtract: return "x0 − x1";
    case MergeOp::Multiply: return "x0 · x1 · …";
    case MergeOp::Average: return "(x0 + x1 + …) / N";
    case MergeOp::Maximum: return "max(x0, x1, …)";
    case MergeOp::Minimum: return "min(x0, x1, …)";
    }
    return {};
}

json ElementwiseMerge::config() const
{
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}};
}

std::string ElementwiseMerge::nameFromJson(const json& object, const char* stem)
{
    const json& config = object.at("config");
    return readString(config, "name", stem);
}

json ElementwiseMerge::mergeFuzzJson(const char* className, FuzzBytes& bytes, const std::string& name)
{
    json config = {{"name", name}};
    if (bytes.next() % 2)
        config["trainable"] = true;
    return {{"class_name", className}, {"config", config}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation ElementwiseMerge::explainOutputCellInputs(const std::vector<const Tensor*>& inputs,
                                                          const Shape& output, const CellIndex& cell) const
{
    std::vector<Shape> shapes;
    for (const Tensor* t : inputs)
        shapes.push_back(t->shape());
    const MergeAlignment m = align(shapes);
    const size_t rank = output.size();
    const std::vector<int64_t> index = axisIndex(cell, rank, DataFormat::ChannelsLast);
    CellExplanation e;
    e.kind = ExplanationKind::Merge;
    e.output = cell;
    float value = 0;
    std::vector<std::string> terms;
    std::vector<std::string> broadcastNotes;
    for (size_t i = 0; i < inputs.size(); ++i) {
        // The input's own index: broadcast axes read index 0, inserted axes are dropped.
        const Shape& own = shapes[i];
        std::vector<int64_t> ownIndex;
        std::vector<std::string> along;
        for (size_t k = 0; k < rank; ++k) {
            const bool inserted = k > 0 && k < rank - (own.size() - 1) && own.size() < rank;
            if (m.broadcast[i][k])
                along.push_back(mergeAxisName(rank, k));
            if (inserted)
                continue;
            ownIndex.push_back(m.aligned[i][k] == 1 ? 0 : index[k]);
        }
        int64_t flat = 0;
        for (size_t k = 0; k < own.size(); ++k)
            flat = flat * own[k] + ownIndex[k];
        const float v = (*inputs[i])[flat];
        ContributingCell c;
        c.cell = cellFromAxes(ownIndex);
        c.value = v;
        c.weight = 1;
        c.input = static_cast<int>(i);
        e.cells.push_back(c);
        terms.push_back(term(v));
        if (!along.empty()) {
            std::string axes;
            for (size_t a = 0; a < along.size(); ++a)
                axes += (a ? ", " : "") + along[a];
            broadcastNotes.push_back("input " + std::to_string(i) + " " + shapeToTuple(own) + " is broadcast along "
                                     + axes + " (size 1 repeated)");
        }
        if (i == 0) {
            value = v;
            continue;
        }
        switch (op()) {
        case MergeOp::Add:
        case MergeOp::Average: value = value + v; break;
        case MergeOp::Subtract: value = value - v; break;
        case MergeOp::Multiply: value = value * v; break;
        case MergeOp::Maximum: value = value > v ? value : v; break;
        case MergeOp::Minimum: value = value < v ? value : v; break;
        }
    }
    const float sum = value;
    if (op() == MergeOp::Average)
        value = value / static_cast<float>(inputs.size());
    e.cellCount = static_cast<int64_t>(e.cells.size());
    e.value = value;
    e.exact = true;
    std::string expression;
    switch (op()) {
    case MergeOp::Add: expression = joinTerms(terms, " + ", 64); break;
    case MergeOp::Subtract: expression = joinTerms(terms, " − ", 64); break;
    case MergeOp::Multiply: expression = joinTerms(terms, " · ", 64); break;
    case MergeOp::Average:
        expression = "(" + joinTerms(terms, " + ", 64) + ") / " + std::to_string(inputs.size()) + " = "
                   + formatValue(sum) + " / " + std::to_string(inputs.size());
        break;
    case MergeOp::Maximum: expression = "max(" + joinTerms(terms, ", ", 64) + ")"; break;
    case MergeOp::Minimum: expression = "min(" + joinTerms(terms, ", ", 64) + ")"; break;
    }
    e.summary = expression + " = " + formatValue(value);
    if (inputs.size() == 1)
        e.summary += " (one input: passed through)";
    for (size_t i = 0; i < e.cells.size(); ++i)
        e.details.push_back("input " + std::to_string(i) + " " + cellText(e.cells[i].cell) + " = "
                            + formatValue(e.cells[i].value));
    for (const std::string& note : broadcastNotes)
        e.details.push_back(note);
    return e;
}

std::vector<RegionMapping> ElementwiseMerge::mapOutputRegionInputs(const std::vector<Shape>& inputs,
                                                                   const Shape& output,
                                                                   const std::vector<Interval>& clipped,
                                                                   const std::vector<Interval>& unclipped) const
{
    if (clipped.size() != output.size() || unclipped.size() != output.size())
        throw std::invalid_argument("a region of rank " + std::to_string(clipped.size()) + " for an output of rank "
                                    + std::to_string(output.size()));
    const MergeAlignment m = align(inputs);
    const size_t rank = output.size();
    std::vector<RegionMapping> result;
    for (size_t i = 0; i < inputs.size(); ++i) {
        const Shape& own = inputs[i];
        RegionMapping r;
        for (size_t k = 0; k < rank; ++k) {
            const bool inserted = k > 0 && own.size() < rank && k < rank - (own.size() - 1);
            if (inserted)
                continue;
            if (m.aligned[i][k] == 1 && output[k] != 1) {
                r.clipped.push_back({0, 0});
                r.unclipped.push_back({0, 0});
            } else {
                r.clipped.push_back(clipped[k]);
                r.unclipped.push_back(unclipped[k]);
            }
        }
        result.push_back(std::move(r));
    }
    return result;
}

std::vector<AxisWindow> ElementwiseMerge::outputAxisWindows(const Shape& input, const Shape& output,
                                                            int spatialAxis) const
{
    // Rows / columns are axes 1 / 2 of a rank-4 tensor (no data_format: storage order).
    if (output.size() != 4 || input.size() != 4)
        throw std::invalid_argument(className() + " '" + name() + "' has no spatial axes on a rank-"
                                    + std::to_string(output.size()) + " tensor");
    const size_t axis = static_cast<size_t>(spatialAxis + 1);
    std::vector<AxisWindow> windows;
    for (int64_t o = 0; o < output[axis]; ++o) {
        const int64_t i = input[axis] == 1 ? 0 : o;
        windows.push_back({{i, i}, {i, i}});
    }
    return windows;
}

} // namespace layerscope
