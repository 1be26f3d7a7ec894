#include "permute.h"

#include "../config_parse.h"
#include "../explain/explain_support.h"
#include "../parallel.h"
#include "reshaping_support.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace layerscope {

std::unique_ptr<Permute> Permute::fromJson(const nlohmann::json& object)
{
    const nlohmann::json& config = object.at("config");
    PermuteParams p;
    if (!config.contains("dims"))
        throw std::invalid_argument("Permute.__init__() missing 1 required positional argument: 'dims'");
    const nlohmann::json& d = config.at("dims");
    if (!d.is_array())
        throw std::invalid_argument("`dims` must be a tuple of integers. Received: dims=" + d.dump());
    p.dims.clear();
    for (const nlohmann::json& v : d) {
        if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t{1} << 62))
            throw std::invalid_argument("Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                                        "`dims` must be consecutive and start from 1. Received dims=" + d.dump());
        p.dims.push_back(v.get<int64_t>());
    }
    return std::make_unique<Permute>(readString(config, "name", "permute"), p);
}

nlohmann::json Permute::config() const
{
    return {{"name", name()}, {"trainable", true}, {"dtype", "float32"}, {"dims", m_params.dims}};
}

std::string Permute::summary() const
{
    return "permute " + tupleString(m_params.dims);
}

LayerShape Permute::inferShape(const Shape& input) const
{
    const std::vector<int64_t>& dims = m_params.dims;
    std::vector<int64_t> sorted = dims;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i)
        if (sorted[i] != static_cast<int64_t>(i) + 1)
            throw error("Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be "
                        "consecutive and start from 1. Received dims=" + tupleString(dims));
    if (input.size() != dims.size() + 1)
        throw error("Input 0 of layer '" + name() + "' is incompatible with the layer: expected ndim="
                    + std::to_string(dims.size() + 1) + ", found ndim=" + std::to_string(input.size())
                    + ". Full shape received: " + shapeToTuple(input));
    LayerShape result;
    result.output = {input[0]};
    result.axes.push_back(copiedAxis("batch", input[0]));
    for (size_t k = 0; k < dims.size(); ++k) {
        const size_t from = static_cast<size_t>(dims[k]);
        result.output.push_back(input[from]);
        AxisExplanation e;
        e.axis = "axis " + std::to_string(k + 1);
        e.rule = "input axis dims[" + std::to_string(k) + "]";
        e.input = input[from];
        e.output = input[from];
        e.arithmetic = "input axis " + std::to_string(from) + " (size " + std::to_string(input[from]) + ")";
        result.axes.push_back(e);
    }
    return result;
}

Tensor Permute::forward(const Tensor& input, const ExecContext& context) const
{
    const LayerShape shape = inferShape(input.shape());
    guard(context, shape.output);
    const Shape& in = input.shape();
    const Shape& out = shape.output;
    const size_t rank = in.size();
    // The input stride of each output axis; a rank below 4 is padded with leading size-1 axes.
    std::array<int64_t, 4> outDims{1, 1, 1, 1}, stride{0, 0, 0, 0};
    std::vector<int64_t> inStride(rank, 1);
    for (size_t a = rank - 1; a-- > 0;)
        inStride[a] = inStride[a + 1] * in[a + 1];
    const size_t lead = 4 - rank;
    for (size_t k = 0; k < rank; ++k) {
        outDims[lead + k] = out[k];
        stride[lead + k] = inStride[k == 0 ? 0 : static_cast<size_t>(m_params.dims[k - 1])];
    }
    Tensor output = Tensor::uninitialized(out);
    const float* src = input.data();
    float* dst = output.data();
    if (stride[3] == 1 || outDims[3] == 1) {
        // The innermost output axis is the input's innermost: contiguous rows.
        const int64_t rows = outDims[0] * outDims[1] * outDims[2];
        parallelChunks(rows, /*grain=*/16, context, [&](int64_t begin, int64_t end) {
            for (int64_t r = begin; r < end; ++r) {
                const int64_t i2 = r % outDims[2], i1 = (r / outDims[2]) % outDims[1], i0 = r / (outDims[2] * outDims[1]);
                const float* s = src + i0 * stride[0] + i1 * stride[1] + i2 * stride[2];
                float* d = dst + r * outDims[3];
                for (int64_t i3 = 0; i3 < outDims[3]; ++i3)
                    d[i3] = s[i3 * stride[3]];
            }
        });
        return output;
    }
    // A transpose: the output axis k that reads the input's innermost axis (stride 1) is taken in
    // blocks of kBlock rows, and the innermost output axis in blocks of kCols, so that the cache
    // lines one row reads are read again by the next rows of the block.
    int k = 0;
    while (k < 3 && stride[static_cast<size_t>(k)] != 1)
        ++k;
    if (k == 3) // cannot happen (the input's innermost axis lands somewhere); keep a valid fallback
        k = 2;
    constexpr int64_t kBlock = 16, kCols = 64;
    const int p = k == 0 ? 1 : 0, q = k == 2 ? 1 : 2;
    const int64_t kBlocks = (outDims[static_cast<size_t>(k)] + kBlock - 1) / kBlock;
    const int64_t tasks = outDims[static_cast<size_t>(p)] * outDims[static_cast<size_t>(q)] * kBlocks;
    parallelChunks(tasks, /*grain=*/1, context, [&](int64_t begin, int64_t end) {
        for (int64_t t = begin; t < end; ++t) {
            std::array<int64_t, 3> index{};
            index[static_cast<size_t>(q)] = t % outDims[static_cast<size_t>(q)];
            index[static_cast<size_t>(p)] = (t / outDims[static_cast<size_t>(q)]) % outDims[static_cast<size_t>(p)];
            const int64_t kb = t / (outDims[static_cast<size_t>(q)] * outDims[static_cast<size_t>(p)]);
            const int64_t kEnd = std::min(outDims[static_cast<size_t>(k)], (kb + 1) * kBlock);
            for (int64_t c0 = 0; c0 < outDims[3]; c0 += kCols) {
                const int64_t c1 = std::min(outDims[3], c0 + kCols);
                for (int64_t ik = kb * kBlock; ik < kEnd; ++ik) {
                    index[static_cast<size_t>(k)] = ik;
                    const int64_t r = (index[0] * outDims[1] + index[1]) * outDims[2] + index[2];
                    const float* s = src + index[0] * stride[0] + index[1] * stride[1] + index[2] * stride[2];
                    float* d = dst + r * outDims[3];
                    for (int64_t i3 = c0; i3 < c1; ++i3)
                        d[i3] = s[i3 * stride[3]];
                }
            }
        }
    });
    return output;
}

// ---- registry entry ----------------------------------------------------------------------

std::vector<FieldSpec> Permute::editorFields()
{
    return {{"dims", "Dims", FieldKind::IntList, {}, 1, 3, 3,
             "Output axis k is input axis dims[k − 1] (1-based; the batch axis stays)", {}}};
}

nlohmann::json Permute::fuzzJson(FuzzBytes& in, const std::string& name)
{
    nlohmann::json dims = nlohmann::json::array();
    const int count = in.next() % 5;
    for (int i = 0; i < count; ++i)
        dims.push_back(in.value());
    return {{"class_name", kClassName}, {"config", {{"name", name}, {"dims", dims}}}};
}

// ---- explanation -----------------------------------------------------------------------------

using namespace explain;

CellExplanation Permute::explainOutputCell(const Tensor& input, const Shape& output, const CellIndex& o) const
{
    const Shape& s = input.shape();
    const std::vector<int64_t> outIndex = axisIndex(o, output.size(), DataFormat::ChannelsLast);
    std::vector<int64_t> source(s.size());
    source[0] = outIndex[0];
    std::string steps;
    for (size_t k = 0; k < m_params.dims.size(); ++k) {
        source[static_cast<size_t>(m_params.dims[k])] = outIndex[k + 1];
        steps += (k ? ", " : "") + std::string("output axis ") + std::to_string(k + 1) + " → input axis "
               + std::to_string(m_params.dims[k]);
    }
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
    e.details.push_back("output index " + indexText(outIndex) + ": " + steps);
    return e;
}

RegionMapping Permute::mapOutputRegion(const Shape& input, const Shape& /*output*/, const std::vector<Interval>& clipped,
                                       const std::vector<Interval>& unclipped) const
{
    RegionMapping m;
    m.clipped.assign(input.size(), Interval{});
    m.unclipped.assign(input.size(), Interval{});
    m.clipped[0] = clipped[0];
    m.unclipped[0] = unclipped[0];
    for (size_t k = 0; k < m_params.dims.size(); ++k) {
        m.clipped[static_cast<size_t>(m_params.dims[k])] = clipped[k + 1];
        m.unclipped[static_cast<size_t>(m_params.dims[k])] = unclipped[k + 1];
    }
    return m;
}

std::vector<AxisWindow> Permute::outputAxisWindows(const Shape& input, const Shape& output, int spatialAxis) const
{
    return slabWindows(input, output, DataFormat::ChannelsLast, spatialAxis,
                       [&](const std::vector<Interval>& box) { return mapOutputRegion(input, output, box, box); });
}

} // namespace layerscope
